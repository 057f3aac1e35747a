package com.example.heed.optimizer;

import dev.heed.core.backend.UnaryOp;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.optim.support.PerGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

/**
 * Adan (Xie, Zhou, Li, Lin and Yan 2022, "Adan: Adaptive Nesterov Momentum Algorithm for Faster
 * Optimizing Deep Models", arXiv:2208.06677, Algorithm 1), with the bias corrections and the
 * coefficient convention of the authors' reference implementation ({@code betas} are the paper's
 * {@code 1 - β}). For one parameter {@code p} with gradient {@code g} at step {@code t}, {@code
 * g_prev} the gradient of the step before (so {@code d = 0} on the first step):
 *
 * <pre>
 * d = g - g_prev
 * m = β1·m + (1-β1)·g                        exp_avg
 * v = β2·v + (1-β2)·d                        exp_avg_diff
 * n = β3·n + (1-β3)·(g + β2·d)²              exp_avg_sq
 * u = (m/(1-β1^t) + β2·v/(1-β2^t)) / (√n / √(1-β3^t) + eps)
 * p = (p - lr·u) / (1 + lr·weight_decay)     (no_prox false: the proximal step of the paper)
 * p = p·(1 - lr·weight_decay) - lr·u         (no_prox true: decoupled decay as AdamW)
 * </pre>
 *
 * The state slots are {@code exp_avg}, {@code exp_avg_diff}, {@code exp_avg_sq}, {@code pre_grad}
 * and the step count, saved and restored by the base class. Everything about parameter groups,
 * per-group overrides, learning rates and state is {@link GroupedOptimizer}'s; this class is the
 * update.
 */
final class Adan extends GroupedOptimizer {
  static final List<String> SLOTS = List.of("exp_avg", "exp_avg_diff", "exp_avg_sq", "pre_grad");

  /** A group's settings, read once from its resolved options. */
  private record Settings(
      double beta1, double beta2, double beta3, double eps, double weightDecay, boolean noProx) {}

  private final PerGroup<Settings> settings;

  Adan(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", SLOTS, true);
    this.settings =
        new PerGroup<>(
            settings,
            o -> {
              double[] b = o.getNumbers("betas");
              return new Settings(
                  b[0],
                  b[1],
                  b[2],
                  o.getDouble("eps"),
                  o.getDouble("weight_decay"),
                  o.getBoolean("no_prox"));
            });
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    long t = stepCount(name);
    Tensor p = parameter.value();
    Tensor g = parameter.grad();
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor v = slot(name, "exp_avg_diff", () -> Tensors.zerosLike(p));
    Tensor n = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
    Tensor previous = slot(name, "pre_grad");
    Tensor d = previous == null ? Tensors.zerosLike(g) : Elementwise.sub(g, previous);

    blend(m, s.beta1(), g);
    blend(v, s.beta2(), d);
    Tensor corrected = Elementwise.add(g, Elementwise.affine(d, s.beta2(), 0));
    blend(n, s.beta3(), Elementwise.square(corrected));

    double bias1 = 1 - Math.pow(s.beta1(), t);
    double bias2 = 1 - Math.pow(s.beta2(), t);
    double bias3 = 1 - Math.pow(s.beta3(), t);
    Tensor denominator =
        Elementwise.affine(Elementwise.sqrt(n), 1 / Math.sqrt(bias3), s.eps());
    Tensor direction =
        Elementwise.add(
            Elementwise.affine(m, 1 / bias1, 0), Elementwise.affine(v, s.beta2() / bias2, 0));
    Tensor step = Elementwise.affine(Elementwise.div(direction, denominator), -lr, 0);

    double decay = lr * s.weightDecay();
    if (s.noProx()) {
      scale(p, 1 - decay);
      Elementwise.addInPlace(p, step);
    } else {
      Elementwise.addInPlace(p, step);
      scale(p, 1 / (1 + decay));
    }

    if (previous == null) {
      slot(name, "pre_grad", () -> Shapes.copy(g));
    } else {
      Elementwise.assign(previous, g);
    }
  }

  /** {@code target = β·target + (1-β)·x}, in place. */
  private static void blend(Tensor target, double beta, Tensor x) {
    scale(target, beta);
    Elementwise.addInPlace(target, Elementwise.affine(x, 1 - beta, 0));
  }

  /** {@code target = a·target}, in place. */
  private static void scale(Tensor target, double a) {
    if (a != 1) {
      Elementwise.applyInPlace(UnaryOp.AFFINE, a, 0, target);
    }
  }
}
