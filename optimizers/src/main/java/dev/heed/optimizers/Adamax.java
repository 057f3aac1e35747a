package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.ElementwiseProgram.Scalar;
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
 * The update of {@code torch.optim.Adamax} for one parameter at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * m = β1·m + (1-β1)·g
 * u = max(β2·u, |g| + eps)
 * p = p - lr/(1-β1^t) · m/u
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it), step for step the operations above; the bias-corrected rate is a
 * run-time parameter. Slots: {@code exp_avg} (m), {@code exp_inf} (u) and the step count.
 */
final class Adamax extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two
  private static final int BETA1 = 0;
  private static final int ONE_MINUS_BETA1 = 2;
  private static final int BETA2 = 4;
  private static final int EPS = 6;
  private static final int RATE = 7;
  private static final int DECAY = 9;

  /** What the program's steps depend on: the options that are flags, not numbers. */
  private record Structure(boolean maximize, boolean weightDecay) {}

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      ElementwiseProgram program,
      double[] parameters) {}

  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();
  private final PerGroup<Settings> settings;

  Adamax(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_inf"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double[] betas = Pairs.betas("", options.getNumbers("betas"));
    double weightDecay = options.getDouble("weight_decay");
    Structure structure = new Structure(options.getBoolean("maximize"), weightDecay != 0);
    ElementwiseProgram program = programs.computeIfAbsent(structure, Adamax::program);
    return new Settings(
        betas[0],
        betas[1],
        options.getDouble("eps"),
        weightDecay,
        program,
        new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    Tensor p = parameter.value();
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor u = slot(name, "exp_inf", () -> Tensors.zerosLike(p));
    double clr = lr / (1 - Math.pow(s.beta1(), stepCount(name)));
    double[] x = s.parameters();
    Ops.scale(x, BETA1, s.beta1());
    Ops.scale(x, ONE_MINUS_BETA1, 1 - s.beta1());
    Ops.scale(x, BETA2, s.beta2());
    x[EPS] = s.eps();
    Ops.scale(x, RATE, -clr);
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, s.weightDecay());
    }
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(s.program(), x, new Tensor[] {p, parameter.grad(), m, u}, p, m, u);
  }

  /**
   * The update as one chain. Inputs p, g, m, u; outputs p, m, u. {@code |g| + eps} is the affine
   * step {@code 1·|g| + eps} that {@code Elementwise.affine} computes.
   */
  private static ElementwiseProgram program(Structure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(4);
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      rg = Ops.l2(b, rg, DECAY);
    }
    int rm = Ops.blend(b, 2, BETA1, rg, ONE_MINUS_BETA1);
    int bound = b.affine(b.unary(UnaryOp.ABS, rg), Scalar.constant(1), Scalar.parameter(EPS));
    int ru = b.binary(BinaryOp.MAX, Ops.scale(b, 3, BETA2), bound);
    int rp = b.binary(BinaryOp.ADD, 0, Ops.scale(b, b.binary(BinaryOp.DIV, rm, ru), RATE));
    return b.output(rp).output(rm).output(ru).build();
  }
}
