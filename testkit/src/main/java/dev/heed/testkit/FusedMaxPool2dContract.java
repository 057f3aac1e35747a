package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.core.tensor.Windows;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of {@link FusedMaxPool2d}: {@code Windows.maxPool2d} on the backend under test, over
 * windows that tile the image (which takes the fused kernel), against direct loops: the values, and
 * the gradient of {@code Σ y·R} going to each window's first maximum (or first NaN) in window
 * order; ties (values drawn from a few integers), NaN, {@code ±0}, rows and columns past the last
 * whole window (floor mode), rows shorter and longer than a vector. Exact: the maxima and the
 * routed values are the same numbers. The kernels are also called directly into buffers holding
 * other values, which they must overwrite. A backend that does not offer the capability for FLOAT32
 * skips.
 *
 * <pre>{@code
 * class SimdMaxPool2dTest extends FusedMaxPool2dContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each run's tensors
public abstract class FusedMaxPool2dContract {

  /** For subclasses. */
  protected FusedMaxPool2dContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /** Direct loops: the values and, per window, the flat input position that takes its gradient. */
  private static Object[] direct(float[] x, int planes, int h, int w, int kh, int kw) {
    int oh = h / kh;
    int ow = w / kw;
    float[] y = new float[planes * oh * ow];
    int[] at = new int[y.length];
    int o = 0;
    for (int p = 0; p < planes; p++) {
      for (int r = 0; r < oh; r++) {
        for (int q = 0; q < ow; q++, o++) {
          float best = Float.NEGATIVE_INFINITY;
          int pos = -1;
          for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kw; b++) {
              int i = p * h * w + (r * kh + a) * w + q * kw + b;
              // a NaN beats any number and the first NaN stays; a later equal value does not win
              boolean larger = Float.isNaN(x[i]) ? !Float.isNaN(best) : x[i] > best;
              if (pos < 0 || larger) {
                best = x[i];
                pos = i;
              }
            }
          }
          y[o] = best == 0f && hasPositiveZero(x, p, h, w, r, q, kh, kw) ? 0f : best;
          at[o] = pos;
        }
      }
    }
    return new Object[] {y, at};
  }

  /** Whether a window holds {@code +0} (the maximum of {@code -0} and {@code +0} is {@code +0}). */
  private static boolean hasPositiveZero(
      float[] x, int p, int h, int w, int r, int q, int kh, int kw) {
    for (int a = 0; a < kh; a++) {
      for (int b = 0; b < kw; b++) {
        if (Float.floatToRawIntBits(x[p * h * w + (r * kh + a) * w + q * kw + b]) == 0) {
          return true;
        }
      }
    }
    return false;
  }

  @ParameterizedTest
  @CsvSource({
    // n, c, h, w, kh, kw
    "2, 3, 8, 8, 2, 2",
    "3, 4, 9, 7, 2, 2",
    "2, 2, 7, 8, 3, 2",
    "1, 5, 6, 9, 3, 3",
    "2, 1, 5, 5, 1, 1",
    "2, 3, 6, 35, 2, 2",
    "1, 2, 4, 64, 2, 2",
    "3, 2, 5, 29, 2, 2"
  })
  public void agreesWithDirectLoops(int n, int c, int h, int w, int kh, int kw) {
    Random rnd = new Random(n * 1000 + h * 10 + kh);
    int size = n * c * h * w;
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = rnd.nextInt(4) - 1; // many ties
    }
    v[3] = Float.NaN;
    v[size / 2] = Float.NaN;
    v[size / 2 + 1] = Float.NaN;
    v[size - 5] = -0f;
    v[size - 4] = 0f;
    v[size - 3] = -0f;
    int oh = h / kh;
    int ow = w / kw;
    float[] r = new float[n * c * oh * ow];
    for (int i = 0; i < r.length; i++) {
      r[i] = 1 + rnd.nextInt(9);
    }
    Object[] expected = direct(v, n * c, h, w, kh, kw);
    float[] grad = new float[size];
    int[] at = (int[]) expected[1];
    for (int i = 0; i < at.length; i++) {
      grad[at[i]] += r[i];
    }
    Backend be = backend();
    assertNotNull(be, "backend() returned null");
    Optional<FusedMaxPool2d> fused = be.capability(FusedMaxPool2d.class);
    assumeTrue(
        fused.isPresent() && fused.get().supports(DType.FLOAT32),
        be.name() + " offers no FusedMaxPool2d for FLOAT32");
    try (Scope s = Scope.open()) {
      Tensor x = Tensors.of(be, DType.FLOAT32, toDoubles(v), n, c, h, w).requiresGrad(true);
      int[] k = {kh, kw};
      Tensor y = Windows.maxPool2d(x, k, k, new int[] {0, 0}, new int[] {1, 1});
      assertArrayEquals((float[]) expected[0], y.toFloatArray(), "values");
      Tensor gy = Tensors.of(be, DType.FLOAT32, toDoubles(r), n, c, oh, ow);
      y.mul(gy).sum().backward();
      assertArrayEquals(grad, x.grad().toFloatArray(), "gradient");
      // the kernels write every element: buffers holding other values give the same results
      Tensor y2 = Tensors.full(be, y.shape(), DType.FLOAT32, 7);
      Tensor gx = Tensors.full(be, x.shape(), DType.FLOAT32, 7);
      try (GradMode off = GradMode.disable()) {
        fused.get().forward(x.buffer(), n * c, h, w, kh, kw, y2.buffer());
        fused
            .get()
            .backward(gy.buffer(), x.buffer(), y2.buffer(), n * c, h, w, kh, kw, gx.buffer());
      }
      assertArrayEquals((float[]) expected[0], y2.toFloatArray(), "values (direct call)");
      assertArrayEquals(grad, gx.toFloatArray(), "gradient (direct call)");
    }
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
