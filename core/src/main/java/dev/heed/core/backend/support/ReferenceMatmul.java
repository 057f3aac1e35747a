package dev.heed.core.backend.support;

import dev.heed.core.backend.MatmulSpec;
import java.util.Arrays;

/**
 * {@code matmul}: {@code C = alpha · op(A) · op(B) + beta · C} for each matrix of a batch,
 * accumulating in the buffer's type (float for FLOAT32), in order of {@code p = 0 … k-1}.
 *
 * <p>Strategy: when B is stored transposed ({@code n × k}) it is first packed into a contiguous
 * {@code k × n} copy (once per distinct matrix, so a broadcast B with batch stride 0 is packed
 * once). Then one i-k-j loop serves all four transpose combinations: for each row {@code i} of C
 * and each {@code p}, the row {@code p} of B is scaled by {@code op(A)[i, p]} and added to a row
 * accumulator, a loop over contiguous memory that the JIT vectorises. Finally {@code C[i, j] =
 * alpha · acc[j] + beta · C[i, j]}, or {@code alpha · acc[j]} when beta is 0, so NaN in an ignored
 * C does not propagate.
 *
 * <p>Column panels (cache blocking of B) were measured and did not pay off on a 1024² product: the
 * streamed rows of B come from the last-level cache fast enough, and short inner loops cost more.
 */
public final class ReferenceMatmul {
  private ReferenceMatmul() {}

  /** {@code C = alpha · op(A) · op(B) + beta · C} for each matrix of {@code s}, in float. */
  public static void matmul(MatmulSpec s, float[] a, float[] b, float[] c) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    if (m == 0 || n == 0) {
      return;
    }
    float alpha = (float) s.alpha();
    float beta = (float) s.beta();
    float[] acc = new float[n];
    float[] packed = s.transB() && k > 0 ? new float[k * n] : null;
    long packedFrom = -1;
    int lda = s.lda();
    for (int t = 0; t < s.batch(); t++) {
      int ldb = s.ldb();
      int ao = (int) (s.aOffset() + t * s.aBatchStride());
      int bo = (int) (s.bOffset() + t * s.bBatchStride());
      int co = (int) (s.cOffset() + t * s.cBatchStride());
      if (k == 0) {
        scale(c, co, m * n, s.beta());
        continue;
      }
      float[] bm = b;
      if (packed != null) {
        if (bo != packedFrom) {
          transpose(b, bo, n, k, s.ldb(), packed);
          packedFrom = bo;
        }
        bm = packed;
        bo = 0;
        ldb = n;
      }
      for (int i = 0; i < m; i++) {
        Arrays.fill(acc, 0f);
        for (int p = 0; p < k; p++) {
          float aip = s.transA() ? a[ao + p * lda + i] : a[ao + i * lda + p];
          int row = bo + p * ldb;
          for (int j = 0; j < n; j++) {
            acc[j] += aip * bm[row + j];
          }
        }
        int crow = co + i * n;
        if (s.beta() == 0) {
          for (int j = 0; j < n; j++) {
            c[crow + j] = alpha * acc[j];
          }
        } else {
          for (int j = 0; j < n; j++) {
            c[crow + j] = alpha * acc[j] + beta * c[crow + j];
          }
        }
      }
    }
  }

  /** {@code C = alpha · op(A) · op(B) + beta · C} for each matrix of {@code s}, in double. */
  public static void matmul(MatmulSpec s, double[] a, double[] b, double[] c) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    if (m == 0 || n == 0) {
      return;
    }
    double alpha = s.alpha();
    double beta = s.beta();
    double[] acc = new double[n];
    double[] packed = s.transB() && k > 0 ? new double[k * n] : null;
    long packedFrom = -1;
    int lda = s.lda();
    for (int t = 0; t < s.batch(); t++) {
      int ldb = s.ldb();
      int ao = (int) (s.aOffset() + t * s.aBatchStride());
      int bo = (int) (s.bOffset() + t * s.bBatchStride());
      int co = (int) (s.cOffset() + t * s.cBatchStride());
      if (k == 0) {
        scale(c, co, m * n, beta);
        continue;
      }
      double[] bm = b;
      if (packed != null) {
        if (bo != packedFrom) {
          transpose(b, bo, n, k, s.ldb(), packed);
          packedFrom = bo;
        }
        bm = packed;
        bo = 0;
        ldb = n;
      }
      for (int i = 0; i < m; i++) {
        Arrays.fill(acc, 0.0);
        for (int p = 0; p < k; p++) {
          double aip = s.transA() ? a[ao + p * lda + i] : a[ao + i * lda + p];
          int row = bo + p * ldb;
          for (int j = 0; j < n; j++) {
            acc[j] += aip * bm[row + j];
          }
        }
        int crow = co + i * n;
        if (s.beta() == 0) {
          for (int j = 0; j < n; j++) {
            c[crow + j] = alpha * acc[j];
          }
        } else {
          for (int j = 0; j < n; j++) {
            c[crow + j] = alpha * acc[j] + beta * c[crow + j];
          }
        }
      }
    }
  }

  /**
   * {@code dst[p, j] = src[off + j·ld + p]}: the {@code n × k} matrix at {@code off} with rows
   * {@code ld} apart, transposed.
   */
  private static void transpose(float[] src, int off, int n, int k, int ld, float[] dst) {
    for (int j = 0; j < n; j++) {
      int row = off + j * ld;
      for (int p = 0; p < k; p++) {
        dst[p * n + j] = src[row + p];
      }
    }
  }

  private static void transpose(double[] src, int off, int n, int k, int ld, double[] dst) {
    for (int j = 0; j < n; j++) {
      int row = off + j * ld;
      for (int p = 0; p < k; p++) {
        dst[p * n + j] = src[row + p];
      }
    }
  }

  /** {@code C = beta · C} (zeros when beta is 0): the product with {@code k = 0}. */
  private static void scale(float[] c, int off, int count, double beta) {
    for (int i = 0; i < count; i++) {
      c[off + i] = beta == 0 ? 0f : (float) beta * c[off + i];
    }
  }

  private static void scale(double[] c, int off, int count, double beta) {
    for (int i = 0; i < count; i++) {
      c[off + i] = beta == 0.0 ? 0.0 : beta * c[off + i];
    }
  }
}
