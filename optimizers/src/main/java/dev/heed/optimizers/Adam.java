package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.UnaryOp;
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
    boolean maximize = options.getBoolean("maximize");
    long t = stepCount(name);

    Tensor p = parameter.value();
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
    Tensor max = amsgrad ? slot(name, "max_exp_avg_sq", () -> Tensors.zerosLike(p)) : null;
    double bias1 = 1 - Math.pow(betas[0], t);
    double bias2 = 1 - Math.pow(betas[1], t);

    // the whole update as one elementwise chain (one pass over p, g, m, v when the backend fuses
    // it), step for step the operations of the formula above; built once per step for all the
    // parameters that share these settings
    Chain key =
        new Chain(lr, betas[0], betas[1], eps, weightDecay, amsgrad, maximize, bias1, bias2);
    if (!key.equals(chainKey)) {
      chain = chain(key);
      chainKey = key;
    }
    Tensor g = parameter.grad();
    if (amsgrad) {
      Elementwise.fusedInto(chain, new Tensor[] {p, g, m, v, max}, p, m, v, max);
    } else {
      Elementwise.fusedInto(chain, new Tensor[] {p, g, m, v}, p, m, v);
    }
  }

  /** The settings one step's chain depends on. */
  private record Chain(
      double lr,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      boolean amsgrad,
      boolean maximize,
      double bias1,
      double bias2) {}

  private Chain chainKey;
  private ElementwiseProgram chain;

  /** Inputs p, g, m, v (and the running maximum with amsgrad); outputs p, m, v (and maximum). */
  private ElementwiseProgram chain(Chain c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(c.amsgrad() ? 5 : 4);
    int rp = 0;
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (decoupled) {
      rp = Ops.scale(b, rp, 1 - c.lr() * c.weightDecay());
    } else if (c.weightDecay() != 0) {
      rg = b.binary(BinaryOp.ADD, rg, Ops.scale(b, 0, c.weightDecay()));
    }
    int rm = b.binary(BinaryOp.ADD, Ops.scale(b, 2, c.beta1()), Ops.scale(b, rg, 1 - c.beta1()));
    int rv =
        b.binary(
            BinaryOp.ADD,
            Ops.scale(b, 3, c.beta2()),
            Ops.scale(b, b.unary(UnaryOp.SQUARE, rg), 1 - c.beta2()));
    int second = c.amsgrad() ? b.binary(BinaryOp.MAX, 4, rv) : rv;
    int denom = b.affine(b.unary(UnaryOp.SQRT, second), 1 / Math.sqrt(c.bias2()), c.eps());
    int step = Ops.scale(b, b.binary(BinaryOp.DIV, rm, denom), -c.lr() / c.bias1());
    b.output(b.binary(BinaryOp.ADD, rp, step)).output(rm).output(rv);
    if (c.amsgrad()) {
      b.output(second);
    }
    return b.build();
  }
}
