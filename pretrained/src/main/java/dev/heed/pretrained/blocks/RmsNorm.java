package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * Root-mean-square normalisation over the last axis (Llama's {@code LlamaRMSNorm}): {@code weight ·
 * x / √(mean(x²) + eps)}, with no centring and no bias. Built from core operations, so it runs on
 * every backend and differentiates through the tape.
 */
public final class RmsNorm implements Module {
  private final Parameter weight;
  private final double eps;

  /** A norm over {@code d} features, weight 1 until loaded. */
  public RmsNorm(int d, double eps, BuildContext ctx) {
    this.weight = Weights.ones(ctx, d);
    this.eps = eps;
  }

  /** Normalises {@code x [..., d]}. */
  public Tensor forward(Tensor x) {
    return apply(x, weight.value(), eps);
  }

  /** The operation itself: {@code weight · x / √(mean(x²) + eps)} over the last axis. */
  public static Tensor apply(Tensor x, Tensor weight, double eps) {
    Tensor meanSquare = Reductions.mean(x.square(), -1, true);
    return x.mul(Elementwise.pow(meanSquare.add(eps), -0.5)).mul(weight);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return Map.of("weight", weight);
  }
}
