package dev.heed.attention;

import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.KeptTensors;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A transformer decoder layer as {@code nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward,
 * dropout, activation, layer_norm_eps, batch_first=True, norm_first, bias)}: self-attention over
 * the target (causal unless {@code causal} is false), cross-attention from the target over a
 * memory, and a feed-forward block.
 *
 * <pre>
 * post-norm: x = norm1(x + sa(x));  x = norm2(x + mha(x, mem));  x = norm3(x + ff(x))
 * pre-norm:  x = x + sa(norm1(x));  x = x + mha(norm2(x), mem);  x = x + ff(norm3(x))
 * </pre>
 *
 * <p>Target and output {@code [B, T, d_model]}, memory {@code [B, S, memory_features]} (PyTorch
 * requires {@code memory_features = d_model}; a different width gives the cross-attention separate
 * {@code q_proj_weight}, {@code k_proj_weight}, {@code v_proj_weight}). Parameter names as
 * PyTorch's: {@code self_attn.*}, {@code multihead_attn.*}, {@code linear1.*}, {@code linear2.*},
 * {@code norm1.*}, {@code norm2.*}, {@code norm3.*}.
 */
final class TransformerDecoderLayer implements MemoryLayer, StepLayer, AttentionWeightsSource {
  // the causal masks of the sizes seen, kept so that a forward pass uploads nothing
  private final KeptTensors<CausalMask> causalMasks = new KeptTensors<>();
  private final int features;
  private final int memoryFeatures;
  private final MultiHeadAttention selfAttn;
  private final MultiHeadAttention crossAttn;
  private final FeedForward ff;
  private final LayerNorm norm1;
  private final LayerNorm norm2;
  private final LayerNorm norm3;
  private final double dropout;
  private final boolean normFirst;
  private final boolean causal;
  private AttentionResult lastCross;

  TransformerDecoderLayer(EncoderOptions o, int features, int memoryFeatures, BuildContext ctx) {
    this.features = features;
    this.memoryFeatures = memoryFeatures;
    this.selfAttn =
        new MultiHeadAttention(
            AttentionSpec.self(features), o.heads(), o.bias(), o.dropout(), true, ctx);
    this.crossAttn =
        new MultiHeadAttention(
            new AttentionSpec(features, memoryFeatures, memoryFeatures),
            o.heads(),
            o.bias(),
            o.dropout(),
            true,
            ctx);
    this.ff =
        new FeedForward(
            features,
            o.feedForward(),
            o.activation().provider().create(o.activation().options(), ctx),
            o.dropout(),
            o.bias(),
            ctx);
    this.norm1 = new LayerNorm(features, o.eps(), true, ctx);
    this.norm2 = new LayerNorm(features, o.eps(), true, ctx);
    this.norm3 = new LayerNorm(features, o.eps(), true, ctx);
    this.dropout = o.dropout();
    this.normFirst = o.normFirst();
    this.causal = o.causal();
  }

  @Override
  public int memoryFeatures() {
    return memoryFeatures;
  }

  @Override
  public Tensor forward(
      Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
    check(target, memory, features, memoryFeatures);
    Tensor m = targetMask;
    if (causal) {
      int t = target.dim(1);
      m =
          AttentionMasks.combine(
              m,
              causalMasks.get(
                  new CausalMask(target.backend(), target.dtype(), t),
                  () -> AttentionMasks.causal(target.backend(), target.dtype(), t, t)));
    }
    Tensor x = target;
    if (normFirst) {
      x = x.add(selfAttention(norm1.forward(x, ctx), m, ctx));
      x = x.add(crossAttention(norm2.forward(x, ctx), memory, memoryMask, ctx));
      x = x.add(Dropouts.apply(ff.forward(norm3.forward(x, ctx), ctx), dropout, ctx));
    } else {
      x = norm1.forward(x.add(selfAttention(x, m, ctx)), ctx);
      x = norm2.forward(x.add(crossAttention(x, memory, memoryMask, ctx)), ctx);
      x = norm3.forward(x.add(Dropouts.apply(ff.forward(x, ctx), dropout, ctx)), ctx);
    }
    return x;
  }

  /**
   * Step-by-step decoding: the memory's cross-attention keys and values projected once, the
   * self-attention keys and values of the positions fed so far kept in a preallocated {@code [B, H,
   * capacity, d]} pair that each step writes one row of. A step's query attends over all held
   * positions, which is what the causal mask lets the last position of the full forward see.
   */
  @Override
  public Steps startSteps(Tensor memory, Tensor memoryMask, int capacity, ForwardContext ctx) {
    if (memory == null || memory.rank() != 3 || memory.dim(2) != memoryFeatures) {
      throw new IllegalArgumentException(
          "transformer decoder: expected the memory [batch, time, memory features "
              + memoryFeatures
              + "], got "
              + (memory == null ? "none" : memory.shape().toString()));
    }
    return new CachedSteps(memory, memoryMask, capacity);
  }

