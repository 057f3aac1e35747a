package dev.heed.core.backend;

/**
 * A batched matrix product {@code C[i] = alpha · op(A[i]) · op(B[i]) + beta · C[i]} for {@code i}
 * in {@code [0, batch)}, where {@code op(X)} is X or its transpose.
 *
 * <p>Each matrix is stored row-major with a leading dimension (the element distance between the
 * starts of two stored rows, at least the stored row length): {@code op(A)} is {@code m × k}, A is
 * stored {@code m × k}, or {@code k × m} when {@code transA}, with rows {@code lda} apart; {@code
 * op(B)} is {@code k × n}, B is stored {@code k × n}, or {@code n × k} when {@code transB}, with
 * rows {@code ldb} apart. C is {@code m × n}, dense. A leading dimension larger than the row length
 * reads a matrix out of a wider one (a head's columns of a projection, a transposed view) without a
 * copy. Matrix {@code i} of A starts at {@code aOffset + i·aBatchStride} (elements); a batch stride
 * of 0 repeats one matrix for every batch entry (broadcasting). C's batch stride must not be 0 when
 * {@code batch > 1}, unless C is empty. When {@code beta} is 0, C's old contents are ignored (NaN
 * in C does not propagate). {@code k = 0} is legal and gives {@code beta · C}.
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
    double beta,
    int lda,
    int ldb) {

  /** Validates the dimensions and leading dimensions. */
  public MatmulSpec {
    if (batch < 0 || m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "matmul: negative dimension batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
    }
    if (batch > 1 && cBatchStride == 0 && m > 0 && n > 0) {
      throw new IllegalArgumentException("matmul: output batch stride 0 with batch " + batch);
    }
    int rowA = transA ? m : k;
    int rowB = transB ? k : n;
    if (lda < rowA || ldb < rowB) {
      throw new IllegalArgumentException(
          "matmul: leading dimensions lda="
              + lda
              + " ldb="
              + ldb
              + " are shorter than the stored rows ("
              + rowA
              + " and "
              + rowB
              + " elements)");
    }
  }

  /** A product whose matrices are dense: {@code lda} and {@code ldb} are the stored row lengths. */
  public MatmulSpec(
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
    this(
        batch,
        m,
        n,
        k,
        transA,
        transB,
        aOffset,
        aBatchStride,
        bOffset,
        bBatchStride,
        cOffset,
        cBatchStride,
        alpha,
        beta,
        transA ? m : k,
        transB ? k : n);
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

  /**
   * Number of elements from the first to the last element of one matrix of A, plus one: {@code
   * (rows - 1)·lda + rowLength} (0 when A is empty).
   */
  public long aSpan() {
    return span(transA ? k : m, transA ? m : k, lda);
  }

  /** As {@link #aSpan()} for B. */
  public long bSpan() {
    return span(transB ? n : k, transB ? k : n, ldb);
  }

  /** Whether A's and B's matrices are dense (leading dimensions equal to the row lengths). */
  public boolean dense() {
    return lda == (transA ? m : k) && ldb == (transB ? k : n);
  }

  private static long span(int rows, int cols, int ld) {
    return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
  }
}
