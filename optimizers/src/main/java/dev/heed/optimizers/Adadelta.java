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
 * The update of {@code torch.optim.Adadelta} for one parameter:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * v = ρ·v + (1-ρ)·g²
 * δ = √(u + eps) / √(v + eps) · g
 * u = ρ·u + (1-ρ)·δ²
 * p = p - lr·δ
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it), step for step the operations above. Slots: {@code square_avg}
 * (v), {@code acc_delta} (u) and the step count.
 */
final class Adadelta extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two
  private static final int RHO = 0;
  private static final int ONE_MINUS_RHO = 2;
  private static final int EPS = 4;
  private static final int RATE = 5;
  private static final int DECAY = 7;

  /** What the program's steps depend on: the options that are flags, not numbers. */
  private record Structure(boolean maximize, boolean weightDecay) {}

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double rho,
      double eps,
      double weightDecay,
      ElementwiseProgram program,
      double[] parameters) {}

  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();
  private final PerGroup<Settings> settings;

  Adadelta(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("square_avg", "acc_delta"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double weightDecay = options.getDouble("weight_decay");
    Structure structure = new Structure(options.getBoolean("maximize"), weightDecay != 0);
    ElementwiseProgram program = programs.computeIfAbsent(structure, Adadelta::program);
    return new Settings(
        options.getDouble("rho"),
        options.getDouble("eps"),
        weightDecay,
        program,
        new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    Tensor p = parameter.value();
    Tensor v = slot(name, "square_avg", () -> Tensors.zerosLike(p));
    Tensor u = slot(name, "acc_delta", () -> Tensors.zerosLike(p));
    double[] x = s.parameters();
    Ops.scale(x, RHO, s.rho());
    Ops.scale(x, ONE_MINUS_RHO, 1 - s.rho());
    x[EPS] = s.eps();
    Ops.scale(x, RATE, -lr);
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, s.weightDecay());
    }
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(s.program(), x, new Tensor[] {p, parameter.grad(), v, u}, p, v, u);
  }

  /**
   * The update as one chain. Inputs p, g, v, u; outputs p, v, u. {@code x + eps} is the affine step
   * {@code 1·x + eps} that {@code Elementwise.affine} computes.
   */
  private static ElementwiseProgram program(Structure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(4);
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      rg = Ops.l2(b, rg, DECAY);
    }
    int rv = Ops.blend(b, 2, RHO, b.unary(UnaryOp.SQUARE, rg), ONE_MINUS_RHO);
    int std = b.unary(UnaryOp.SQRT, b.affine(rv, Scalar.constant(1), Scalar.parameter(EPS)));
    int rms = b.unary(UnaryOp.SQRT, b.affine(3, Scalar.constant(1), Scalar.parameter(EPS)));
    int delta = b.binary(BinaryOp.MUL, b.binary(BinaryOp.DIV, rms, std), rg);
    int ru = Ops.blend(b, 3, RHO, b.unary(UnaryOp.SQUARE, delta), ONE_MINUS_RHO);
    int rp = b.binary(BinaryOp.ADD, 0, Ops.scale(b, delta, RATE));
    return b.output(rp).output(rv).output(ru).build();
  }
}
