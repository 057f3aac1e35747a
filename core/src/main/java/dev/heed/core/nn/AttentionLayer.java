package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * Self-attention as a layer: {@code forward(x)} is {@code unit.attend(x, x, x)} and returns the
 * output; the weights of the last call are kept for inspection ({@link #lastWeights()}).
 */
public final class AttentionLayer implements Layer, AttentionWeightsSource {
  private final AttentionUnit unit;
  private Tensor lastWeights;

  /** Wraps {@code unit}. */
  public AttentionLayer(AttentionUnit unit) {
    this.unit = unit;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    AttentionResult r = unit.attend(input, input, input, null, ctx);
    lastWeights = r.weights();
    return r.output();
  }

  /** The attention weights of the last forward pass (owned by that pass's scope), or null. */
  public Tensor lastWeights() {
    return lastWeights;
  }

  @Override
  public Tensor lastAttentionWeights() {
    return lastWeights;
  }

  /** The wrapped unit. */
  public AttentionUnit unit() {
    return unit;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return unit.namedParameters();
  }
}
