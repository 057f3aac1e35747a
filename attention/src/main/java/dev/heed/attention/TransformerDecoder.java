package dev.heed.attention;

import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stack of {@link TransformerDecoderLayer}s as {@code nn.TransformerDecoder(layer, num_layers,
 * norm)}: parameters {@code layers.<i>.<name>} and, with a final norm, {@code norm.weight} and
 * {@code norm.bias}. Every layer reads the same memory with the same masks.
 */
final class TransformerDecoder implements MemoryLayer, StepLayer, AttentionWeightsSource {
  private final List<TransformerDecoderLayer> layers;
  private final LayerNorm norm;
  private final int features;
  private final int memoryFeatures;

  TransformerDecoder(
      EncoderOptions o,
      int features,
      int memoryFeatures,
      int count,
      boolean finalNorm,
      BuildContext ctx) {
    List<TransformerDecoderLayer> l = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      l.add(new TransformerDecoderLayer(o, features, memoryFeatures, ctx));
    }
    this.layers = List.copyOf(l);
    this.norm = finalNorm ? new LayerNorm(features, o.eps(), true, ctx) : null;
    this.features = features;
    this.memoryFeatures = memoryFeatures;
  }

  @Override
  public int memoryFeatures() {
    return memoryFeatures;
  }

  @Override
  public Tensor forward(
      Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
    TransformerDecoderLayer.check(target, memory, features, memoryFeatures);
    Tensor x = target;
    for (TransformerDecoderLayer layer : layers) {
      x = layer.forward(x, memory, targetMask, memoryMask, ctx);
    }
    return norm == null ? x : norm.forward(x, ctx);
  }

  /** Each layer's steps in turn, then the final norm. */
  @Override
  public Steps startSteps(Tensor memory, Tensor memoryMask, int capacity, ForwardContext ctx) {
    List<Steps> steps = new ArrayList<>();
    for (TransformerDecoderLayer layer : layers) {
      steps.add(layer.startSteps(memory, memoryMask, capacity, ctx));
    }
    return new Steps() {
      @Override
      public Tensor step(Tensor x, int position, ForwardContext c) {
        for (Steps s : steps) {
          x = s.step(x, position, c);
        }
        return norm == null ? x : norm.forward(x, c);
      }

      @Override
      public void reorder(Tensor rows) {
        steps.forEach(s -> s.reorder(rows));
      }
    };
  }

  /** The cross-attention weights of the last layer of the stack. */
  @Override
  public Tensor lastAttentionWeights() {
    return layers.isEmpty() ? null : layers.getLast().lastAttentionWeights();
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      String prefix = "layers." + i + ".";
      layers.get(i).namedParameters().forEach((k, p) -> m.put(prefix + k, p));
    }
    if (norm != null) {
      norm.namedParameters().forEach((k, p) -> m.put("norm." + k, p));
    }
    return m;
  }
}
