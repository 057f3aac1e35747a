package dev.heed.core.tensor;

import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedSelfAttention;
import java.util.Optional;

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
    if (mask == null && (dropout == 0 || !training)) {
      Optional<FusedAttention> fused = q.backend().capability(FusedAttention.class);
      if (fused.isPresent() && fusable(fused.get(), q, k, v)) {
        return fusedScaledDotProduct(fused.get(), q, k, v, scale);
      }
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
   * Multi-head self-attention on one packed input projection, as {@code nn.MultiheadAttention}
   * computes it between its projections: {@code qkv [B, T, 3·H·d]} is the input projection's output
   * (for every position the queries, then the keys, then the values, each {@code H} heads of {@code
   * d} features). Each head attends with {@link #scaledDotProduct} (no mask); the result is the
   * attended values with the heads merged back, {@code [B, T, H·d]}, and the weights {@code [B, H,
   * T, T]}.
   *
   * <p>Without active dropout, a backend's {@link FusedSelfAttention} does it in one kernel each
   * way, reading the heads where they lie in {@code qkv} and writing the merged output directly;
   * otherwise the heads are split and merged with copies around {@link #scaledDotProduct}.
   *
   * @param qkv the packed projection {@code [B, T, 3·H·d]}
   * @param heads the number of heads H
   * @param scale the factor of the scores, usually {@code 1/√d}
   * @param dropout probability of dropping an attention weight in training (0 for none)
   * @param training whether dropout applies
   * @param seed the random stream of the dropout mask
   */
  public static Attended selfAttention(
      Tensor qkv, int heads, double scale, double dropout, boolean training, long seed) {
    if (qkv.rank() != 3 || heads < 1 || qkv.dim(2) % (3 * heads) != 0) {
      throw new IllegalArgumentException(
          "selfAttention: expected a packed projection [batch, time, 3·heads·d] with "
              + heads
              + " heads, got "
              + qkv.shape());
    }
    int batch = qkv.dim(0);
    int t = qkv.dim(1);
    int e = qkv.dim(2) / 3;
    int d = e / heads;
    if (dropout == 0 || !training) {
      Optional<FusedSelfAttention> fused = qkv.backend().capability(FusedSelfAttention.class);
      if (fused.isPresent() && fused.get().supports(qkv.dtype()) && qkv.size() > 0) {
        return fusedSelfAttention(fused.get(), qkv, batch, t, heads, d, scale);
      }
    }
    Tensor[] qkvHeads = splitHeads(qkv, batch, t, heads, d);
    Attended a =
        scaledDotProduct(
            qkvHeads[0], qkvHeads[1], qkvHeads[2], null, scale, dropout, training, seed);
    Tensor merged = Shapes.reshape(Shapes.permute(a.output(), 0, 2, 1, 3), batch, t, e);
    return new Attended(merged, a.weights());
  }

  /**
   * The queries, keys and values {@code [B, H, T, d]} of a packed projection {@code [B, T, 3·H·d]}:
   * one permuting copy to {@code [3, B, H, T, d]} and three slices.
   */
  private static Tensor[] splitHeads(Tensor qkv, int batch, int t, int heads, int d) {
    Tensor split = Shapes.permute(Shapes.reshape(qkv, batch, t, 3, heads, d), 2, 0, 3, 1, 4);
    Tensor[] parts = new Tensor[3];
    for (int i = 0; i < 3; i++) {
      parts[i] = Shapes.reshape(Shapes.slice(split, 0, i, i + 1), batch, heads, t, d);
    }
    return parts;
  }

  /**
   * {@link #selfAttention} through {@link FusedSelfAttention}. The output's tape node runs the
   * fused backward; the weights get their own node whose backward is the composite formula, so a
   * loss that uses the weights still gets correct gradients.
   */
  private static Attended fusedSelfAttention(
      FusedSelfAttention fused, Tensor qkv, int batch, int t, int heads, int d, double scale) {
    Tensor weights = Tensor.allocate(qkv.backend(), Shape.of(batch, heads, t, t), qkv.dtype());
    Tensor out = Tensor.allocate(qkv.backend(), Shape.of(batch, t, heads * d), qkv.dtype());
    fused.forward(qkv.buffer(), batch, t, heads, d, scale, weights.buffer(), out.buffer());
    Tensor w = weights;
    Autograd.record(
        out,
        "selfAttention",
        g -> {
          Tensor gQkv = Tensor.allocate(g.backend(), qkv.shape(), g.dtype());
          fused.backward(
              g.buffer(), qkv.buffer(), w.buffer(), batch, t, heads, d, scale, gQkv.buffer());
          return new Tensor[] {gQkv};
        },
        qkv);
    Autograd.record(
        weights,
        "selfAttentionWeights",
        g -> {
          Tensor[] qkvHeads = splitHeads(qkv, batch, t, heads, d);
          Tensor q = qkvHeads[0];
          Tensor k = qkvHeads[1];
          Tensor gy = Elementwise.mul(g, w);
          Tensor gs =
              Elementwise.sub(gy, Elementwise.mul(w, Reductions.sum(gy, -1, true))).mul(scale);
          Tensor gq = Linalg.matmul(gs, k);
          Tensor gk = Linalg.matmul(gs, q, true, false);
          Tensor gv = Tensors.zeros(g.backend(), gq.shape(), g.dtype());
          Tensor stacked =
              Shapes.reshape(
                  Shapes.concat(0, java.util.List.of(gq, gk, gv)), 3, batch, heads, t, d);
          return new Tensor[] {
            Shapes.reshape(Shapes.permute(stacked, 1, 3, 0, 2, 4), batch, t, 3 * heads * d)
          };
        },
        qkv);
    return new Attended(out, weights);
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
    Optional<FusedLayerNorm> fused = x.backend().capability(FusedLayerNorm.class);
    if (fused.isPresent() && fused.get().supports(x.dtype()) && d > 0) {
      return fusedLayerNorm(fused.get(), x, weight, bias, eps);
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

  /**
   * Layer norm through the backend's {@link FusedLayerNorm}; the tape node's backward runs the
   * capability's fused backward (first-order gradients only: the backward itself is not recorded).
   */
  private static Tensor fusedLayerNorm(
      FusedLayerNorm fused, Tensor x, Tensor weight, Tensor bias, double eps) {
    int d = x.dim(-1);
    int rows = (int) (x.size() / d);
    Tensor y = Tensor.allocate(x.backend(), x.shape(), x.dtype());
    Tensor mean = Tensor.allocate(x.backend(), Shape.of(rows), x.dtype());
    Tensor rstd = Tensor.allocate(x.backend(), Shape.of(rows), x.dtype());
    fused.forward(
        x.buffer(),
        weight == null ? null : weight.buffer(),
        bias == null ? null : bias.buffer(),
        rows,
        d,
        eps,
        y.buffer(),
        mean.buffer(),
        rstd.buffer());
    return Autograd.record(
        y,
        "layerNorm",
        g -> {
          Tensor gx = Tensor.allocate(g.backend(), x.shape(), g.dtype());
          Tensor gw =
              weight != null && weight.requiresGrad()
                  ? Tensor.allocate(g.backend(), weight.shape(), g.dtype())
                  : null;
          Tensor gb =
              bias != null && bias.requiresGrad()
                  ? Tensor.allocate(g.backend(), bias.shape(), g.dtype())
                  : null;
          fused.backward(
              g.buffer(),
              x.buffer(),
              weight == null ? null : weight.buffer(),
              mean.buffer(),
              rstd.buffer(),
              rows,
              d,
              gx.buffer(),
              gw == null ? null : gw.buffer(),
              gb == null ? null : gb.buffer());
          return new Tensor[] {x.requiresGrad() ? gx : null, gw, gb};
        },
        x,
        weight,
        bias);
  }

  /** Whether the fused kernel applies: one backend and type, equal batch dimensions, no empties. */
  private static boolean fusable(FusedAttention fused, Tensor q, Tensor k, Tensor v) {
    if (!fused.supports(q.dtype())
        || k.dtype() != q.dtype()
        || v.dtype() != q.dtype()
        || k.backend() != q.backend()
        || v.backend() != q.backend()
        || q.rank() != k.rank()
        || q.rank() != v.rank()
        || q.size() == 0
        || k.size() == 0
        || v.size() == 0) {
      return false;
    }
    for (int i = 0; i < q.rank() - 2; i++) {
      if (q.dim(i) != k.dim(i) || q.dim(i) != v.dim(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Scaled dot-product attention through the backend's {@link FusedAttention}. The output's tape
   * node runs the fused backward; the weights get their own node whose backward is the composite
   * formula (softmax and matmul backward in core operations), so a loss that uses the weights still
   * gets correct gradients.
   */
  private static Attended fusedScaledDotProduct(
      FusedAttention fused, Tensor q, Tensor k, Tensor v, double scale) {
    int tq = q.dim(-2);
    int d = q.dim(-1);
    int tk = k.dim(-2);
    int dv = v.dim(-1);
    int batch = (int) (q.size() / ((long) tq * d));
    Shape batchShape = q.shape().with(-1, tk);
    Tensor weights = Tensor.allocate(q.backend(), batchShape, q.dtype());
    Tensor out = Tensor.allocate(q.backend(), q.shape().with(-1, dv), q.dtype());
    fused.forward(
        q.buffer(),
        k.buffer(),
        v.buffer(),
        batch,
        tq,
        tk,
        d,
        dv,
        scale,
        weights.buffer(),
        out.buffer());
    Tensor w = weights;
    Autograd.record(
        out,
        "scaledDotProduct",
        g -> {
          Tensor gq = q.requiresGrad() ? Tensor.allocate(g.backend(), q.shape(), g.dtype()) : null;
          Tensor gk = k.requiresGrad() ? Tensor.allocate(g.backend(), k.shape(), g.dtype()) : null;
          Tensor gv = v.requiresGrad() ? Tensor.allocate(g.backend(), v.shape(), g.dtype()) : null;
          fused.backward(
              g.buffer(),
              q.buffer(),
              k.buffer(),
              v.buffer(),
              w.buffer(),
              batch,
              tq,
              tk,
              d,
              dv,
              scale,
              gq == null ? null : gq.buffer(),
              gk == null ? null : gk.buffer(),
              gv == null ? null : gv.buffer());
          return new Tensor[] {gq, gk, gv};
        },
        q,
        k,
        v);
    Autograd.record(
        weights,
        "attentionWeights",
        g -> {
          Tensor gy = Elementwise.mul(g, w);
          Tensor gs =
              Elementwise.sub(gy, Elementwise.mul(w, Reductions.sum(gy, -1, true))).mul(scale);
          Tensor gq = q.requiresGrad() ? Linalg.matmul(gs, k) : null;
          Tensor gk = k.requiresGrad() ? Linalg.matmul(gs, q, true, false) : null;
          return new Tensor[] {gq, gk, null};
        },
        q,
        k,
        v);
    return new Attended(out, weights);
  }
}
