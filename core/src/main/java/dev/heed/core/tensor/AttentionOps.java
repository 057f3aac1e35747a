package dev.heed.core.tensor;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Composite operations of attention networks, built from the primitive operations (so their
 * gradients come from the tape and they run on every backend). A backend may offer fused versions
 * through {@link dev.heed.core.backend.Capability capabilities} ({@link FusedAttention}, {@link
 * FusedLayerNorm}); these composites are the definition such kernels must match.
 */
public final class AttentionOps {
  private AttentionOps() {}

  /**
   * Attention output with its weights, which are computed when first asked for when the fused
   * kernel did not materialise them.
   */
  public static final class Attended {
    private final Tensor output;
    private Supplier<Tensor> pending;
    private Tensor weights;

    Attended(Tensor output, Tensor weights) {
      this.output = output;
      this.weights = weights;
    }

    Attended(Tensor output, Supplier<Tensor> weights) {
      this.output = output;
      this.pending = weights;
    }

    /** The weighted values {@code [..., queries, valueDim]}. */
    public Tensor output() {
      return output;
    }

    /**
     * The attention weights {@code [..., queries, keys]}, rows summing to 1 (before dropout);
     * computed on the first call if the kernel did not write them (while the inputs are open).
     * Gradients flow through them to the queries and keys.
     */
    public Tensor weights() {
      if (pending != null) {
        weights = pending.get();
        pending = null;
      }
      return weights;
    }
  }

