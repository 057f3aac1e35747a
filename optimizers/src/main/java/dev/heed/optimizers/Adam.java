package dev.heed.optimizers;

import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

/**
 * The update of {@code torch.optim.Adam} (and, with decoupled weight decay, {@code
 * torch.optim.AdamW}) for one parameter {@code p} with gradient {@code g} at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g
 * p = p·(1 - lr·weight_decay)               (AdamW)
 * g = g + weight_decay·p                    (Adam, when weight_decay ≠ 0)
 * m = β1·m + (1-β1)·g
 * v = β2·v + (1-β2)·g²
 * v̂max = max(v̂max, v)                       (amsgrad; then used in place of v below)
 * p = p - lr/(1-β1^t) · m / (√v / √(1-β2^t) + eps)
 * </pre>
 *
 * Slots: {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (amsgrad) and the step count.
 */
final class Adam extends GroupedOptimizer {
  private final boolean decoupled;

  Adam(String owner, List<ParameterGroup> groups, List<Options> settings, boolean decoupled) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), true);
    this.decoupled = decoupled;
  }

  @Override
  void update(String name, Parameter parameter, Options options, double lr) {
    double[] betas = Pairs.betas("", options.getString("betas"));
    double eps = options.getDouble("eps");
    double weightDecay = options.getDouble("weight_decay");
    boolean amsgrad = options.getBoolean("amsgrad");
    long t = stepCount(name);

    Tensor p = parameter.value();
    Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
    if (decoupled) {
      Ops.scaleInPlace(p, 1 - lr * weightDecay);
    } else {
      g = Ops.l2(g, p, weightDecay);
    }
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
    Ops.blend(m, betas[0], g, 1 - betas[0]);
    Ops.blend(v, betas[1], Elementwise.square(g), 1 - betas[1]);
    double bias1 = 1 - Math.pow(betas[0], t);
    double bias2 = 1 - Math.pow(betas[1], t);
    Tensor second = v;
    if (amsgrad) {
      Tensor max = slot(name, "max_exp_avg_sq", () -> Tensors.zerosLike(p));
      Elementwise.assign(max, Elementwise.maximum(max, v));
      second = max;
    }
    Tensor denom = Elementwise.affine(Elementwise.sqrt(second), 1 / Math.sqrt(bias2), eps);
    Ops.addScaled(p, Elementwise.div(m, denom), -lr / bias1);
  }
}
