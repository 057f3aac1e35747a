package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.io.HalfPrecision;
import dev.heed.core.nn.Parameter;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 16-bit storage types: conversions as {@link HalfPrecision} (itself checked against PyTorch's
 * roundings), tensors that hold them, matmul reading them as their widened FLOAT32 values, and the
 * refusal of every other kernel.
 */
class StorageTypesTest {
  private final Backend backend = TestBackends.reference();

  private static float[] values(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-6, 6)));
    }
    return v;
  }

  private static boolean bf16(DType t) {
    return t == DType.BFLOAT16;
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"BFLOAT16", "FLOAT16"})
  void conversionsAreHalfPrecisions(DType t) {
    assertTrue(t.isStorageOnly());
    assertFalse(t.isFloatingPoint());
    assertEquals(2, t.byteSize());
    float[] v = values(1, 100_000);
    float[] special = {
      0f,
      -0f,
      1f,
      -1f,
      Float.MIN_VALUE,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      65504f,
      65520f,
      1e-8f,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      1.00390625f,
      1.01171875f,
      3.3895314e38f
    };
    for (float[] set : new float[][] {v, special}) {
      for (float x : set) {
        short expected = bf16(t) ? HalfPrecision.bf16FromFloat(x) : HalfPrecision.f16FromFloat(x);
        assertEquals(expected, t.narrow(x), () -> t + " narrow " + x);
        float back =
            bf16(t) ? HalfPrecision.bf16ToFloat(expected) : HalfPrecision.f16ToFloat(expected);
        assertEquals(back, t.widen(expected), () -> t + " widen " + expected);
      }
    }
    assertTrue(Float.isNaN(t.widen(t.narrow(Float.NaN))));
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"BFLOAT16", "FLOAT16"})
  void tensorsHoldTheRoundedValues(DType t) {
    float[] v = values(2, 12);
    Tensor h = Tensors.of(backend, t, v, 3, 4);
    assertEquals(t, h.dtype());
    float[] back = h.toFloatArray();
    for (int i = 0; i < v.length; i++) {
      assertEquals(t.widen(t.narrow(v[i])), back[i]);
    }
    assertArrayEquals(back, h.to(DType.FLOAT32).toFloatArray());
    assertArrayEquals(back, Tensors.of(backend, DType.FLOAT32, v, 3, 4).to(t).toFloatArray());
    assertArrayEquals(back, Tensors.copyTo(h, backend).toFloatArray());
    // frozen as a parameter: no gradient
    assertFalse(new Parameter(h).value().requiresGrad());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> h.requiresGrad(true));
    assertTrue(e.getMessage().contains(t.toString()), e::getMessage);
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"BFLOAT16", "FLOAT16"})
  void matmulReadsTheWidenedWeightsAndNothingElseTakesThem(DType t) {
    float[] wv = values(3, 5 * 7);
    float[] xv = values(4, 2 * 7);
    Tensor w = Tensors.of(backend, t, wv, 5, 7);
    Tensor wide = w.to(DType.FLOAT32);
    Tensor x = Tensors.of(backend, DType.FLOAT32, xv, 2, 7);
    // x·Wᵀ (nn.Linear), with and without a bias, and x·W over a [7, 5] weight
    assertArrayEquals(
        Linalg.linear(x, wide, null).toFloatArray(), Linalg.linear(x, w, null).toFloatArray());
    Tensor bias = Tensors.of(backend, DType.FLOAT32, values(5, 5), 5);
    assertArrayEquals(
        Linalg.linear(x, wide, bias).toFloatArray(), Linalg.linear(x, w, bias).toFloatArray());
    Tensor w2 = Tensors.of(backend, t, wv, 7, 5);
    assertArrayEquals(
        Linalg.matmul(x, w2.to(DType.FLOAT32)).toFloatArray(), Linalg.matmul(x, w2).toFloatArray());
    // a gradient reaches x through the frozen 16-bit weight
    Tensor xg = Tensors.of(backend, DType.FLOAT32, xv, 2, 7).requiresGrad(true);
    Linalg.linear(xg, w, bias).sum().backward();
    Tensor xw = Tensors.of(backend, DType.FLOAT32, xv, 2, 7).requiresGrad(true);
    Linalg.linear(xw, wide, bias).sum().backward();
    assertArrayEquals(xw.grad().toFloatArray(), xg.grad().toFloatArray());

    String m =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Kernels.unary(
                        backend,
                        UnaryOp.NEG,
                        0,
                        0,
                        w.buffer(),
                        w.layout(),
                        wide.buffer(),
                        Layout.contiguous(5, 7)))
            .getMessage();
    assertTrue(m.startsWith("unary NEG: buffer x has dtype " + t + ", a storage type"), m);
    Tensor x64 = Tensors.of(backend, DType.FLOAT64, new double[14], 2, 7);
    String m2 =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Kernels.matmul(
                        backend,
                        MatmulSpec.of(1, 2, 5, 7, false, true),
                        x64.buffer(),
                        w.buffer(),
                        Tensors.zeros(backend, Shape.of(2, 5), DType.FLOAT64).buffer()))
            .getMessage();
    assertTrue(m2.contains("expected FLOAT32"), m2);
    String m3 =
        assertThrows(IllegalArgumentException.class, () -> Linalg.matmul(w, wide, false, true))
            .getMessage();
    assertTrue(m3.contains(t.toString()), m3);
  }
}
