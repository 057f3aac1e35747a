package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.optim.support.PerGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The updates of the optimizers that are now one fused program each, as they were written before:
 * separate kernels, one per operation (each rounded to the element type). {@link
 * SeparateKernelsTest} requires the fused programs to give these results bit for bit.
 */
final class SeparateKernels {
  private SeparateKernels() {}

  static final class Adagrad extends GroupedOptimizer {
    Adagrad(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("sum"), true);
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      Tensor p = parameter.value();
      Tensor g =
          Ops.l2(
              Ops.gradient(parameter, options.getBoolean("maximize")),
              p,
              options.getDouble("weight_decay"));
      double initial = options.getDouble("initial_accumulator_value");
      double clr = lr / (1 + (stepCount(name) - 1) * options.getDouble("lr_decay"));
      Tensor sum =
          slot(name, "sum", () -> Tensors.full(p.backend(), p.shape(), p.dtype(), initial));
      Elementwise.addInPlace(sum, Elementwise.square(g));
      Tensor std = Elementwise.affine(Elementwise.sqrt(sum), 1, options.getDouble("eps"));
      Ops.addScaled(p, Elementwise.div(g, std), -clr);
    }
  }

  static final class Adadelta extends GroupedOptimizer {
    Adadelta(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("square_avg", "acc_delta"), true);
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      double rho = options.getDouble("rho");
      double eps = options.getDouble("eps");
      Tensor p = parameter.value();
      Tensor g =
          Ops.l2(
              Ops.gradient(parameter, options.getBoolean("maximize")),
              p,
              options.getDouble("weight_decay"));
      Tensor v = slot(name, "square_avg", () -> Tensors.zerosLike(p));
      Tensor u = slot(name, "acc_delta", () -> Tensors.zerosLike(p));
      Ops.blend(v, rho, Elementwise.square(g), 1 - rho);
      Tensor std = Elementwise.sqrt(Elementwise.affine(v, 1, eps));
      Tensor delta =
          Elementwise.mul(Elementwise.div(Elementwise.sqrt(Elementwise.affine(u, 1, eps)), std), g);
      Ops.blend(u, rho, Elementwise.square(delta), 1 - rho);
      Ops.addScaled(p, delta, -lr);
    }
  }

  static final class Adamax extends GroupedOptimizer {
    /** The betas of each group, parsed once. */
    private final PerGroup<double[]> betas;

    Adamax(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("exp_avg", "exp_inf"), true);
      this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      double[] betas = this.betas.get(options);
      Tensor p = parameter.value();
      Tensor g =
          Ops.l2(
              Ops.gradient(parameter, options.getBoolean("maximize")),
              p,
              options.getDouble("weight_decay"));
      Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
      Tensor u = slot(name, "exp_inf", () -> Tensors.zerosLike(p));
      Ops.blend(m, betas[0], g, 1 - betas[0]);
      Ops.scaleInPlace(u, betas[1]);
      Tensor bound = Elementwise.affine(Elementwise.abs(g), 1, options.getDouble("eps"));
      Elementwise.assign(u, Elementwise.maximum(u, bound));
      double clr = lr / (1 - Math.pow(betas[0], stepCount(name)));
      Ops.addScaled(p, Elementwise.div(m, u), -clr);
    }
  }

  static final class Nadam extends GroupedOptimizer {
    /** Π_t by parameter, and the step it belongs to. */
    private final Map<String, double[]> products = new HashMap<>();

    /** The betas of each group, parsed once. */
    private final PerGroup<double[]> betas;

    Nadam(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq"), true);
      this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
    }

    private static double mu(double beta1, double decay, long t) {
      return beta1 * (1. - 0.5 * Math.pow(0.96, t * decay));
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      double[] betas = this.betas.get(options);
      double decay = options.getDouble("momentum_decay");
      long t = stepCount(name);
      Tensor p = parameter.value();
      Tensor g = Ops.l2(parameter.grad(), p, options.getDouble("weight_decay"));

      double mu = mu(betas[0], decay, t);
      double muNext = mu(betas[0], decay, t + 1);
      double[] cached = products.get(name);
      double product;
      if (cached != null && cached[1] == t - 1) {
        product = cached[0] * mu;
      } else {
        product = 1;
        for (long i = 1; i <= t; i++) {
          product *= mu(betas[0], decay, i);
        }
      }
      products.put(name, new double[] {product, t});
      // PyTorch 1.13 multiplies μ_t in twice here (mu_product already holds it); kept for parity
      double productNext = product * mu * muNext;

      Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
      Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
      Ops.blend(m, betas[0], g, 1 - betas[0]);
      Ops.blend(v, betas[1], Elementwise.square(g), 1 - betas[1]);
      double bias2 = 1 - Math.pow(betas[1], t);
      Tensor denom =
          Elementwise.affine(
              Elementwise.sqrt(Elementwise.affine(v, 1 / bias2, 0)), 1, options.getDouble("eps"));
      Ops.addScaled(p, Elementwise.div(g, denom), -lr * (1. - mu) / (1. - product));
      Ops.addScaled(p, Elementwise.div(m, denom), -lr * muNext / (1. - productNext));
    }
  }

  static final class Radam extends GroupedOptimizer {
    /** The betas of each group, parsed once. */
    private final PerGroup<double[]> betas;

    Radam(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq"), true);
      this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      double[] betas = this.betas.get(options);
      long t = stepCount(name);
      Tensor p = parameter.value();
      Tensor g = Ops.l2(parameter.grad(), p, options.getDouble("weight_decay"));
      Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
      Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
      Ops.blend(m, betas[0], g, 1 - betas[0]);
      Ops.blend(v, betas[1], Elementwise.square(g), 1 - betas[1]);
      double bias1 = 1 - Math.pow(betas[0], t);
      double bias2 = 1 - Math.pow(betas[1], t);
      double rhoInf = 2 / (1 - betas[1]) - 1;
      double rhoT = rhoInf - 2 * t * Math.pow(betas[1], t) / bias2;
      Tensor corrected = Ops.scale(m, 1 / bias1);
      if (rhoT > 5.) {
        double rect =
            Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        Tensor adaptive =
            Elementwise.div(
                Tensors.scalar(p.backend(), p.dtype(), Math.sqrt(bias2)),
                Elementwise.affine(Elementwise.sqrt(v), 1, options.getDouble("eps")));
        Ops.addScaled(p, Elementwise.mul(corrected, adaptive), -lr * rect);
      } else {
        Ops.addScaled(p, corrected, -lr);
      }
    }
  }

  static final class AdaBelief extends GroupedOptimizer {
    /** The betas of each group, parsed once. */
    private final PerGroup<double[]> betas;

    AdaBelief(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_var"), true);
      this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      double[] betas = this.betas.get(options);
      double eps = options.getDouble("eps");
      double weightDecay = options.getDouble("weight_decay");
      long t = stepCount(name);
      Tensor p = parameter.value();
      Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
      if (options.getBoolean("weight_decouple")) {
        Ops.scaleInPlace(p, 1 - lr * weightDecay);
      } else {
        g = Ops.l2(g, p, weightDecay);
      }
      Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
      Tensor s = slot(name, "exp_avg_var", () -> Tensors.zerosLike(p));
      Ops.blend(m, betas[0], g, 1 - betas[0]);
      Ops.blend(s, betas[1], Elementwise.square(Elementwise.sub(g, m)), 1 - betas[1]);
      Elementwise.applyInPlace(dev.heed.core.backend.UnaryOp.AFFINE, 1, eps, s);
      double bias1 = 1 - Math.pow(betas[0], t);
      double bias2 = 1 - Math.pow(betas[1], t);
      Tensor denom = Elementwise.affine(Elementwise.sqrt(s), 1 / Math.sqrt(bias2), eps);
      Ops.addScaled(p, Elementwise.div(m, denom), -lr / bias1);
    }
  }

  static final class Lion extends GroupedOptimizer {
    /** The betas of each group, parsed once. */
    private final PerGroup<double[]> betas;

    Lion(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("exp_avg"), true);
      this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      double[] betas = this.betas.get(options);
      Tensor p = parameter.value();
      Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
      Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
      Tensor c = Elementwise.add(Ops.scale(m, betas[0]), Ops.scale(g, 1 - betas[0]));
      Ops.scaleInPlace(p, 1 - lr * options.getDouble("weight_decay"));
      Ops.addScaled(p, Elementwise.sign(c), -lr);
      Ops.blend(m, betas[1], g, 1 - betas[1]);
    }
  }

  static final class Rprop extends GroupedOptimizer {
    /** The etas and step-size limits of each group, parsed once. */
    private final PerGroup<double[][]> pairs;

    Rprop(String owner, List<ParameterGroup> groups, List<Options> settings) {
      super(owner, groups, settings, "lr", List.of("prev", "step_size"), true);
      this.pairs =
          new PerGroup<>(
              settings, o -> new double[][] {o.getNumbers("etas"), o.getNumbers("step_sizes")});
    }

    @Override
    protected void update(String name, Parameter parameter, Options options, double lr) {
      double[][] read = pairs.get(options);
      double[] etas = read[0];
      double[] limits = read[1];
      Tensor p = parameter.value();
      Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
      Tensor prev = slot(name, "prev", () -> Tensors.zerosLike(p));
      Tensor size =
          slot(name, "step_size", () -> Tensors.full(p.backend(), p.shape(), p.dtype(), lr));
      Tensor sign = Elementwise.sign(Elementwise.mul(g, prev));
      Tensor positive = Elementwise.step(sign, 0);
      Tensor negative = Elementwise.step(Elementwise.neg(sign), 0);
      Tensor one = Tensors.scalar(p.backend(), p.dtype(), 1);
      Tensor factor =
          Elementwise.where(
              positive,
              Tensors.scalar(p.backend(), p.dtype(), etas[1]),
              Elementwise.where(negative, Tensors.scalar(p.backend(), p.dtype(), etas[0]), one));
      Elementwise.applyInPlace(BinaryOp.MUL, size, factor);
      Elementwise.applyInPlace(UnaryOp.CLAMP, limits[0], limits[1], size);
      Tensor kept = Elementwise.where(negative, Tensors.scalar(p.backend(), p.dtype(), 0), g);
      Ops.addScaled(p, Elementwise.mul(Elementwise.sign(kept), size), -1);
      Elementwise.assign(prev, kept);
    }
  }
}
