package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.List;

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

  /** The settings a plain (momentum-free) update depends on. */
  private record Plain(double lr, double weightDecay, boolean maximize) {}

  private Plain plainKey;
  private ElementwiseProgram plain;

  /** The options last read, and their values (read once per group, not per parameter and step). */
  private Options read;

  private double momentum;
  private double dampening;
  private double weightDecay;
  private boolean nesterov;
  private boolean maximize;

  Sgd(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of(MOMENTUM_BUFFER));
  }

  @Override
  void update(String name, Parameter parameter, Options options, double learningRate) {
    if (options != read) {
      momentum = options.getDouble("momentum");
      dampening = options.getDouble("dampening");
      weightDecay = options.getDouble("weight_decay");
      nesterov = options.getBoolean("nesterov");
      maximize = options.getBoolean("maximize");
      read = options;
    }

    Tensor p = parameter.value();
    if (momentum == 0) {
      // p - lr·(±g + weight_decay·p) as one elementwise chain, built once for all parameters
      // that share these settings
      if (plainKey == null
          || plainKey.lr() != learningRate
          || plainKey.weightDecay() != weightDecay
          || plainKey.maximize() != maximize) {
        Plain key = new Plain(learningRate, weightDecay, maximize);
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(2);
        int rd = maximize ? b.unary(UnaryOp.NEG, 1) : 1;
        if (weightDecay != 0) {
          rd = b.binary(BinaryOp.ADD, rd, b.affine(0, weightDecay, 0));
        }
        b.output(b.binary(BinaryOp.ADD, 0, b.affine(rd, -learningRate, 0)));
        plain = b.build();
        plainKey = key;
      }
      Elementwise.fusedInto(plain, new Tensor[] {p, parameter.grad()}, p);
      return;
    }
    Tensor d = maximize ? Elementwise.neg(parameter.grad()) : parameter.grad();
    if (weightDecay != 0) {
      d = Elementwise.add(d, Elementwise.affine(p, weightDecay, 0));
    }
    if (momentum != 0) {
      Tensor buffer = slot(name, MOMENTUM_BUFFER);
      if (buffer == null) {
        Tensor first = d;
        buffer = slot(name, MOMENTUM_BUFFER, () -> Shapes.copy(first));
      } else {
        Elementwise.applyInPlace(UnaryOp.AFFINE, momentum, 0, buffer);
        Elementwise.addInPlace(
            buffer, dampening == 0 ? d : Elementwise.affine(d, 1 - dampening, 0));
      }
      d = nesterov ? Elementwise.add(d, Elementwise.affine(buffer, momentum, 0)) : buffer;
    }
    Elementwise.addInPlace(p, Elementwise.affine(d, -learningRate, 0));
  }
}
