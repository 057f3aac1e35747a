package dev.heed.attention;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.Tensor;

/** Inverted dropout as {@code nn.Dropout(p)}: active in training only; no parameters. */
final class Dropout implements StepLayer.Positionwise {
  private final double p;

  Dropout(double p) {
    this.p = p;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    return Dropouts.apply(input, p, ctx);
  }
}
