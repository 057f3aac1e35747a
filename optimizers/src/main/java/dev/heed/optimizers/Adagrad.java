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
 * The update of {@code torch.optim.Adagrad} for one parameter at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * clr = lr / (1 + (t-1)·lr_decay)
 * sum = sum + g²                  (sum starts at initial_accumulator_value)
 * p = p - clr · g / (√sum + eps)
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it), step for step the operations above; {@code clr} is a run-time
 * parameter. Slots: {@code sum} and the step count.
 */
final class Adagrad extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two
  private static final int RATE = 0;
  private static final int EPS = 2;
  private static final int DECAY = 3;

  /** What the program's steps depend on: the options that are flags, not numbers. */
  private record Structure(boolean maximize, boolean weightDecay) {}

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double lrDecay,
      double weightDecay,
      double eps,
      double initial,
      ElementwiseProgram program,
      double[] parameters) {}

  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();
  private final PerGroup<Settings> settings;

  Adagrad(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("sum"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double weightDecay = options.getDouble("weight_decay");
    Structure structure = new Structure(options.getBoolean("maximize"), weightDecay != 0);
    ElementwiseProgram program = programs.computeIfAbsent(structure, Adagrad::program);
    return new Settings(
        options.getDouble("lr_decay"),
        weightDecay,
        options.getDouble("eps"),
        options.getDouble("initial_accumulator_value"),
        program,
        new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    Tensor p = parameter.value();
    double clr = lr / (1 + (stepCount(name) - 1) * s.lrDecay());
    Tensor sum =
        slot(name, "sum", () -> Tensors.full(p.backend(), p.shape(), p.dtype(), s.initial()));
    double[] x = s.parameters();
    Ops.scale(x, RATE, -clr);
    x[EPS] = s.eps();
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, s.weightDecay());
    }
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(s.program(), x, new Tensor[] {p, parameter.grad(), sum}, p, sum);
  }

  /** The update as one chain. Inputs p, g, sum; outputs p, sum. */
  private static ElementwiseProgram program(Structure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(3);
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      rg = Ops.l2(b, rg, DECAY);
    }
    int rs = b.binary(BinaryOp.ADD, 2, b.unary(UnaryOp.SQUARE, rg));
    int std = b.affine(b.unary(UnaryOp.SQRT, rs), Scalar.constant(1), Scalar.parameter(EPS));
    int step = Ops.scale(b, b.binary(BinaryOp.DIV, rg, std), RATE);
    return b.output(b.binary(BinaryOp.ADD, 0, step)).output(rs).build();
  }
}
