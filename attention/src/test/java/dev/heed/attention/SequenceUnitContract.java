package dev.heed.attention;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.AttentionUnitContract;

/**
 * The attention contract for units over sequences: queries {@code [B, TQ, spec.queryDim]}, keys
 * {@code [B, TK, keyDim]}, values {@code [B, TK, valueDim]}, with a key-padding mask that keeps the
 * first {@code keys - b - 1} keys of example {@code b} (never all of them, never none).
 */
abstract class SequenceUnitContract extends AttentionUnitContract {
  static final int TQ = 3;
  static final int TK = 4;

  @Override
  protected Shape queryShape(int batch) {
    return Shape.of(batch, TQ, spec().queryDim());
  }

  @Override
  protected Shape keyShape(int batch) {
    return Shape.of(batch, TK, spec().keyDim());
  }

  @Override
  protected Shape valueShape(int batch) {
    return Shape.of(batch, TK, spec().valueDim());
  }

  @Override
  protected boolean supportsMask() {
    return true;
  }

  @Override
  protected Tensor mask(Backend backend, DType dtype, int batch) {
    int keys = selfAttention() ? TQ : TK;
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      lengths[b] = Math.max(1, keys - 1 - b);
    }
    return AttentionMasks.fromLengths(backend, dtype, lengths, keys);
  }

  /** Spec helper. */
  static AttentionSpec spec(int q, int k, int v) {
    return new AttentionSpec(q, k, v);
  }
}
