package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * Adds a learned position embedding to {@code [B, T, d]} (any {@code T <= max_len}), then dropout:
 * parameter {@code weight [max_len, d]} (normal with standard deviation {@code init_std}), as an
 * {@code nn.Embedding(max_len, d)} indexed by position.
 */
final class LearnedPositionalEncoding implements StepLayer {
  private final int features;
  private final int maxLen;
  private final Parameter weight;
  private final double dropout;

  LearnedPositionalEncoding(
      int features, int maxLen, double std, double dropout, BuildContext ctx) {
    this.features = features;
    this.maxLen = maxLen;
    this.weight =
        Parameter.create(
            ctx, Shape.of(maxLen, features), Inits.normal(std), new Fan(features, maxLen));
    this.dropout = dropout;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    if (input.rank() != 3 || input.dim(2) != features || input.dim(1) > maxLen) {
      throw new IllegalArgumentException(
          "learned positional encoding: expected [batch, time <= max_len = "
              + maxLen
              + ", "
              + features
              + "], got "
              + input.shape()
              + (input.rank() == 3 && input.dim(1) > maxLen ? "; raise option max_len" : ""));
    }
    Tensor pe = Shapes.slice(weight.value(), 0, 0, input.dim(1));
    return Dropouts.apply(input.add(pe), dropout, ctx);
  }

  /** A step adds the row of its position. */
  @Override
  public Steps startSteps(Tensor memory, Tensor memoryMask, int capacity, ForwardContext ctx) {
    return (x, position, c) -> {
      if (x.rank() != 3 || x.dim(2) != features || x.dim(1) != 1 || position >= maxLen) {
        throw new IllegalArgumentException(
            "learned positional encoding: expected one position [batch, 1, "
                + features
                + "] at a position < max_len = "
                + maxLen
                + ", got "
                + x.shape()
                + " at position "
                + position
                + (position >= maxLen ? "; raise option max_len" : ""));
      }
      Tensor pe = Shapes.slice(weight.value(), 0, position, position + 1);
      return Dropouts.apply(x.add(pe), dropout, c);
    };
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return Map.of("weight", weight);
  }
}
