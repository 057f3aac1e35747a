package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every optimizer that PyTorch 1.13 has, 100 steps on the fixed problem of {@code
 * fixtures/problem.txt} (float64, reference backend, two parameter groups: W and u with the
 * optimizer's options, b with the overrides of the case), compared after each step with the
 * parameters and learning rates that {@code torch.optim} produced (see {@code
 * fixtures/make_fixtures.py}): within 1e-5 relative.
 */
@SuppressWarnings("try")
class PyTorchReferenceTest {
  static final double TOLERANCE = 1e-5;

  /** The problem's parameters and loss, in float64. */
  static final class Problem {
    final Parameter w;
    final Parameter b;
    final Parameter u;
    private final Tensor x;
    private final Tensor y;
    private final Tensor c;
    private final Tensor t;

    Problem(Backend backend) {
      Map<String, double[]> p = Fixtures.problem();
      w = new Parameter(Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, p.get("W"), 3, 4)));
      b = new Parameter(Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, p.get("b"), 4)));
      u = new Parameter(Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, p.get("u"), 2)));
      x = Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, p.get("X"), 5, 3));
      y = Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, p.get("Y"), 5, 4));
      c = Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, p.get("c"), 2));
      t = Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, p.get("t"), 2));
    }

    /** mean((X W + b - Y)²) + 0.05 Σ W⁴ + Σ c (u - t)² + 0.1 Σ u⁴ */
    Tensor loss() {
      Tensor fit = Reductions.mean(x.matmul(w.value()).add(b.value()).sub(y).square());
      Tensor quartW = Reductions.sum(w.value().square().square()).mul(0.05);
      Tensor bowl = Reductions.sum(c.mul(u.value().sub(t).square()));
      Tensor quartU = Reductions.sum(u.value().square().square()).mul(0.1);
      return fit.add(quartW).add(bowl).add(quartU);
    }

    /** Group 0: W and u with the optimizer's options; group 1: b with {@code overrides}. */
    List<ParameterGroup> groups(Map<String, Object> overrides) {
      Map<String, Parameter> first = new LinkedHashMap<>();
      first.put("w", w);
      first.put("u", u);
      return List.of(ParameterGroup.of(first), new ParameterGroup(Map.of("b", b), overrides));
    }

    void step(Optimizer optimizer) {
      try (Scope s = Scope.open()) {
        optimizer.zeroGrad();
        loss().backward();
        optimizer.step();
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> matchesTorchOptim() {
    return Fixtures.cases("optimizers.txt").stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, TestBackends.reference())));
  }

  /** Runs case {@code c} on {@code backend} and compares every row with PyTorch's numbers. */
  static void check(Fixtures.Case c, Backend backend) {
    OptimizerProvider provider = Plugins.shared().optimizers().get(c.kind());
    Problem problem = new Problem(backend);
    Optimizer optimizer =
        provider.create(
            provider.options().resolve("optimizer '" + c.kind() + "'", c.options()),
            problem.groups(c.group1()));
    int step = 0;
    for (String[] row : c.rows()) {
      int n = Integer.parseInt(row[1]);
      if (n != step) {
        problem.step(optimizer);
        step = n;
      }
      double[] expected = Fixtures.Case.numbers(row, 3);
      double[] actual =
          switch (row[2]) {
            case "lr" -> new double[] {optimizer.learningRate(0), optimizer.learningRate(1)};
            case "w" -> problem.w.value().toDoubleArray();
            case "b" -> problem.b.value().toDoubleArray();
            case "u" -> problem.u.value().toDoubleArray();
            default -> throw new IllegalStateException("unknown row " + row[2]);
          };
      assertEquals(expected.length, actual.length, c.name() + " " + row[2]);
      for (int i = 0; i < expected.length; i++) {
        if (!Fixtures.close(actual[i], expected[i], TOLERANCE)) {
          fail(
              c.name()
                  + ": after step "
                  + n
                  + " "
                  + row[2]
                  + "["
                  + i
                  + "] is "
                  + actual[i]
                  + ", PyTorch has "
                  + expected[i]);
        }
      }
    }
  }
}
