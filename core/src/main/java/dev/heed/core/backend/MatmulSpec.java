package dev.heed.core.backend;

/**
 * A batched matrix product {@code C[i] = alpha · op(A[i]) · op(B[i]) + beta · C[i]} for {@code i}
 * in {@code [0, batch)}, where {@code op(X)} is X or its transpose.
 *
 * <p>Each matrix is dense row-major. {@code op(A)} is {@code m × k}: A is stored {@code m × k}, or
 * {@code k × m} when {@code transA}. {@code op(B)} is {@code k × n}: B is stored {@code k × n}, or
 * {@code n × k} when {@code transB}. C is {@code m × n}. Matrix {@code i} of A starts at {@code
 * aOffset + i·aBatchStride} (elements); a batch stride of 0 repeats one matrix for every batch
 * entry (broadcasting). C's batch stride must not be 0 when {@code batch > 1}, unless C is empty.
 * When {@code beta} is 0, C's old contents are ignored (NaN in C does not propagate). {@code k = 0}
 * is legal and gives {@code beta · C}.
 */
public record MatmulSpec(
    int batch,
    int m,
    int n,
    int k,
    boolean transA,
    boolean transB,
    long aOffset,
    long aBatchStride,
    long bOffset,
    long bBatchStride,
    long cOffset,
    long cBatchStride,
    double alpha,
    double beta) {

  /** Validates the dimensions. */
  public MatmulSpec {
    if (batch < 0 || m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "matmul: negative dimension batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
    }
    if (batch > 1 && cBatchStride == 0 && m > 0 && n > 0) {
      throw new IllegalArgumentException("matmul: output batch stride 0 with batch " + batch);
    }
  }

  /** A plain {@code C = op(A)·op(B)} over contiguous batches of matrices. */
  public static MatmulSpec of(int batch, int m, int n, int k, boolean transA, boolean transB) {
    return new MatmulSpec(
        batch,
        m,
        n,
        k,
        transA,
        transB,
        0,
        (long) m * k,
        0,
        (long) k * n,
        0,
        (long) m * n,
        1.0,
        0.0);
  }

  /** Leading dimension (row length) of A as stored. */
  public int lda() {
    return transA ? m : k;
  }

  /** Leading dimension (row length) of B as stored. */
  public int ldb() {
    return transB ? k : n;
  }
}
