package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import java.util.Map;

/** Multi-head cross-attention with kdim/vdim and no bias meets the attention contract. */
class MultiHeadCrossAttentionTest extends SequenceUnitContract {
  @Override
  protected AttentionUnitProvider provider() {
    return new MultiHeadAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return spec(8, 6, 5);
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("num_heads", 4, "bias", false);
  }
}
