package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.ElementwiseProgram;
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
 * Lion, Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2:
 *
 * <pre>
 * g = maximize ? -g : g
 * c = β1·m + (1-β1)·g
 * p = p·(1 - lr·weight_decay) - lr·sign(c)
 * m = β2·m + (1-β2)·g
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it), step for step the operations above. Slots: {@code exp_avg} (m)
 * and the step count.
 */
final class Lion extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two
  private static final int BETA1 = 0;
  private static final int ONE_MINUS_BETA1 = 2;
  private static final int BETA2 = 4;
  private static final int ONE_MINUS_BETA2 = 6;
  private static final int RATE = 8;
  private static final int DECAY = 10;

  /** What the program's steps depend on: the options that are flags, not numbers. */
  private record Structure(boolean maximize, boolean weightDecay) {}

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double beta1,
      double beta2,
      double weightDecay,
      ElementwiseProgram program,
      double[] parameters) {}

  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();
  private final PerGroup<Settings> settings;

  Lion(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double[] betas = Pairs.betas("", options.getNumbers("betas"));
    double weightDecay = options.getDouble("weight_decay");
    Structure structure = new Structure(options.getBoolean("maximize"), weightDecay != 0);
    ElementwiseProgram program = programs.computeIfAbsent(structure, Lion::program);
    return new Settings(betas[0], betas[1], weightDecay, program, new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    Tensor p = parameter.value();
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    double[] x = s.parameters();
    Ops.scale(x, BETA1, s.beta1());
    Ops.scale(x, ONE_MINUS_BETA1, 1 - s.beta1());
    Ops.scale(x, BETA2, s.beta2());
    Ops.scale(x, ONE_MINUS_BETA2, 1 - s.beta2());
    Ops.scale(x, RATE, -lr);
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, 1 - lr * s.weightDecay());
    }
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(s.program(), x, new Tensor[] {p, parameter.grad(), m}, p, m);
  }

  /**
   * The update as one chain. Inputs p, g, m; outputs p, m. Without weight decay the factor {@code 1
   * - lr·0} is 1 and its step is left out.
   */
  private static ElementwiseProgram program(Structure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(3);
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    int interpolated = Ops.blend(b, 2, BETA1, rg, ONE_MINUS_BETA1);
    int rp = c.weightDecay() ? Ops.scale(b, 0, DECAY) : 0;
    rp = b.binary(BinaryOp.ADD, rp, Ops.scale(b, b.unary(UnaryOp.SIGN, interpolated), RATE));
    int rm = Ops.blend(b, 2, BETA2, rg, ONE_MINUS_BETA2);
    return b.output(rp).output(rm).build();
  }
}
