package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers applied in order. Parameters are named {@code <index>.<name>} as in PyTorch's {@code
 * nn.Sequential}.
 */
public final class Sequential implements Layer {
  private final List<Layer> layers;

  /** The given layers, applied first to last. */
  public Sequential(List<? extends Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = input;
    for (Layer l : layers) {
      x = l.forward(x, ctx);
    }
    return x;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      String prefix = i + ".";
      layers.get(i).namedParameters().forEach((k, v) -> m.put(prefix + k, v));
    }
    return m;
  }

  @Override
  public Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      String prefix = i + ".";
      layers.get(i).namedBuffers().forEach((k, v) -> m.put(prefix + k, v));
    }
    return m;
  }

  /** The layers. */
  public List<Layer> layers() {
    return layers;
  }
}
