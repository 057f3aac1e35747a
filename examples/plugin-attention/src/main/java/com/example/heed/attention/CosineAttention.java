package com.example.heed.attention;

import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * Cosine-similarity attention (as in Swin Transformer V2, with the scale fixed or learnt):
 *
 * <pre>
 * score[b, i, j] = s · cos(q[b, i], k[b, j]) = s · q[b, i]·k[b, j] / (‖q[b, i]‖ ‖k[b, j]‖)
 * weights = softmax(score + mask, over j)          output = weights · v
 * </pre>
 *
 * <p>Each norm is at least {@value #EPS}, as PyTorch's {@code F.normalize}. Shapes: queries {@code
 * [B, Tq, D]}, or {@code [B, D]} for one query per example (then the mask is {@code [B, Tk]}, the
 * output {@code [B, Dv]} and the weights {@code [B, Tk]}); keys {@code [B, Tk, D]}; values {@code
 * [B, Tk, Dv]}; the mask is additive, broadcastable to {@code [B, Tq, Tk]}. A flat input {@code [B,
 * F]} as keys is refused: this is a sequence unit (use it inside {@code self-attention}).
 *
 * <p>Parameters: none, or {@code scale} ({@code [1]}) when the scale is learnt.
 */
final class CosineAttention implements AttentionUnit {
  static final double EPS = 1e-12;

  private final AttentionSpec spec;
  private final double scale;
  private final Parameter learnt;

  /**
   * @param scale the factor s, used as it is or as the starting value of the parameter
   * @param learnt the parameter {@code scale}, or null for a fixed scale
   */
  CosineAttention(AttentionSpec spec, double scale, Parameter learnt) {
    this.spec = spec;
    this.scale = scale;
    this.learnt = learnt;
  }

  @Override
  public AttentionResult attend(
      Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext ctx) {
    boolean single = query.rank() == 2;
    check(query, key, value, single);
    Tensor q = single ? Shapes.unsqueeze(query, 1) : query;
    Tensor m = mask != null && single && mask.rank() == 2 ? Shapes.unsqueeze(mask, 1) : mask;
    Tensor qn = unit(q);
    Tensor kn = unit(key);
    double s = scale;
    if (learnt != null) {
      qn = Elementwise.mul(qn, learnt.value());
      s = 1.0;
    }
    AttentionOps.Attended a = AttentionOps.scaledDotProduct(qn, kn, value, m, s, 0, false, 0);
    if (single) {
      return AttentionResult.lazy(
          Shapes.squeeze(a.output(), 1), () -> Shapes.squeeze(a.weights(), 1));
    }
    return AttentionResult.lazy(a.output(), a::weights);
  }

  /** {@code x / max(‖x‖, EPS)} along the last axis. */
  private static Tensor unit(Tensor x) {
    Tensor norm = Elementwise.sqrt(Reductions.sum(Elementwise.square(x), -1, true));
    return Elementwise.div(x, Elementwise.clamp(norm, EPS, Double.POSITIVE_INFINITY));
  }

  private void check(Tensor query, Tensor key, Tensor value, boolean single) {
    if ((query.rank() != 3 && !single) || query.dim(-1) != spec.queryDim()) {
      throw new IllegalArgumentException(
          "cosine attention: expected queries [batch, queries, "
              + spec.queryDim()
              + "] or [batch, "
              + spec.queryDim()
              + "], got "
              + query.shape());
    }
    int batch = query.dim(0);
    if (key.rank() != 3 || key.dim(0) != batch || key.dim(2) != spec.keyDim()) {
      throw new IllegalArgumentException(
          "cosine attention: expected keys [batch = "
              + batch
              + ", keys, "
              + spec.keyDim()
              + "], got "
              + key.shape()
              + (key.rank() == 2
                  ? "; it attends over sequences: use it inside self-attention, not on flat rows"
                  : ""));
    }
    if (value.rank() != 3
        || value.dim(0) != batch
        || value.dim(1) != key.dim(1)
        || value.dim(2) != spec.valueDim()) {
      throw new IllegalArgumentException(
          "cosine attention: expected values [batch = "
              + batch
              + ", keys = "
              + key.dim(1)
              + ", "
              + spec.valueDim()
              + "], got "
              + value.shape());
    }
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return learnt == null ? Map.of() : Map.of("scale", learnt);
  }

  @Override
  public String toString() {
    return "cosine attention("
        + spec
        + ", scale "
        + scale
        + (learnt != null ? ", learnt" : "")
        + ")";
  }
}
