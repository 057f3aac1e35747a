package dev.heed.core.nn;

/**
 * The dimensions an attention unit is built for. For sequences, queries are {@code [batch, queries,
 * queryDim]}, keys {@code [batch, keys, keyDim]} and values {@code [batch, keys, valueDim]}. For
 * feature attention over a flat input of {@code F} features all three are {@code F}.
 *
 * @param queryDim features per query
 * @param keyDim features per key
 * @param valueDim features per value
 */
public record AttentionSpec(int queryDim, int keyDim, int valueDim) {

  /** Checks dimensions are positive. */
  public AttentionSpec {
    if (queryDim <= 0 || keyDim <= 0 || valueDim <= 0) {
      throw new IllegalArgumentException(
          "attention dimensions must be positive: query "
              + queryDim
              + ", key "
              + keyDim
              + ", value "
              + valueDim);
    }
  }

  /** Self-attention over {@code dim} features. */
  public static AttentionSpec self(int dim) {
    return new AttentionSpec(dim, dim, dim);
  }
}