  /** One batch's self-attention cache and projected memory. */
  private final class CachedSteps implements Steps {
    private final Tensor keys;
    private final Tensor values;
    private final Tensor crossKeys;
    private final Tensor crossValues;
    private final Tensor memoryMask;
    private int length;

    CachedSteps(Tensor memory, Tensor memoryMask, int capacity) {
      int heads = selfAttn.heads();
      Shape shape = Shape.of(memory.dim(0), heads, capacity, features / heads);
      this.keys = Tensors.zeros(memory.backend(), shape, memory.dtype());
      this.values = Tensors.zeros(memory.backend(), shape, memory.dtype());
      Tensor[] kv = crossAttn.keysValues(memory, memory);
      this.crossKeys = kv[0];
      this.crossValues = kv[1];
      this.memoryMask = memoryMask;
    }

    @Override
    public Tensor step(Tensor x, int position, ForwardContext ctx) {
      if (x.rank() != 3 || x.dim(1) != 1 || x.dim(2) != features || x.dim(0) != keys.dim(0)) {
        throw new IllegalArgumentException(
            "transformer decoder step: expected one position [batch "
                + keys.dim(0)
                + ", 1, "
                + features
                + "], got "
                + x.shape());
      }
      if (position != length || position >= keys.dim(2)) {
        throw new IllegalStateException(
            "transformer decoder step: position "
                + position
                + " after "
                + length
                + " held positions of a cache for "
                + keys.dim(2));
      }
      if (normFirst) {
        x = x.add(selfStep(norm1.forward(x, ctx), ctx));
        x = x.add(crossStep(norm2.forward(x, ctx), ctx));
        x = x.add(Dropouts.apply(ff.forward(norm3.forward(x, ctx), ctx), dropout, ctx));
      } else {
        x = norm1.forward(x.add(selfStep(x, ctx)), ctx);
        x = norm2.forward(x.add(crossStep(x, ctx)), ctx);
        x = norm3.forward(x.add(Dropouts.apply(ff.forward(x, ctx), dropout, ctx)), ctx);
      }
      return x;
    }

    private Tensor selfStep(Tensor x, ForwardContext ctx) {
      Tensor[] kv = selfAttn.keysValues(x, x);
      Elementwise.assign(Shapes.slice(keys, 2, length, length + 1), kv[0]);
      Elementwise.assign(Shapes.slice(values, 2, length, length + 1), kv[1]);
      length++;
      Tensor out =
          selfAttn.attendProjected(
              x, Shapes.slice(keys, 2, 0, length), Shapes.slice(values, 2, 0, length), null);
      return Dropouts.apply(out, dropout, ctx);
    }

    private Tensor crossStep(Tensor x, ForwardContext ctx) {
      return Dropouts.apply(
          crossAttn.attendProjected(x, crossKeys, crossValues, memoryMask), dropout, ctx);
    }

    @Override
    public void reorder(Tensor rows) {
      Elementwise.assign(keys, NeuralOps.indexSelect(keys, 0, rows));
      Elementwise.assign(values, NeuralOps.indexSelect(values, 0, rows));
    }
  }

  /** Checks a decoder's target {@code [B, T, d]} and memory {@code [B, S, m]}. */
  static void check(Tensor target, Tensor memory, int features, int memoryFeatures) {
    if (target.rank() != 3 || target.dim(2) != features) {
      throw new IllegalArgumentException(
          "transformer decoder: expected the target [batch, time, "
              + features
              + "], got "
              + target.shape());
    }
    if (memory == null
        || memory.rank() != 3
        || memory.dim(2) != memoryFeatures
        || memory.dim(0) != target.dim(0)) {
      throw new IllegalArgumentException(
          "transformer decoder: expected the memory [batch "
              + target.dim(0)
              + ", time, memory features "
              + memoryFeatures
              + "], got "
              + (memory == null ? "none" : memory.shape().toString()));
    }
  }

  private Tensor selfAttention(Tensor x, Tensor mask, ForwardContext ctx) {
    return Dropouts.apply(selfAttn.attend(x, x, x, mask, ctx).output(), dropout, ctx);
  }

  private Tensor crossAttention(Tensor x, Tensor memory, Tensor mask, ForwardContext ctx) {
    AttentionResult r = crossAttn.attend(x, memory, memory, mask, ctx);
    lastCross = r;
    return Dropouts.apply(r.output(), dropout, ctx);
  }

  /**
   * The cross-attention weights {@code [B, T, S]} (averaged over heads) of the last call, or null:
   * which source positions each target position read.
   */
  @Override
  public Tensor lastAttentionWeights() {
    return lastCross == null ? null : lastCross.weights();
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    selfAttn.namedParameters().forEach((k, p) -> m.put("self_attn." + k, p));
    crossAttn.namedParameters().forEach((k, p) -> m.put("multihead_attn." + k, p));
    m.putAll(ff.namedParameters());
    norm1.namedParameters().forEach((k, p) -> m.put("norm1." + k, p));
    norm2.namedParameters().forEach((k, p) -> m.put("norm2." + k, p));
    norm3.namedParameters().forEach((k, p) -> m.put("norm3." + k, p));
    return m;
  }
}
