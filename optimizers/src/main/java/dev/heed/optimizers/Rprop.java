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
 * The update of {@code torch.optim.Rprop} for one parameter:
 *
 * <pre>
 * g = maximize ? -g : g;  s = sign(g·prev)
 * η = etaplus where s &gt; 0, etaminus where s &lt; 0, else 1
 * step_size = clamp(step_size·η, min, max)    (step_size starts at lr)
 * g = 0 where s &lt; 0
 * p = p - sign(g)·step_size;  prev = g
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it) that selects without branches, exactly: with the masks {@code P =
 * [g·prev > 0]} and {@code N = [g·prev < 0]}, {@code η = etaplus·P + etaminus·N + (1 - (P + N))}
 * (two of the three terms are +0), and {@code g = max(min(g, z), -z)} with {@code z = 1/N - 1},
 * which is +0 where N (g is then a nonzero number: it becomes +0) and +∞ elsewhere (g, NaN and -0
 * included, unchanged). Slots: {@code prev}, {@code step_size} and the step count.
 */
final class Rprop extends GroupedOptimizer {
  // the program's run-time parameters
  private static final int ETA_MINUS = 0;
  private static final int ETA_PLUS = 1;
  private static final int MIN_SIZE = 2;
  private static final int MAX_SIZE = 3;

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double[] etas, double[] limits, ElementwiseProgram program, double[] parameters) {}

  /** The programs built: for minimizing (false) and maximizing (true). */
  private final Map<Boolean, ElementwiseProgram> programs = new HashMap<>();

  private final PerGroup<Settings> settings;

  Rprop(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("prev", "step_size"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    ElementwiseProgram program =
        programs.computeIfAbsent(options.getBoolean("maximize"), Rprop::program);
    return new Settings(
        options.getNumbers("etas"),
        options.getNumbers("step_sizes"),
        program,
        new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    Tensor p = parameter.value();
    Tensor prev = slot(name, "prev", () -> Tensors.zerosLike(p));
    Tensor size =
        slot(name, "step_size", () -> Tensors.full(p.backend(), p.shape(), p.dtype(), lr));
    double[] x = s.parameters();
    x[ETA_MINUS] = s.etas()[0];
    x[ETA_PLUS] = s.etas()[1];
    x[MIN_SIZE] = s.limits()[0];
    x[MAX_SIZE] = s.limits()[1];
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(
        s.program(), x, new Tensor[] {p, parameter.grad(), prev, size}, p, prev, size);
  }

  /**
   * The update as one chain. Inputs p, g, prev, step_size; outputs p, prev, step_size. The step
   * size's product and clamp are those of the formula, and {@code -sign(g)·step_size} the affine
   * step {@code -1·x + 0}.
   */
  private static ElementwiseProgram program(boolean maximize) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(4);
    int rg = maximize ? b.unary(UnaryOp.NEG, 1) : 1;
    // [g·prev > 0] and [g·prev < 0], which are [sign(g·prev) > 0] and [sign(g·prev) < 0]
    int product = b.binary(BinaryOp.MUL, rg, 2);
    int positive = b.unary(UnaryOp.STEP, 0, 0, product);
    int negative = b.unary(UnaryOp.STEP, 0, 0, b.unary(UnaryOp.NEG, product));
    int factor =
        b.binary(
            BinaryOp.ADD,
            b.binary(
                BinaryOp.ADD,
                b.affine(positive, Scalar.parameter(ETA_PLUS), Scalar.constant(0)),
                b.affine(negative, Scalar.parameter(ETA_MINUS), Scalar.constant(0))),
            b.affine(b.binary(BinaryOp.ADD, positive, negative), -1, 1));
    int rs =
        b.unary(
            UnaryOp.CLAMP,
            Scalar.parameter(MIN_SIZE),
            Scalar.parameter(MAX_SIZE),
            b.binary(BinaryOp.MUL, 3, factor));
    int upper = b.affine(b.unary(UnaryOp.RECIPROCAL, negative), 1, -1);
    int lower = b.affine(upper, -1, 0);
    int kept = b.binary(BinaryOp.MAX, b.binary(BinaryOp.MIN, rg, upper), lower);
    int step = b.affine(b.binary(BinaryOp.MUL, b.unary(UnaryOp.SIGN, kept), rs), -1, 0);
    return b.output(b.binary(BinaryOp.ADD, 0, step)).output(kept).output(rs).build();
  }
}
