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
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The update of {@code torch.optim.SGD} for one parameter {@code p} with gradient {@code g}:
 *
 * <pre>
 * d = maximize ? -g : g
 * d = d + weight_decay·p                                  (when weight_decay ≠ 0)
 * b = d on the first step, else momentum·b + (1-dampening)·d   (when momentum ≠ 0)
 * d = nesterov ? d + momentum·b : b                        (when momentum ≠ 0)
 * p = p - lr·d
 * </pre>
 *
 * The momentum buffer {@code b} is the state slot {@code momentum_buffer}. Each update is one
 * elementwise program (one pass where the backend fuses it) but the first with momentum, which
 * makes the buffer; so a captured training step replays with momentum too.
 */
final class Sgd extends GroupedOptimizer {
  static final String MOMENTUM_BUFFER = "momentum_buffer";

  // the run-time parameters of the programs: -lr, the weight decay when it is on, and for the
  // momentum program the momentum and 1 - dampening (when the dampening is not 0)
  private static final int RATE = 0;
  private static final int DECAY = 1;
  private static final int MOMENTUM = 2;
  private static final int DAMPED = 3;

  /**
   * A group's settings, read once from its options; without momentum also its program and a buffer
   * for the program's run-time parameters, refilled for every update (each run takes a copy).
   */
  private record Settings(
      double momentum,
      double dampening,
      double weightDecay,
      boolean nesterov,
      boolean maximize,
      ElementwiseProgram plain,
      double[] parameters,
      ElementwiseProgram withMomentum,
      double[] momentumParameters) {}

  /** What the momentum-free program's steps depend on. */
  private record Structure(boolean maximize, boolean weightDecay) {}

  /** What the momentum program's steps depend on. */
  private record MomentumStructure(
      boolean maximize, boolean weightDecay, boolean damped, boolean nesterov) {}

  /** The momentum programs built, one per structure. */
  private final Map<MomentumStructure, ElementwiseProgram> momentumPrograms = new HashMap<>();

  /**
   * The momentum-free programs built, one per structure, shared by the groups of that structure.
   */
  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();

  private final PerGroup<Settings> settings;

  Sgd(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of(MOMENTUM_BUFFER));
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double momentum = options.getDouble("momentum");
    double weightDecay = options.getDouble("weight_decay");
    boolean maximize = options.getBoolean("maximize");
    ElementwiseProgram plain =
        momentum != 0
            ? null
            : programs.computeIfAbsent(new Structure(maximize, weightDecay != 0), Sgd::plain);
    double dampening = options.getDouble("dampening");
    boolean nesterov = options.getBoolean("nesterov");
    ElementwiseProgram withMomentum =
        momentum == 0
            ? null
            : momentumPrograms.computeIfAbsent(
                new MomentumStructure(maximize, weightDecay != 0, dampening != 0, nesterov),
                Sgd::withMomentum);
    return new Settings(
        momentum,
        dampening,
        weightDecay,
        nesterov,
        maximize,
        plain,
        plain == null ? null : new double[plain.parameters()],
        withMomentum,
        withMomentum == null ? null : new double[withMomentum.parameters()]);
  }

  /**
   * The update after the first step with momentum as one elementwise chain, step for step the
   * operations of the separate kernels below ({@code b = momentum·b + (1-dampening)·d}, then {@code
   * d = nesterov ? d + momentum·b : b} and {@code p = p - lr·d}, each product an affine step with
   * an addend of +0 as those kernels compute it). Inputs p, g, b; outputs p, b.
   */
  private static ElementwiseProgram withMomentum(MomentumStructure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(3);
    Scalar zero = Scalar.constant(0);
    int rd = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      rd = b.binary(BinaryOp.ADD, rd, b.affine(0, Scalar.parameter(DECAY), zero));
    }
    int scaled = b.affine(2, Scalar.parameter(MOMENTUM), zero);
    int rb =
        b.binary(
            BinaryOp.ADD, scaled, c.damped() ? b.affine(rd, Scalar.parameter(DAMPED), zero) : rd);
    int step =
        c.nesterov()
            ? b.binary(BinaryOp.ADD, rd, b.affine(rb, Scalar.parameter(MOMENTUM), zero))
            : rb;
    b.output(b.binary(BinaryOp.ADD, 0, b.affine(step, Scalar.parameter(RATE), zero))).output(rb);
    return b.build();
  }

  /**
   * {@code p - lr·(±g + weight_decay·p)} as one elementwise chain, the learning rate and weight
   * decay run-time parameters. Inputs p, g; output p.
   */
  private static ElementwiseProgram plain(Structure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(2);
    int rd = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      rd = b.binary(BinaryOp.ADD, rd, b.affine(0, Scalar.parameter(DECAY), Scalar.constant(0)));
    }
    b.output(b.binary(BinaryOp.ADD, 0, b.affine(rd, Scalar.parameter(RATE), Scalar.constant(0))));
    return b.build();
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double learningRate) {
    Settings s = settings.get(options);
    Tensor p = parameter.value();
    if (s.plain() != null) {
      double[] x = s.parameters();
      x[RATE] = -learningRate;
      if (s.weightDecay() != 0) {
        x[DECAY] = s.weightDecay();
      }
      Elementwise.fusedInto(s.plain(), x, new Tensor[] {p, parameter.grad()}, p);
      return;
    }
    Tensor kept = slot(name, MOMENTUM_BUFFER);
    if (kept != null) {
      // after the first step: one pass over p, g and the buffer
      double[] x = s.momentumParameters();
      x[RATE] = -learningRate;
      x[MOMENTUM] = s.momentum();
      if (s.weightDecay() != 0) {
        x[DECAY] = s.weightDecay();
      }
      if (s.dampening() != 0) {
        x[DAMPED] = 1 - s.dampening();
      }
      Elementwise.fusedInto(s.withMomentum(), x, new Tensor[] {p, parameter.grad(), kept}, p, kept);
      return;
    }
    // the first step with momentum: the buffer starts as d itself
    Tensor d = s.maximize() ? Elementwise.neg(parameter.grad()) : parameter.grad();
    if (s.weightDecay() != 0) {
      d = Elementwise.add(d, Elementwise.affine(p, s.weightDecay(), 0));
    }
    Tensor first = d;
    Tensor buffer = slot(name, MOMENTUM_BUFFER, () -> Shapes.copy(first));
    d = s.nesterov() ? Elementwise.add(d, Elementwise.affine(buffer, s.momentum(), 0)) : buffer;
    Elementwise.addInPlace(p, Elementwise.affine(d, -learningRate, 0));
  }
}
