package com.example.heed.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.heed.core.backend.DType;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.ActivationContract;
import dev.heed.testkit.TestBackends;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Squareplus meets Heed's activation contract (gradients against central differences, float32
 * against float64, no NaN at ±1e4, every backend against the reference, registration and options),
 * and computes its definition.
 */
class SquareplusActivationTest extends ActivationContract {

  @Override
  protected ActivationProvider provider() {
    return new SquareplusActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("b", 2.5);
  }

  @Test
  void valuesMatchTheDefinition() {
    double[] x = {-3, -0.5, 0, 0.25, 4};
    double[] expected = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = (x[i] + Math.sqrt(x[i] * x[i] + 2.5)) / 2;
    }
    var ref = TestBackends.reference();
    double[] actual =
        create(ref, DType.FLOAT64)
            .forward(Tensors.of(ref, DType.FLOAT64, x, x.length), ForwardContext.inference())
            .toDoubleArray();
    assertArrayEquals(expected, actual, 1e-15);
  }
}
