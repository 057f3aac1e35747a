package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import java.util.Map;

/** Additive self-attention without biases meets the attention contract. */
class AdditiveSelfAttentionTest extends SequenceUnitContract {
  @Override
  protected AttentionUnitProvider provider() {
    return new AdditiveAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return AttentionSpec.self(4);
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("bias", false);
  }

  @Override
  protected boolean selfAttention() {
    return true;
  }
}
