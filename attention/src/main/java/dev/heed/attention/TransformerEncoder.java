package dev.heed.attention;

import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stack of {@link TransformerEncoderLayer}s as {@code nn.TransformerEncoder(layer, num_layers,
 * norm)}: parameters {@code layers.<i>.<name>} and, with a final norm, {@code norm.weight} and
 * {@code norm.bias}. The mask reaches every layer. Input and output {@code [B, T, d_model]}.
 */
final class TransformerEncoder implements MaskedLayer, AttentionWeightsSource {
  private final List<TransformerEncoderLayer> layers;
  private final LayerNorm norm;

  TransformerEncoder(
      EncoderOptions o, int features, int count, boolean finalNorm, BuildContext ctx) {
    List<TransformerEncoderLayer> l = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      l.add(new TransformerEncoderLayer(o, features, ctx));
    }
    this.layers = List.copyOf(l);
    this.norm = finalNorm ? new LayerNorm(features, o.eps(), true, ctx) : null;
  }

  @Override
  public Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    Tensor x = input;
    for (TransformerEncoderLayer layer : layers) {
      x = layer.forward(x, mask, ctx);
    }
    return norm == null ? x : norm.forward(x, ctx);
  }

  /** The attention weights of the last layer of the stack. */
  @Override
  public Tensor lastAttentionWeights() {
    return layers.isEmpty() ? null : layers.getLast().lastAttentionWeights();
  }

  /** The layers. */
  List<TransformerEncoderLayer> layers() {
    return layers;
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
