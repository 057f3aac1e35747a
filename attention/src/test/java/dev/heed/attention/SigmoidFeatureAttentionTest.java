package dev.heed.attention;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * Feature attention with independent sigmoid gates (and a temperature) meets the attention
 * contract; its gates lie in [0, 1] without summing to 1, and it takes no mask.
 */
class SigmoidFeatureAttentionTest extends FeatureAttentionTest {
  @Override
  protected Map<String, Object> options() {
    return Map.of("normalization", "sigmoid", "temperature", 0.5);
  }

  @Override
  protected boolean weightsSumToOne() {
    return false;
  }

  @Override
  protected boolean supportsMask() {
    return false;
  }

  @Override
  protected Tensor mask(Backend backend, DType dtype, int batch) {
    return null;
  }
}
