package com.example.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.AttentionUnitContract;
import dev.heed.testkit.TestBackends;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cosine attention with a learnt scale meets Heed's attention-unit contract (gradients of the
 * output and weights with respect to the inputs and the scale, weights that are distributions,
 * masked keys at exactly 0, batch independence, float32 against float64, every backend on the path
 * — cpu and simd — against the reference, registration and options), and computes its definition.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
class CosineAttentionTest extends AttentionUnitContract {

  @Override
  protected AttentionUnitProvider provider() {
    return new CosineAttentionProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("scale", 4.0, "learn_scale", true);
  }

  @Override
  protected AttentionSpec spec() {
    return new AttentionSpec(4, 4, 3);
  }

  @Override
  protected Shape queryShape(int batch) {
    return Shape.of(batch, 2, 4);
  }

  @Override
  protected Shape keyShape(int batch) {
    return Shape.of(batch, 5, 4);
  }

  @Override
  protected Shape valueShape(int batch) {
    return Shape.of(batch, 5, 3);
  }

  @Override
  protected boolean supportsMask() {
    return true;
  }

  /** Removes key {@code (i + b) mod 5} of query {@code i} in example {@code b}. */
  @Override
  protected Tensor mask(Backend backend, DType dtype, int batch) {
    double[] m = new double[batch * 2 * 5];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < 2; i++) {
        m[(b * 2 + i) * 5 + (i + b) % 5] = Double.NEGATIVE_INFINITY;
      }
    }
    return Tensors.of(backend, dtype, m, batch, 2, 5);
  }

  /** The definition, in double, on one example: one query of 2 features over 3 keys. */
  @Test
  void valuesMatchTheDefinition() {
    double[] q = {3, 4};
    double[][] k = {{1, 0}, {0, 2}, {-1, -1}};
    double[][] v = {{1, 2}, {3, 4}, {5, 6}};
    double s = 4;
    double[] e = new double[3];
    double sum = 0;
    for (int j = 0; j < 3; j++) {
      double dot = q[0] * k[j][0] + q[1] * k[j][1];
      double cos = dot / (5 * Math.hypot(k[j][0], k[j][1]));
      e[j] = Math.exp(s * cos);
      sum += e[j];
    }
    double[] weights = new double[3];
    double[] out = new double[2];
    for (int j = 0; j < 3; j++) {
      weights[j] = e[j] / sum;
      out[0] += weights[j] * v[j][0];
      out[1] += weights[j] * v[j][1];
    }
    Backend ref = TestBackends.reference();
    for (boolean learnt : new boolean[] {false, true}) {
      try (Scope scope = Scope.open()) {
        var unit =
            new CosineAttentionProvider()
                .create(
                    resolve(Map.of("scale", s, "learn_scale", learnt)),
                    AttentionSpec.self(2),
                    dev.heed.core.nn.BuildContext.of(ref, DType.FLOAT64, 1));
        AttentionResult r =
            unit.attend(
                Tensors.of(ref, DType.FLOAT64, q, 1, 2), // one query per example: [B, D]
                Tensors.of(ref, DType.FLOAT64, new double[] {1, 0, 0, 2, -1, -1}, 1, 3, 2),
                Tensors.of(ref, DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 1, 3, 2),
                null,
                ForwardContext.inference());
        assertEquals(Shape.of(1, 2), r.output().shape());
        assertEquals(Shape.of(1, 3), r.weights().shape());
        assertArrayEquals(out, r.output().toDoubleArray(), 1e-14);
        assertArrayEquals(weights, r.weights().toDoubleArray(), 1e-15);
      }
    }
  }

  @Test
  void aSingleQueryTakesAMaskOfItsKeys() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      var unit =
          new CosineAttentionProvider()
              .create(
                  resolve(Map.of()),
                  AttentionSpec.self(2),
                  dev.heed.core.nn.BuildContext.of(ref, DType.FLOAT64, 1));
      Tensor keys = Tensors.of(ref, DType.FLOAT64, new double[] {1, 0, 0, 2, -1, -1}, 1, 3, 2);
      Tensor mask =
          Tensors.of(ref, DType.FLOAT64, new double[] {0, Double.NEGATIVE_INFINITY, 0}, 1, 3);
      AttentionResult r =
          unit.attend(
              Tensors.of(ref, DType.FLOAT64, new double[] {3, 4}, 1, 2),
              keys,
              keys,
              mask,
              ForwardContext.inference());
      double[] w = r.weights().toDoubleArray();
      assertEquals(0.0, w[1]);
      assertEquals(1.0, w[0] + w[2], 1e-15);
    }
  }

  @Test
  void refusesFlatRowsAsKeys() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      var unit =
          new CosineAttentionProvider()
              .create(
                  resolve(Map.of()),
                  AttentionSpec.self(4),
                  dev.heed.core.nn.BuildContext.of(ref, DType.FLOAT64, 1));
      Tensor rows = Tensors.zeros(ref, Shape.of(3, 4), DType.FLOAT64);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> unit.attend(rows, rows, rows, null, ForwardContext.inference()));
      assertEquals(
          "cosine attention: expected keys [batch = 3, keys, 4], got [3, 4]; it attends over"
              + " sequences: use it inside self-attention, not on flat rows",
          e.getMessage());
    }
  }

  @Test
  void refusesAScaleBelowTheMinimumAndAnInfiniteOne() {
    for (double scale : new double[] {0.0, -1.0, Double.POSITIVE_INFINITY}) {
      OptionsException e =
          assertThrows(OptionsException.class, () -> resolve(Map.of("scale", scale)));
      assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }
  }

  private static dev.heed.core.plugin.Options resolve(Map<String, Object> raw) {
    return new CosineAttentionProvider().options().resolve("attention 'cosine'", raw);
  }
}
