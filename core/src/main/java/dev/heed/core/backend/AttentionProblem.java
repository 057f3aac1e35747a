package dev.heed.core.backend;

/**
 * The sizes and options of one scaled dot-product attention call, in core's terms: for each batch
 * entry {@code b} and query head {@code h}, with {@code q} the {@code [queries, headDim]} queries
 * of that head and {@code k}, {@code v} the keys and values of key head {@code h / (heads /
 * kvHeads)},
 *
 * <pre>
 *   scores  = scale · q · kᵀ + mask[b, h]            (mask: 0 when there is none)
 *   scores[i, j] = -∞  where causal and j > i + keys - queries
 *   weights = softmax(scores) along the keys          (a row of only -∞ gives NaN, as in PyTorch)
 *   out     = dropout(weights) · v
 * </pre>
 *
 * <p>Grouped-query heads: {@code kvHeads} divides {@code heads}, and consecutive groups of {@code
 * heads / kvHeads} query heads share one key and value head (multi-query attention when {@code
 * kvHeads} is 1; as PyTorch's {@code enable_gqa}). The causal mask is aligned to the bottom right,
 * so that the last query sees every key: with as many queries as keys it is the usual lower
 * triangle, and a single new query over a cache of keys sees them all.
 *
 * <p>Dropout, when {@code dropout > 0}: weight {@code [b, h, i, j]} is kept when element {@code
 * ((b·heads + h)·queries + i)·keys + j} of the counter-based stream {@code seed} is 1 under {@link
 * Distribution#BERNOULLI} with probability {@code 1 - dropout}, and kept weights are scaled by
 * {@code 1/(1 - dropout)}: the same mask as dropping the {@code [batch, heads, queries, keys]}
 * weights with one random tensor.
 *
 * @param batch batch entries B
 * @param heads query heads H
 * @param kvHeads key and value heads, dividing {@code heads}
 * @param queries queries per head Tq
 * @param keys keys per head Tk
 * @param headDim features of a query and of a key, d
 * @param valueDim features of a value, dv
 * @param scale the factor of the scores, usually {@code 1/√d}
 * @param causal whether key {@code j} is hidden from query {@code i} when {@code j > i + keys -
 *     queries}
 * @param dropout probability of dropping a weight, in {@code [0, 1)}; 0 for none
 * @param seed the random stream of the dropout mask (unused without dropout)
 */
public record AttentionProblem(
    int batch,
    int heads,
    int kvHeads,
    int queries,
    int keys,
    int headDim,
    int valueDim,
    double scale,
    boolean causal,
    double dropout,
    long seed) {

  /** Checks the sizes and the dropout probability. */
  public AttentionProblem {
    if (batch < 0 || heads < 1 || kvHeads < 1 || queries < 0 || keys < 0 || headDim < 0) {
      throw new IllegalArgumentException(
          "attention: invalid sizes batch="
              + batch
              + " heads="
              + heads
              + " kvHeads="
              + kvHeads
              + " queries="
              + queries
              + " keys="
              + keys
              + " headDim="
              + headDim);
    }
    if (valueDim < 0) {
      throw new IllegalArgumentException("attention: negative value dimension " + valueDim);
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "attention: "
              + kvHeads
              + " key/value heads do not divide "
              + heads
              + " query heads; expected a divisor of "
              + heads);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException(
          "attention: dropout probability must be in [0, 1), got " + dropout);
    }
  }

  /** Query heads per key head, {@code heads / kvHeads}. */
  public int group() {
    return heads / kvHeads;
  }

  /** The key head that query head {@code h} reads. */
  public int kvHead(int h) {
    return h / group();
  }

  /** Whether query {@code i} may see key {@code j} under the causal rule (always without it). */
  public boolean visible(int i, int j) {
    return !causal || j <= i + keys - queries;
  }

  /** The dropout stream's element index of weight {@code [b, h, i, j]}. */
  public long dropoutIndex(int b, int h, int i, int j) {
    return (((long) b * heads + h) * queries + i) * keys + j;
  }

  /** Whether weight {@code [b, h, i, j]} survives dropout (always without dropout). */
  public boolean kept(int b, int h, int i, int j) {
    return dropout == 0
        || Distribution.BERNOULLI.sample(seed, dropoutIndex(b, h, i, j), 1 - dropout, 0) != 0;
  }
}
