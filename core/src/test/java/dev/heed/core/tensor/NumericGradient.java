package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import java.util.List;
import java.util.function.Function;

/**
 * Central-difference gradients in FLOAT64 for core's own tests (the testkit's checker lives in a
 * module that depends on core): the tape's gradient of a scalar function of some leaves must equal
 * the numeric one.
 */
final class NumericGradient {
  private NumericGradient() {}

  /**
   * Checks the gradient of {@code f} (a scalar) with respect to each of {@code inputs} (FLOAT64
   * values and shapes; new leaves are made for each evaluation).
   */
  @SuppressWarnings("try")
  static void check(
      Backend be, List<double[]> values, List<Shape> shapes, Function<List<Tensor>, Tensor> f) {
    List<Tensor> leaves = leaves(be, values, shapes, true);
    Tensor out = f.apply(leaves);
    out.backward();
    double h = 1e-6;
    for (int i = 0; i < values.size(); i++) {
      double[] v = values.get(i);
      double[] numeric = new double[v.length];
      for (int e = 0; e < v.length; e++) {
        double keep = v[e];
        v[e] = keep + h;
        double up;
        double down;
        try (GradMode off = GradMode.disable()) {
          up = f.apply(leaves(be, values, shapes, false)).item();
          v[e] = keep - h;
          down = f.apply(leaves(be, values, shapes, false)).item();
        }
        v[e] = keep;
        numeric[e] = (up - down) / (2 * h);
      }
      Tensor g = leaves.get(i).grad();
      assertNotNull(g, "input " + i + " has a gradient");
      assertArrayEquals(numeric, g.toDoubleArray(), 1e-6, "gradient of input " + i);
    }
  }

  private static List<Tensor> leaves(
      Backend be, List<double[]> values, List<Shape> shapes, boolean grad) {
    Tensor[] t = new Tensor[values.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] =
          Tensors.of(be, DType.FLOAT64, values.get(i).clone(), shapes.get(i).dims())
              .requiresGrad(grad);
    }
    return List.of(t);
  }

  /** {@code n} values from a fixed pseudo-random sequence in [-1, 1). */
  static double[] values(int n, long seed) {
    double[] v = new double[n];
    long s = seed * 6364136223846793005L + 1442695040888963407L;
    for (int i = 0; i < n; i++) {
      s = s * 6364136223846793005L + 1442695040888963407L;
      v[i] = ((s >>> 11) * 0x1.0p-53) * 2 - 1;
    }
    return v;
  }
}
