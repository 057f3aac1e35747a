package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.tensor.Convolution;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused convolution against core's composite (im2col through views and one product) on the same
 * backend: output and the gradients of input, weight and bias of {@code Σ y·R}, within 1e-4
 * relative to {@code max(1, |expected|)}, for strides, padding, dilation, groups, fewer column rows
 * than output channels (the weight gradient's transposed product), same-width convolutions (input
 * gradient as a convolution with flipped kernels; with 16-channel groups, the weight gradient's
 * columns packed from the image) and 1 or 2 threads.
 */
@SuppressWarnings("try")
class SimdConv2dTest {

  @ParameterizedTest
  @CsvSource({
    // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, threads
    "2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1",
    "3, 4, 9, 8, 6, 3, 2, 2, 1, 1, 2, 2, 1, 2, 2",
    "2, 4, 6, 5, 8, 3, 3, 2, 2, 1, 1, 1, 1, 4, 2",
    "1, 2, 5, 9, 3, 1, 4, 1, 3, 0, 2, 1, 2, 1, 1",
    "4, 8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 2",
    "3, 1, 6, 7, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 2",
    "2, 4, 5, 5, 6, 1, 1, 1, 1, 0, 0, 1, 1, 2, 1",
    // 16-channel groups: the weight gradient's columns packed from the image, transposed
    "3, 16, 5, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 2",
    "2, 32, 6, 5, 6, 5, 3, 1, 1, 1, 1, 1, 1, 2, 1",
    "2, 32, 4, 4, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1"
  })
  void agreesWithTheComposite(
      int n,
      int c,
      int h,
      int w,
      int o,
      int kh,
      int kw,
      int sh,
      int sw,
      int ph,
      int pw,
      int dh,
      int dw,
      int groups,
      int threads) {
    try (SimdBackend be = new SimdBackend(threads);
        Scope s = Scope.open()) {
      assertTrue(be.capability(FusedConv2d.class).isPresent());
      int[] stride = {sh, sw};
      int[] pad = {ph, pw};
      int[] dil = {dh, dw};
      Tensor[] fused = run(be, n, c, h, w, o, kh, kw, groups, stride, pad, dil, false);
      Tensor[] composite = run(be, n, c, h, w, o, kh, kw, groups, stride, pad, dil, true);
      String[] what = {"output", "input gradient", "weight gradient", "bias gradient"};
      for (int i = 0; i < what.length; i++) {
        assertNotNull(fused[i], what[i]);
        assertEquals(composite[i].shape(), fused[i].shape(), what[i]);
        float[] a = fused[i].toFloatArray();
        float[] e = composite[i].toFloatArray();
        for (int j = 0; j < a.length; j++) {
          assertTrue(
              Math.abs(a[j] - e[j]) <= 1e-4 * Math.max(1, Math.abs(e[j])),
              what[i] + " at " + j + ": " + a[j] + " vs " + e[j]);
        }
      }
    }
  }

  private static Tensor[] run(
      SimdBackend be,
      int n,
      int c,
      int h,
      int w,
      int o,
      int kh,
      int kw,
      int groups,
      int[] stride,
      int[] pad,
      int[] dil,
      boolean composite) {
    Tensor x =
        Tensors.uniform(be, Shape.of(n, c, h, w), DType.FLOAT32, -1, 1, 1).requiresGrad(true);
    Tensor wt =
        Tensors.uniform(be, Shape.of(o, c / groups, kh, kw), DType.FLOAT32, -1, 1, 2)
            .requiresGrad(true);
    Tensor b = Tensors.uniform(be, Shape.of(o), DType.FLOAT32, -1, 1, 3).requiresGrad(true);
    Tensor y =
        composite
            ? Convolution.conv2dComposite(x, wt, b, stride, pad, dil, groups)
            : Convolution.conv2d(x, wt, b, stride, pad, dil, groups);
    Tensor r = Tensors.uniform(be, y.shape(), DType.FLOAT32, -1, 1, 4);
    y.mul(r).sum().backward();
    return new Tensor[] {y, x.grad(), wt.grad(), b.grad()};
  }
}
