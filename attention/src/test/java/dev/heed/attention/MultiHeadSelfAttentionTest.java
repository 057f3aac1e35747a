package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import java.util.Map;

/** Multi-head self-attention (packed in_proj_weight) meets the attention contract. */
class MultiHeadSelfAttentionTest extends SequenceUnitContract {
  @Override
  protected AttentionUnitProvider provider() {
    return new MultiHeadAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return AttentionSpec.self(8);
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("num_heads", 2);
  }

  @Override
  protected boolean selfAttention() {
    return true;
  }
}
