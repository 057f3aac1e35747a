package dev.heed.pretrained;

import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * What a decoder derives from Hugging Face's {@code attention_mask} {@code [B, past + T]} (nonzero
 * for real tokens): the positions of the {@code T} new tokens, counting real tokens only (as {@code
 * cumsum(mask) - 1}, with padding at position 1 as {@code generate()} sets it), and an additive
 * mask over the keys. The mask is a host-sized array of flags, so this is computed on the host.
 *
 * @param positions INT32 {@code [B, T]}
 * @param keys additive {@code [B, 1, 1, past + T]}: 0 for real tokens, the most negative finite
 *     value of the type for padding (finite, so that a padding query that sees only padding keys
 *     still gets finite weights and never turns the values it reads into NaN)
 */
record Padding(Tensor positions, Tensor keys) {

  static Padding of(Tensor attentionMask, int newTokens, DType dtype) {
    if (attentionMask.rank() != 2 || attentionMask.dim(1) < newTokens) {
      throw new IllegalArgumentException(
          "attention mask: expected [B, past + T] with T = "
              + newTokens
              + ", got "
              + attentionMask.shape());
    }
    int b = attentionMask.dim(0);
    int tk = attentionMask.dim(1);
    double[] flags = attentionMask.toDoubleArray();
    int[] positions = new int[b * newTokens];
    double[] keys = new double[b * tk];
    double hidden = dtype == DType.FLOAT64 ? -Double.MAX_VALUE : -Float.MAX_VALUE;
    for (int r = 0; r < b; r++) {
      int count = 0;
      for (int j = 0; j < tk; j++) {
        boolean real = flags[r * tk + j] != 0;
        count += real ? 1 : 0;
        keys[r * tk + j] = real ? 0 : hidden;
        int k = j - (tk - newTokens);
        if (k >= 0) {
          positions[r * newTokens + k] = real ? count - 1 : 1;
        }
      }
    }
    var backend = attentionMask.backend();
    return new Padding(
        Tensors.indices(backend, positions, b, newTokens),
        Tensors.of(backend, DType.FLOAT64, keys, b, 1, 1, tk).to(dtype));
  }
}
