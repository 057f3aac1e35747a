package dev.heed.attention;

import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.PyTorchInit;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multi-head attention with PyTorch's {@code nn.MultiheadAttention(E, num_heads, bias, kdim, vdim,
 * batch_first=True)} semantics and parameter layout.
 *
 * <p>Shapes: query {@code [B, Tq, E]} ({@code E = queryDim}), key {@code [B, Tk, kdim]}, value
 * {@code [B, Tk, vdim]}; output {@code [B, Tq, E]}; weights averaged over the heads {@code [B, Tq,
 * Tk]} (PyTorch's {@code average_attn_weights=True}) or per head {@code [B, H, Tq, Tk]}. The
 * weights returned are those before attention dropout. A mask is additive and broadcastable to
 * {@code [B, Tq, Tk]} (applied to every head) or to {@code [B, H, Tq, Tk]}.
 *
 * <p>Parameters, in {@code state_dict} order: {@code in_proj_weight [3E, E]} when {@code kdim =
 * vdim = E}, else {@code q_proj_weight [E, E]}, {@code k_proj_weight [E, kdim]}, {@code
 * v_proj_weight [E, vdim]}; with {@code bias}: {@code in_proj_bias [3E]}; {@code out_proj.weight
 * [E, E]}; with bias: {@code out_proj.bias [E]}. Initialised as PyTorch does: Xavier-uniform
 * projections, zero biases, {@code out_proj.weight} uniform on {@code ±1/√E}.
 */
final class MultiHeadAttention implements AttentionUnit {
  static final String NAME = "multi-head attention";
  private final AttentionSpec spec;
  private final int heads;
  private final int headDim;
  private final boolean averageWeights;
  private final double dropout;
  private final Parameter inProjWeight;
  private final Parameter qProjWeight;
  private final Parameter kProjWeight;
  private final Parameter vProjWeight;
  private final Parameter inProjBias;
  private final Parameter outProjWeight;
  private final Parameter outProjBias;

  MultiHeadAttention(
      AttentionSpec spec,
      int heads,
      boolean bias,
      double dropout,
      boolean averageWeights,
      BuildContext ctx) {
    int e = spec.queryDim();
    this.spec = spec;
    this.heads = heads;
    this.headDim = e / heads;
    this.dropout = dropout;
    this.averageWeights = averageWeights;
    boolean packed = spec.keyDim() == e && spec.valueDim() == e;
    if (packed) {
      inProjWeight =
          Parameter.create(ctx, Shape.of(3 * e, e), Inits.xavierUniform(), new Fan(e, 3 * e));
      qProjWeight = null;
      kProjWeight = null;
      vProjWeight = null;
    } else {
      inProjWeight = null;
      qProjWeight = Parameter.create(ctx, Shape.of(e, e), Inits.xavierUniform(), new Fan(e, e));
      kProjWeight =
          Parameter.create(
              ctx, Shape.of(e, spec.keyDim()), Inits.xavierUniform(), new Fan(spec.keyDim(), e));
      vProjWeight =
          Parameter.create(
              ctx,
              Shape.of(e, spec.valueDim()),
              Inits.xavierUniform(),
              new Fan(spec.valueDim(), e));
    }
    inProjBias = bias ? Parameter.create(ctx, Shape.of(3 * e), Inits.constant(0), null) : null;
    outProjWeight = Parameter.create(ctx, Shape.of(e, e), PyTorchInit.linear(), new Fan(e, e));
    outProjBias = bias ? Parameter.create(ctx, Shape.of(e), Inits.constant(0), null) : null;
  }

  @Override
  public AttentionResult attend(
      Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext ctx) {
    boolean headMask = mask != null && mask.rank() == 4;
    SequenceInputs in = SequenceInputs.of(NAME, spec, query, key, value, headMask ? null : mask);
    int e = spec.queryDim();
    int batch = in.query().dim(0);
    int tq = in.query().dim(1);
    int tk = in.key().dim(1);
    Tensor m = in.mask();
    if (headMask) {
      Shape scores = Shape.of(batch, heads, tq, tk);
      if (!Shape.broadcast(NAME + " mask", mask.shape(), scores).equals(scores)) {
        throw new IllegalArgumentException(
            NAME
                + ": a per-head mask "
                + mask.shape()
                + " must broadcast to [batch, heads, queries, keys] = "
                + scores);
      }
      m = mask;
    } else if (m != null && m.rank() == 3) {
      m = Shapes.unsqueeze(m, 1);
    }
    boolean drop = dropout > 0 && ctx.training();
    Tensor merged;
    AttentionOps.Attended a;
    if (inProjWeight != null && m == null && query == key && key == value) {
      // self-attention: one product with the whole in-projection, then the heads attend where
      // they lie in it (AttentionOps.selfAttention takes them as strided views and merges the
      // output back, fused when the backend can); the same values as the three projections below
      Tensor qkv =
          Linalg.linear(
              in.query(), inProjWeight.value(), inProjBias == null ? null : inProjBias.value());
      a =
          AttentionOps.selfAttention(
              qkv, heads, 1.0 / Math.sqrt(headDim), dropout, drop, drop ? ctx.nextSeed() : 0);
      merged = a.output();
    } else {
      Tensor q = project(in.query(), 0, qProjWeight);
      Tensor k = project(in.key(), 1, kProjWeight);
      Tensor v = project(in.value(), 2, vProjWeight);
      a =
          AttentionOps.scaledDotProduct(
              split(q, batch, tq),
              split(k, batch, tk),
              split(v, batch, tk),
              m,
              1.0 / Math.sqrt(headDim),
              dropout,
              drop,
              drop ? ctx.nextSeed() : 0);
      merged = Shapes.reshape(Shapes.permute(a.output(), 0, 2, 1, 3), batch, tq, e);
    }
    Tensor out =
        Linalg.linear(
            merged, outProjWeight.value(), outProjBias == null ? null : outProjBias.value());
    AttentionOps.Attended attended = a;
    // the weights are computed only if someone asks for them (a fused kernel does not write them)
    return AttentionResult.lazy(
        in.restore(out),
        () -> {
          Tensor weights = attended.weights();
          if (averageWeights) {
            return in.restore(Reductions.mean(weights, 1, false));
          }
          return in.singleQuery() ? Shapes.squeeze(weights, 2) : weights;
        });
  }

  /**
   * The keys and values of {@code key} and {@code value} ({@code [B, T, kdim]}, {@code [B, T,
   * vdim]}) projected and split into heads, {@code [B, H, T, E/H]} each: what {@link #attend}
   * computes from them, kept so that a decoder projects them once.
   */
  Tensor[] keysValues(Tensor key, Tensor value) {
    int batch = key.dim(0);
    int time = key.dim(1);
    return new Tensor[] {
      split(project(key, 1, kProjWeight), batch, time),
      split(project(value, 2, vProjWeight), batch, time)
    };
  }

  /**
   * The output {@code [B, Tq, E]} of {@code query} ({@code [B, Tq, E]}) attending over keys and
   * values that {@link #keysValues} made, as {@link #attend} would give it over the unprojected
   * ones (without dropout: for inference).
   *
   * @param mask null, or additive {@code [B, Tq or 1, Tk]} or {@code [B, H or 1, Tq, Tk]}
   */
  Tensor attendProjected(Tensor query, Tensor keys, Tensor values, Tensor mask) {
    int batch = query.dim(0);
    int tq = query.dim(1);
    Tensor q = split(project(query, 0, qProjWeight), batch, tq);
    Tensor m = mask != null && mask.rank() == 3 ? Shapes.unsqueeze(mask, 1) : mask;
    AttentionOps.Attended a =
        AttentionOps.scaledDotProduct(q, keys, values, m, 1.0 / Math.sqrt(headDim), 0, false, 0);
    Tensor merged =
        Shapes.reshape(Shapes.permute(a.output(), 0, 2, 1, 3), batch, tq, spec.queryDim());
    return Linalg.linear(
        merged, outProjWeight.value(), outProjBias == null ? null : outProjBias.value());
  }

  /** Projects {@code x} with the {@code part}-th (q, k, v) block of the input projection. */
  private Tensor project(Tensor x, int part, Tensor separate) {
    int e = spec.queryDim();
    Tensor w =
        separate != null
            ? separate
            : Shapes.slice(inProjWeight.value(), 0, part * e, (part + 1) * e);
    Tensor b =
        inProjBias == null ? null : Shapes.slice(inProjBias.value(), 0, part * e, (part + 1) * e);
    return Linalg.linear(x, w, b);
  }

  private Tensor project(Tensor x, int part, Parameter separate) {
    return project(x, part, separate == null ? null : separate.value());
  }

  /** {@code [B, T, E]} to {@code [B, H, T, E/H]}. */
  private Tensor split(Tensor x, int batch, int time) {
    return Shapes.permute(Shapes.reshape(x, batch, time, heads, headDim), 0, 2, 1, 3);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    if (inProjWeight != null) {
      m.put("in_proj_weight", inProjWeight);
    } else {
      m.put("q_proj_weight", qProjWeight);
      m.put("k_proj_weight", kProjWeight);
      m.put("v_proj_weight", vProjWeight);
    }
    if (inProjBias != null) {
      m.put("in_proj_bias", inProjBias);
    }
    m.put("out_proj.weight", outProjWeight);
    if (outProjBias != null) {
      m.put("out_proj.bias", outProjBias);
    }
    return m;
  }

  /** The number of heads. */
  int heads() {
    return heads;
  }

  @Override
  public String toString() {
    return "MultiHeadAttention(" + spec + ", " + heads + " heads)";
  }
}
