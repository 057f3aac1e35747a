package dev.heed.attention;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Tensor;

/** Dropout that draws a seed only when it drops something, so evaluation draws no seeds. */
final class Dropouts {
  private Dropouts() {}

  /** Inverted dropout with probability {@code p} in training; the identity otherwise. */
  static Tensor apply(Tensor x, double p, ForwardContext ctx) {
    if (p == 0 || !ctx.training()) {
      return x;
    }
    return NeuralOps.dropout(x, p, true, ctx.nextSeed());
  }

  /** Checks {@code p} is a probability in {@code [0, 1)}. */
  static double check(String owner, double p) {
    if (!(p >= 0 && p < 1)) {
      throw new OptionsException(
          "dropout", owner + " option 'dropout': found " + p + ", expected a number in [0, 1)");
    }
    return p;
  }
}
