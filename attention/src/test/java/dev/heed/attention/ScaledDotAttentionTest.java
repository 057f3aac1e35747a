package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import java.util.Map;

/** Scaled dot-product attention meets the attention contract. */
class ScaledDotAttentionTest extends SequenceUnitContract {
  @Override
  protected AttentionUnitProvider provider() {
    return new ScaledDotAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return spec(4, 4, 3);
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of();
  }
}
