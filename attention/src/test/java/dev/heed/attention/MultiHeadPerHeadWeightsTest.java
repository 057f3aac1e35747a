package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import java.util.Map;

/** Multi-head attention returning per-head weights [B, H, Tq, Tk] meets the attention contract. */
class MultiHeadPerHeadWeightsTest extends SequenceUnitContract {
  @Override
  protected AttentionUnitProvider provider() {
    return new MultiHeadAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return spec(6, 6, 6);
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("num_heads", 3, "average_attn_weights", false);
  }
}
