package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import org.junit.jupiter.api.Test;

/** A chain's scale step with a run-time coefficient computes what {@link Ops#scale} does. */
@SuppressWarnings("try") // scopes opened only to free intermediates
class OpsTest {
  private static final double[] X = {-0.0, 0.0, 1.5, -2.25, 1e-300, Double.MAX_VALUE, -1e-320};

  @Test
  void chainScaleIsTheTensorScaleBitForBit() {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(1);
    b.output(Ops.scale(b, 0, 0));
    ElementwiseProgram program = b.build();
    for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
      for (double a : new double[] {1, 2.5, -0.75, 0, 1e-3}) {
        try (Scope s = Scope.open();
            GradMode off = GradMode.disable()) {
          Tensor x = Tensors.of(TestBackends.reference(), dtype, X, X.length);
          double[] parameters = new double[2];
          Ops.scale(parameters, 0, a);
          double[] chain = Elementwise.fused(program, parameters, x)[0].toDoubleArray();
          double[] direct = Ops.scale(x, a).toDoubleArray();
          for (int i = 0; i < X.length; i++) {
            assertEquals(
                Double.doubleToRawLongBits(direct[i]),
                Double.doubleToRawLongBits(chain[i]),
                dtype + " " + a + "·" + X[i] + ": chain " + chain[i] + ", tensor " + direct[i]);
          }
        }
      }
    }
  }
}
