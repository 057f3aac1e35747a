package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import org.junit.jupiter.api.Test;

/**
 * A leaf's first gradient may be taken out of the step's scope instead of copied when the backward
 * made it for that leaf alone: it must outlive the scope, accumulate correctly across steps and
 * within one backward, and never be a tensor that another gradient still reads.
 */
@SuppressWarnings("try")
class BackwardOwnershipTest {
  private final Backend cpu = TestBackends.reference();

  private Tensor leaf(double... v) {
    return Scope.outside(() -> Tensors.of(cpu, DType.FLOAT64, v, v.length).requiresGrad(true));
  }

  @Test
  void gradientsOutliveTheStepAndAccumulateAcrossSteps() {
    Tensor w = leaf(1, 2, 3);
    Tensor x = Scope.outside(() -> Tensors.of(cpu, DType.FLOAT64, new double[] {4, 5, 6}, 3));
    for (int step = 1; step <= 2; step++) {
      try (Scope s = Scope.open()) {
        w.mul(x).sum().backward();
      }
      assertArrayEquals(
          new double[] {4 * step, 5 * step, 6 * step}, w.grad().toDoubleArray(), 0, "step " + step);
    }
  }

  @Test
  void aGradientHandedToTwoInputsIsCopied() {
    // add's backward hands the same tensor to both inputs: p directly and q = 3p
    Tensor p = leaf(1, -2);
    try (Scope s = Scope.open()) {
      Tensor q = p.mul(3.0);
      Elementwise.add(p, q)
          .mul(Tensors.of(cpu, DType.FLOAT64, new double[] {2, 5}, 2))
          .sum()
          .backward();
    }
    assertArrayEquals(new double[] {8, 20}, p.grad().toDoubleArray(), 0);
  }

  @Test
  void twoFreshContributionsToOneLeafAdd() {
    // a feeds two products; its first (fresh) gradient is kept and the second added into it
    Tensor a = leaf(1, 2, 3, 4);
    Tensor b = Scope.outside(() -> Tensors.of(cpu, DType.FLOAT64, new double[] {1, 0, 0, 1}, 2, 2));
    Tensor c = Scope.outside(() -> Tensors.of(cpu, DType.FLOAT64, new double[] {0, 1, 1, 0}, 2, 2));
    try (Scope s = Scope.open()) {
      Tensor a2 = a.reshape(2, 2);
      Elementwise.add(Linalg.matmul(a2, b), Linalg.matmul(a2, c).mul(2.0)).sum().backward();
    }
    // d/da of sum(a·b) is rowsum(b)ᵀ per row: [1, 1]; of 2·sum(a·c): 2·[1, 1]
    assertArrayEquals(new double[] {3, 3, 3, 3}, a.grad().toDoubleArray(), 0);
  }
}
