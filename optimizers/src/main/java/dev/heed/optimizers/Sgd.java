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
 * The momentum buffer {@code b} is the state slot {@code momentum_buffer}.
 */
final class Sgd extends GroupedOptimizer {
  static final String MOMENTUM_BUFFER = "momentum_buffer";

  // the run-time parameters of the momentum-free program: -lr, then the weight decay when it is on
  private static final int RATE = 0;
  private static final int DECAY = 1;

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
      double[] parameters) {}

  /** What the momentum-free program's steps depend on. */
  private record Structure(boolean maximize, boolean weightDecay) {}

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
    return new Settings(
        momentum,
        options.getDouble("dampening"),
        weightDecay,
        options.getBoolean("nesterov"),
        maximize,
        plain,
        plain == null ? null : new double[plain.parameters()]);
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
    double momentum = s.momentum();
    double dampening = s.dampening();
    Tensor d = s.maximize() ? Elementwise.neg(parameter.grad()) : parameter.grad();
    if (s.weightDecay() != 0) {
      d = Elementwise.add(d, Elementwise.affine(p, s.weightDecay(), 0));
    }
    Tensor buffer = slot(name, MOMENTUM_BUFFER);
    if (buffer == null) {
      Tensor first = d;
      buffer = slot(name, MOMENTUM_BUFFER, () -> Shapes.copy(first));
    } else {
      Elementwise.applyInPlace(UnaryOp.AFFINE, momentum, 0, buffer);
      Elementwise.addInPlace(buffer, dampening == 0 ? d : Elementwise.affine(d, 1 - dampening, 0));
    }
    d = s.nesterov() ? Elementwise.add(d, Elementwise.affine(buffer, momentum, 0)) : buffer;
    Elementwise.addInPlace(p, Elementwise.affine(d, -learningRate, 0));
  }
}
