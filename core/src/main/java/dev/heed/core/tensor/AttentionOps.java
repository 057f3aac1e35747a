package dev.heed.core.tensor;

/**
 * Composite operations of attention networks, built from the primitive operations (so their
 * gradients come from the tape and they run on every backend). A backend may later offer fused
 * versions through {@link dev.heed.core.backend.Capability capabilities}; these composites are the
 * definition such kernels must match.
 */
public final class AttentionOps {
  private AttentionOps() {}

  /**
   * Attention output with its weights.
   *
   * @param output the weighted values {@code [..., queries, valueDim]}
   * @param weights the attention weights {@code [..., queries, keys]}, rows summing to 1 (before
   *     dropout)
   */
  public record Attended(Tensor output, Tensor weights) {}

  /**
   * Scaled dot-product attention {@code softmax(q·kᵀ·scale + mask)·v}.
   *
   * @param q queries {@code [..., queries, d]}
   * @param k keys {@code [..., keys, d]}
   * @param v values {@code [..., keys, dv]}
   * @param mask null, or an additive mask broadcastable to {@code [..., queries, keys]}: 0 keeps,
   *     {@code -∞} removes a position (its weight is then exactly 0; a row with every position
   *     removed gives NaN, as in PyTorch)
   * @param scale the factor of the scores, usually {@code 1/√d}
   * @param dropout probability of dropping an attention weight in training (0 for none)
   * @param training whether dropout applies
   * @param seed the random stream of the dropout mask
   */
  public static Attended scaledDotProduct(
      Tensor q,
      Tensor k,
      Tensor v,
      Tensor mask,
      double scale,
      double dropout,
      boolean training,
      long seed) {
    if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2) {
      throw new IllegalArgumentException(
          "scaledDotProduct: queries, keys and values need rank >= 2, got "
              + q.shape()
              + ", "
              + k.shape()
              + ", "
              + v.shape());
    }
    if (q.dim(-1) != k.dim(-1) || k.dim(-2) != v.dim(-2)) {
      throw new IllegalArgumentException(
          "scaledDotProduct: queries "
              + q.shape()
              + ", keys "
              + k.shape()
              + " and values "
              + v.shape()
              + " do not fit: expected q [..., Tq, d], k [..., Tk, d], v [..., Tk, dv]");
    }
    Tensor scores = Linalg.matmul(q, k, false, true);
    if (scale != 1.0) {
      scores = scores.mul(scale);
    }
    if (mask != null) {
      scores = scores.add(mask);
    }
    Tensor weights = NeuralOps.softmax(scores, -1);
    Tensor dropped = NeuralOps.dropout(weights, dropout, training, seed);
    return new Attended(Linalg.matmul(dropped, v), weights);
  }

  /**
   * Layer normalisation over the last axis, as PyTorch's {@code nn.LayerNorm(d)}: {@code (x -
   * mean)/√(var + eps)·weight + bias} with the biased variance.
   *
   * @param weight {@code [d]} or null
   * @param bias {@code [d]} or null
   */
  public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
    int d = x.dim(-1);
    if ((weight != null && !weight.shape().equals(Shape.of(d)))
        || (bias != null && !bias.shape().equals(Shape.of(d)))) {
      throw new IllegalArgumentException(
          "layerNorm: weight and bias must be ["
              + d
              + "] for input "
              + x.shape()
              + ", got "
              + (weight == null ? "none" : weight.shape())
              + " and "
              + (bias == null ? "none" : bias.shape()));
    }
    Tensor centered = x.sub(Reductions.mean(x, -1, true));
    Tensor variance = Reductions.mean(centered.square(), -1, true);
    Tensor y = centered.mul(Elementwise.pow(variance.add(eps), -0.5));
    if (weight != null) {
      y = y.mul(weight);
    }
    if (bias != null) {
      y = y.add(bias);
    }
    return y;
  }
}
