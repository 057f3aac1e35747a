package dev.heed.attention;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.AttentionUnitContract;

/** Feature attention with softmax weights meets the attention contract. */
class FeatureAttentionTest extends AttentionUnitContract {
  static final int F = 5;

  @Override
  protected AttentionUnitProvider provider() {
    return new FeatureAttentionProvider();
  }

  @Override
  protected AttentionSpec spec() {
    return AttentionSpec.self(F);
  }

  @Override
  protected Shape queryShape(int batch) {
    return Shape.of(batch, F);
  }

  @Override
  protected Shape keyShape(int batch) {
    return Shape.of(batch, F);
  }

  @Override
  protected Shape valueShape(int batch) {
    return Shape.of(batch, F);
  }

  @Override
  protected boolean selfAttention() {
    return true;
  }

  @Override
  protected int weightsAxis() {
    return -1;
  }

  @Override
  protected boolean supportsMask() {
    return true;
  }

  /**
   * Removes feature {@code (2b + 1) mod F} of example {@code b}, and feature 3 of every example.
   */
  @Override
  protected Tensor mask(Backend backend, DType dtype, int batch) {
    double[] m = new double[batch * F];
    for (int b = 0; b < batch; b++) {
      m[b * F + (2 * b + 1) % F] = Double.NEGATIVE_INFINITY;
      m[b * F + 3] = Double.NEGATIVE_INFINITY;
    }
    return Tensors.of(backend, dtype, m, batch, F);
  }
}
