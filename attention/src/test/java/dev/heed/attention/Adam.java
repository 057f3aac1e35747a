package dev.heed.attention;

import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Adam (Kingma and Ba, PyTorch's defaults except the learning rate) for the training
 * tests: the optimizers module is not a dependency of this one.
 */
final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;
  private final List<Parameter> params;
  private final List<Tensor> m = new ArrayList<>();
  private final List<Tensor> v = new ArrayList<>();
  private final double lr;
  private int step;

  Adam(List<Parameter> params, double lr) {
    this.params = List.copyOf(params);
    this.lr = lr;
    for (Parameter p : params) {
      m.add(Scope.outside(() -> Tensors.zerosLike(p.value())));
      v.add(Scope.outside(() -> Tensors.zerosLike(p.value())));
    }
  }

  void zeroGrad() {
    params.forEach(Parameter::zeroGrad);
  }

  @SuppressWarnings("try")
  void step() {
    step++;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor g = params.get(i).grad();
        if (g == null) {
          continue;
        }
        Tensor mi = m.get(i).mul(BETA1).add(g.mul(1 - BETA1));
        Tensor vi = v.get(i).mul(BETA2).add(g.square().mul(1 - BETA2));
        Elementwise.assign(m.get(i), mi);
        Elementwise.assign(v.get(i), vi);
        Tensor update =
            mi.mul(-lr / c1).div(Elementwise.affine(Elementwise.sqrt(vi), 1 / Math.sqrt(c2), EPS));
        Elementwise.addInPlace(params.get(i).value(), update);
      }
    }
  }
}