  /**
   * Scaled dot-product attention over heads, as {@link AttentionProblem} defines it: {@code
   * softmax(scale·q·kᵀ + mask)·v} per head, with a causal rule, dropout and grouped-query heads.
   *
   * <p>{@code q} is {@code [B, H, Tq, d]}, {@code k} {@code [B, Hkv, Tk, d]} and {@code v} {@code
   * [B, Hkv, Tk, dv]}, views with any strides (a head split of a projection needs no copy); {@code
   * Hkv} divides {@code H}, and query head {@code h} reads key head {@code h / (H / Hkv)}. The
   * result is {@code [B, H, Tq, dv]}. When the backend offers {@link FusedAttention} for the call,
   * one kernel computes it each way (flash-style, without the weights) and the output is a view of
   * a {@code [B, Tq, H, dv]} tensor, so merging the heads back is free; otherwise the composite of
   * primitive operations runs. Either way {@link Attended#weights()} gives the weights {@code [B,
   * H, Tq, Tk]} when asked.
   */
  public static Attended attention(Tensor q, Tensor k, Tensor v, AttentionOptions options) {
    if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
      throw new IllegalArgumentException(
          "attention: expected q [B, H, Tq, d], k [B, Hkv, Tk, d] and v [B, Hkv, Tk, dv], got "
              + q.shape()
              + ", "
              + k.shape()
              + ", "
              + v.shape());
    }
    Checks.sameDevice("attention", q, k);
    Checks.sameDevice("attention", q, v);
    Checks.floating("attention", q);
    int b = q.dim(0);
    int h = q.dim(1);
    int hkv = k.dim(1);
    int tq = q.dim(2);
    int tk = k.dim(2);
    int d = q.dim(3);
    int dv = v.dim(3);
    if (k.dim(0) != b
        || v.dim(0) != b
        || v.dim(1) != hkv
        || k.dim(3) != d
        || v.dim(2) != tk
        || hkv == 0
        || h % hkv != 0) {
      throw new IllegalArgumentException(
          "attention: queries "
              + q.shape()
              + ", keys "
              + k.shape()
              + " and values "
              + v.shape()
              + " do not fit: expected q [B, H, Tq, d], k [B, Hkv, Tk, d], v [B, Hkv, Tk, dv] with"
              + " Hkv dividing H");
    }
    double scale = Double.isNaN(options.scale()) ? 1 / Math.sqrt(d) : options.scale();
    Tensor mask = options.mask();
    Shape scores = Shape.of(b, h, tq, tk);
    if (mask != null) {
      Checks.sameDevice("attention mask", q, mask);
      if (!Shape.broadcast("attention mask", mask.shape(), scores).equals(scores)) {
        throw new IllegalArgumentException(
            "attention: the mask "
                + mask.shape()
                + " does not broadcast to the scores [B, H, Tq, Tk] = "
                + scores);
      }
      if (options.booleanMask()) {
        Tensor zero = Tensors.scalar(q.backend(), q.dtype(), 0.0);
        Tensor hidden = Tensors.scalar(q.backend(), q.dtype(), Double.NEGATIVE_INFINITY);
        mask = Elementwise.where(mask, zero, hidden);
      }
    }
    AttentionProblem problem =
        new AttentionProblem(
            b,
            h,
            hkv,
            tq,
            tk,
            d,
            dv,
            scale,
            options.causal(),
            options.activeDropout(),
            options.seed());
    Optional<FusedAttention> fused = q.backend().capability(FusedAttention.class);
    if (fused.isPresent()
        && q.size() > 0
        && k.size() > 0
        && v.size() > 0
        && (mask == null || !mask.requiresGrad())
        && fused.get().supports(q.dtype(), problem, mask != null)) {
      return fusedAttention(fused.get(), q, k, v, mask, problem);
    }
    return compositeAttention(q, k, v, mask, problem);
  }

  /**
   * The most attention weights ({@code B·H·Tq·Tk} elements, 16 MiB of FLOAT32) that the fused
   * forward keeps for the backward; larger problems recompute them from the log-sum-exp.
   */
  private static final long KEPT_WEIGHTS = 1L << 22;

  /** The composite: products, mask, softmax, dropout, product; every step on the tape. */
  private static Attended compositeAttention(
      Tensor q, Tensor k, Tensor v, Tensor mask, AttentionProblem p) {
    Tensor weights = compositeWeights(q, k, mask, p);
    Tensor dropped = NeuralOps.dropout(weights, p.dropout(), p.dropout() > 0, p.seed());
    Tensor out;
    if (p.group() == 1) {
      out = Linalg.matmul(dropped, v);
    } else {
      Tensor d5 = Shapes.reshape(dropped, p.batch(), p.kvHeads(), p.group(), p.queries(), p.keys());
      out =
          Shapes.reshape(
              Linalg.matmul(d5, Shapes.unsqueeze(v, 2)),
              p.batch(),
              p.heads(),
              p.queries(),
              p.valueDim());
    }
    return new Attended(out, weights);
  }

  /** {@code softmax(scale·q·kᵀ + mask + causal)} {@code [B, H, Tq, Tk]}, recorded. */
  private static Tensor compositeWeights(Tensor q, Tensor k, Tensor mask, AttentionProblem p) {
    Tensor scores;
    if (p.group() == 1) {
      scores = Linalg.matmul(q, k, false, true);
    } else {
      Tensor q5 = Shapes.reshape(q, p.batch(), p.kvHeads(), p.group(), p.queries(), p.headDim());
      scores =
          Shapes.reshape(
              Linalg.matmul(q5, Shapes.unsqueeze(k, 2), false, true),
              p.batch(),
              p.heads(),
              p.queries(),
              p.keys());
    }
    if (p.scale() != 1.0) {
      scores = scores.mul(p.scale());
    }
    if (mask != null) {
      scores = scores.add(mask);
    }
    if (p.causal()) {
      scores = scores.add(causalMask(q.backend(), q, p.queries(), p.keys()));
    }
    return NeuralOps.softmax(scores, -1);
  }

  /**
   * {@code [Tq, Tk]}: 0 where query {@code i} sees key {@code j <= i + Tk - Tq}, else {@code -∞}.
   */
  static Tensor causalMask(Backend backend, Tensor like, int tq, int tk) {
    double[] m = new double[tq * tk];
    for (int i = 0; i < tq; i++) {
      for (int j = 0; j < tk; j++) {
        m[i * tk + j] = j <= i + tk - tq ? 0.0 : Double.NEGATIVE_INFINITY;
      }
    }
    return Tensors.of(backend, like.dtype(), m, tq, tk);
  }

  /**
   * Through the backend's {@link FusedAttention}: the output is a {@code [B, H, Tq, dv]} view of a
   * {@code [B, Tq, H, dv]} tensor; its tape entry runs the fused backward (from the weights the
   * forward kept, or from the saved row log-sum-exps); the weights are the composite's, computed if
   * asked for.
   */
  private static Attended fusedAttention(
      FusedAttention fused, Tensor q, Tensor k, Tensor v, Tensor mask, AttentionProblem p) {
    boolean gradient =
        GradMode.isEnabled() && (q.requiresGrad() || k.requiresGrad() || v.requiresGrad());
    FusedRun run = FusedRun.forward(fused, q, k, v, mask, p, gradient);
    Tensor out = run.output();
    Autograd.record(
        out,
        "attention",
        new Tensor[] {q, k, v, out},
        g -> run.gradients(g, q.requiresGrad(), k.requiresGrad(), v.requiresGrad()),
        q,
        k,
        v);
    return new Attended(out, () -> compositeWeights(q, k, mask, p));
  }

  /**
   * One fused forward and what its backward needs: the output written merged as {@code [B, Tq, H,
   * dv]}, the rows' log-sum-exps, and the weights when they were kept for the backward.
   */
  private record FusedRun(
      FusedAttention fused,
      AttentionProblem p,
      Tensor q,
      Tensor k,
      Tensor v,
      Tensor mask,
      Layout maskLayout,
      Tensor merged,
      Layout outLayout,
      Tensor lse,
      Tensor weights) {

    /**
     * Runs the forward; with a gradient to come and weights small enough, it keeps them for the
     * backward (no recomputation of the scores), while long sequences stay flash-style.
     */
    static FusedRun forward(
        FusedAttention fused,
        Tensor q,
        Tensor k,
        Tensor v,
        Tensor mask,
        AttentionProblem p,
        boolean gradient) {
      Backend be = q.backend();
      int b = p.batch();
      int h = p.heads();
      int tq = p.queries();
      int dv = p.valueDim();
      Tensor merged = Tensor.allocateForOverwrite(be, Shape.of(b, tq, h, dv), q.dtype());
      Layout outLayout = headsOf(b, tq, h, dv, (long) h * dv, 0);
      Tensor lse = Tensor.allocateForOverwrite(be, Shape.of(b, h, tq), q.dtype());
      Layout maskLayout =
          mask == null ? null : Broadcast.layout(mask, Shape.of(b, h, tq, p.keys()));
      Tensor weights =
          gradient && (long) b * h * tq * p.keys() <= KEPT_WEIGHTS
              ? Tensor.allocateForOverwrite(be, Shape.of(b, h, tq, p.keys()), q.dtype())
              : null;
      fused.forward(
          p,
          q.buffer(),
          q.layout(),
          k.buffer(),
          k.layout(),
          v.buffer(),
          v.layout(),
          mask == null ? null : mask.buffer(),
          maskLayout,
          merged.buffer(),
          outLayout,
          lse.buffer(),
          weights == null ? null : weights.buffer());
      return new FusedRun(fused, p, q, k, v, mask, maskLayout, merged, outLayout, lse, weights);
    }

    /** The output {@code [B, H, Tq, dv]}: a view of {@link #merged}. */
    Tensor output() {
      return merged.view(Shape.of(p.batch(), p.heads(), p.queries(), p.valueDim()), outLayout);
    }

    /**
     * The gradients of q, k and v (contiguous, null where not wanted) for the output gradient
     * {@code g} ({@code [B, H, Tq, dv]}, any layout).
     */
    Tensor[] gradients(Tensor g, boolean wantQ, boolean wantK, boolean wantV) {
      Backend be = q.backend();
      Tensor gq = wantQ ? Tensor.allocateForOverwrite(be, q.shape(), g.dtype()) : null;
      Tensor gk = wantK ? Tensor.allocateForOverwrite(be, k.shape(), g.dtype()) : null;
      Tensor gv = wantV ? Tensor.allocateForOverwrite(be, v.shape(), g.dtype()) : null;
      fused.backward(
          p,
          q.buffer(),
          q.layout(),
          k.buffer(),
          k.layout(),
          v.buffer(),
          v.layout(),
          mask == null ? null : mask.buffer(),
          maskLayout,
          merged.buffer(),
          outLayout,
          lse.buffer(),
          weights == null ? null : weights.buffer(),
          g.buffer(),
          g.layout(),
          gq == null ? null : gq.buffer(),
          gk == null ? null : gk.buffer(),
          gv == null ? null : gv.buffer());
      return new Tensor[] {gq, gk, gv};
    }
  }

  /**
   * The {@code [B, H, T, d]} layout of heads that lie interleaved in rows of {@code rowLength}
   * elements ({@code [B, T, …]} with head {@code h}'s features at {@code offset + h·d}).
   */
  private static Layout headsOf(int b, int t, int h, int d, long rowLength, long offset) {
    return new Layout(new int[] {b, h, t, d}, new long[] {t * rowLength, d, rowLength, 1}, offset);
  }

  /**
   * Scaled dot-product attention {@code softmax(q·kᵀ·scale + mask)·v} over any leading dimensions.
   * Tensors of rank 4 ({@code [B, H, T, d]}) and rank 3 ({@code [B, T, d]}, one head) go through
   * {@link #attention} (and so a backend's fused kernel); other ranks, or leading dimensions that
   * broadcast, run the composite.
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
    AttentionOptions o =
        AttentionOptions.defaults().withScale(scale).withDropout(dropout, training, seed);
    if (q.rank() == 4 && sameLeading(q, k, v, 2) && fitsMask(mask, 4)) {
      return attention(q, k, v, o.withMask(mask));
    }
    if (q.rank() == 3 && sameLeading(q, k, v, 1) && fitsMask(mask, 3)) {
      Tensor m = mask != null && mask.rank() == 3 ? Shapes.unsqueeze(mask, 1) : mask;
      Attended a =
          attention(
              Shapes.unsqueeze(q, 1),
              Shapes.unsqueeze(k, 1),
              Shapes.unsqueeze(v, 1),
              o.withMask(m));
      return new Attended(Shapes.squeeze(a.output(), 1), () -> Shapes.squeeze(a.weights(), 1));
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

  /** Whether q, k and v have rank {@code rank + 2} and equal leading {@code rank} dimensions. */
  private static boolean sameLeading(Tensor q, Tensor k, Tensor v, int rank) {
    if (k.rank() != q.rank() || v.rank() != q.rank()) {
      return false;
    }
    for (int i = 0; i < rank; i++) {
      if (i == 1 && rank == 2) {
        continue; // heads: checked by attention (grouped-query heads may differ)
      }
      if (k.dim(i) != q.dim(i) || v.dim(i) != q.dim(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean fitsMask(Tensor mask, int rank) {
    return mask == null || mask.rank() <= rank;
  }

  /**
   * Multi-head self-attention on one packed input projection, as {@code nn.MultiheadAttention}
   * computes it between its projections: {@code qkv [B, T, 3·H·d]} is the input projection's output
   * (for every position the queries, then the keys, then the values, each {@code H} heads of {@code
   * d} features). The heads are strided views of {@code qkv} (no copy) and attend with {@link
   * #attention}; the result is the attended values with the heads merged back, {@code [B, T, H·d]},
   * and the weights {@code [B, H, T, T]}.
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
    AttentionOptions options =
        AttentionOptions.defaults().withScale(scale).withDropout(dropout, training, seed);
    Optional<FusedAttention> fused = qkv.backend().capability(FusedAttention.class);
    if (fused.isPresent() && qkv.size() > 0) {
      AttentionProblem p =
          new AttentionProblem(
              batch, heads, heads, t, t, d, d, scale, false, options.activeDropout(), seed);
      if (fused.get().supports(qkv.dtype(), p, false)) {
        return fusedSelfAttention(fused.get(), qkv, p);
      }
    }
    Tensor[] h = heads(qkv, batch, t, heads, d);
    Attended a = attention(h[0], h[1], h[2], options);
    Tensor merged = Shapes.reshape(Shapes.permute(a.output(), 0, 2, 1, 3), batch, t, e);
    return new Attended(merged, a::weights);
  }

  /** The queries, keys and values {@code [B, H, T, d]} of a packed projection, as views. */
  private static Tensor[] heads(Tensor qkv, int batch, int t, int heads, int d) {
    Tensor split = Shapes.permute(Shapes.reshape(qkv, batch, t, 3, heads, d), 2, 0, 3, 1, 4);
    return new Tensor[] {
      Shapes.select(split, 0, 0), Shapes.select(split, 0, 1), Shapes.select(split, 0, 2)
    };
  }

  /**
   * {@link #selfAttention} through the backend's {@link FusedAttention}, as one tape entry on the
   * packed projection: the kernel reads the heads where they lie in {@code qkv} and writes the
   * output merged, and the backward writes the three gradients into one packed gradient (each
   * element written once), instead of three zero-filled adjoints of the head views summed.
   */
  @SuppressWarnings("try")
  private static Attended fusedSelfAttention(FusedAttention fused, Tensor qkv, AttentionProblem p) {
    int b = p.batch();
    int t = p.queries();
    int h = p.heads();
    int d = p.headDim();
    long row = 3L * h * d;
    Tensor src = qkv;
    if (!qkv.isContiguous()) {
      try (GradMode off = GradMode.disable()) {
        src = Shapes.copy(qkv);
      }
    }
    Tensor[] views = new Tensor[3];
    for (int i = 0; i < 3; i++) {
      // the heads as plain views: the tape entry below is the projection's, not theirs
      views[i] =
          src.view(Shape.of(b, h, t, d), headsOf(b, t, h, d, row, src.offset() + (long) i * h * d));
    }
    boolean gradient = GradMode.isEnabled() && qkv.requiresGrad();
    FusedRun run = FusedRun.forward(fused, views[0], views[1], views[2], null, p, gradient);
    Tensor out = run.merged().view(Shape.of(b, t, h * d), null);
    Autograd.record(
        out,
        "selfAttention",
        new Tensor[] {qkv, out},
        g -> {
          Tensor gd = Shapes.dense(g);
          Tensor g4 = gd.view(Shape.of(b, h, t, d), headsOf(b, t, h, d, (long) h * d, 0));
          Tensor[] grads = run.gradients(g4, true, true, true);
          Tensor packed = Tensor.allocateForOverwrite(g.backend(), qkv.shape(), g.dtype());
          for (int i = 0; i < 3; i++) {
            Kernels.copy(
                g.backend(),
                grads[i].buffer(),
                grads[i].layout(),
                packed.buffer(),
                headsOf(b, t, h, d, row, (long) i * h * d));
          }
          return new Tensor[] {packed};
        },
        qkv);
    return new Attended(
        out,
        () -> {
          Tensor[] hs = heads(qkv, b, t, h, d);
          return compositeWeights(hs[0], hs[1], null, p);
        });
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
    if (weight != null) {
      Checks.sameDevice("layerNorm", x, weight);
    }
    if (bias != null) {
      Checks.sameDevice("layerNorm", x, bias);
    }
    Optional<FusedLayerNorm> fused = x.backend().capability(FusedLayerNorm.class);
    if (fused.isPresent() && fused.get().supports(x.dtype()) && d > 0 && x.size() > 0) {
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
   * Layer norm through the backend's {@link FusedLayerNorm}, on contiguous operands; the tape
   * entry's backward runs the capability's fused backward (first-order gradients only: the backward
   * itself is not recorded).
   */
  private static Tensor fusedLayerNorm(
      FusedLayerNorm fused, Tensor x, Tensor weight, Tensor bias, double eps) {
    int d = x.dim(-1);
    int rows = (int) (x.size() / d);
    Tensor xd = Shapes.dense(x);
    Tensor wd = weight == null ? null : Shapes.dense(weight);
    Tensor bd = bias == null ? null : Shapes.dense(bias);
    Tensor y = Tensor.allocateForOverwrite(x.backend(), x.shape(), x.dtype());
    Tensor mean = Tensor.allocateForOverwrite(x.backend(), Shape.of(rows), x.dtype());
    Tensor rstd = Tensor.allocateForOverwrite(x.backend(), Shape.of(rows), x.dtype());
    fused.forward(
        xd.buffer(),
        wd == null ? null : wd.buffer(),
        bd == null ? null : bd.buffer(),
        rows,
        d,
        eps,
        y.buffer(),
        mean.buffer(),
        rstd.buffer());
    return Autograd.record(
        y,
        "layerNorm",
        new Tensor[] {xd, wd},
        g -> {
          Tensor gd = Shapes.dense(g);
          Tensor gx = Tensor.allocateForOverwrite(g.backend(), x.shape(), g.dtype());
          Tensor gw =
              weight != null && weight.requiresGrad()
                  ? Tensor.allocateForOverwrite(g.backend(), weight.shape(), g.dtype())
                  : null;
          Tensor gb =
              bias != null && bias.requiresGrad()
                  ? Tensor.allocateForOverwrite(g.backend(), bias.shape(), g.dtype())
                  : null;
          fused.backward(
              gd.buffer(),
              xd.buffer(),
              wd == null ? null : wd.buffer(),
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
}
