package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * Self-attention as a layer: {@code forward(x, mask)} is {@code unit.attend(x, x, x, mask)} and
 * returns the output (a padding mask reaches the unit over token sequences); the weights of the
 * last call are kept for inspection ({@link #lastWeights()}). The unit's parameters keep their own
 * names.
 */
public final class AttentionLayer implements MaskedLayer, AttentionWeightsSource {
  private final AttentionUnit unit;
  private AttentionResult last;

  /** Wraps {@code unit}. */
  public AttentionLayer(AttentionUnit unit) {
    this.unit = unit;
  }

  @Override
  public Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    AttentionResult r = unit.attend(input, input, input, mask, ctx);
    last = r;
    return r.output();
  }

  /**
   * The attention weights of the last forward pass (owned by that pass's scope, and computed when
   * first asked for), or null.
   */
  public Tensor lastWeights() {
    return last == null ? null : last.weights();
  }

  @Override
  public Tensor lastAttentionWeights() {
    return lastWeights();
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
