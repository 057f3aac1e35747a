package com.example.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.tensor.Shape;
import dev.heed.testkit.AttentionUnitContract;

/**
 * The attention-unit contract for cosine attention as {@code self-attention} uses it: one tensor
 * {@code [B, T, d]} as queries, keys and values, with the default options (a fixed scale of 10).
 */
class CosineSelfAttentionTest extends AttentionUnitContract {

  @Override
  protected AttentionUnitProvider provider() {
    return new CosineAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return AttentionSpec.self(6);
  }

  @Override
  protected boolean selfAttention() {
    return true;
  }

  @Override
  protected Shape queryShape(int batch) {
    return Shape.of(batch, 4, 6);
  }

  @Override
  protected Shape keyShape(int batch) {
    return queryShape(batch);
  }

  @Override
  protected Shape valueShape(int batch) {
    return queryShape(batch);
  }
}
