package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import java.util.Map;

/** Additive attention (cross, Dq != Dk != Dv) meets the attention contract. */
class AdditiveAttentionTest extends SequenceUnitContract {
  @Override
  protected AttentionUnitProvider provider() {
    return new AdditiveAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return spec(4, 5, 3);
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("hidden", 6);
  }
}
