package dev.heed.assembly.train;

import dev.heed.assembly.config.LayerConfig;
import dev.heed.assembly.config.ModelConfig;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.nn.Sequential;
import dev.heed.core.plugin.OptionsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Builds the {@link Sequential} a {@code model} section describes from the layer providers the
 * injector holds (by canonical name), handing each the options the config loader resolved. A layer
 * made as a {@link Sequential} (a dense layer with its activation) is laid out as its layers, as in
 * PyTorch, so parameters are named as PyTorch's {@code nn.Sequential} names the same model: {@code
 * Sequential(Linear(10, 10), Tanh(), Linear(10, 5))} has {@code 0.weight}, {@code 0.bias}, {@code
 * 2.weight}, {@code 2.bias}. Stateless apart from its provider map.
 *
 * @param layers layer providers by name
 */
public record ModelBuilder(Map<String, LayerProvider> layers) {

  /** The model; its parameters are created on {@code ctx}'s backend, seeded by {@code ctx}. */
  public Sequential build(ModelConfig model, BuildContext ctx) {
    return build(model, ctx, (path, e) -> e);
  }

  /**
   * {@link #build(ModelConfig, BuildContext)}, passing a layer's refusal of its options or input
   * ({@link IllegalArgumentException}) through {@code located} with the layer's config path ({@code
   * model.layers[i]}, or the option's path when an {@link OptionsException} names one).
   */
  public Sequential build(
      ModelConfig model,
      BuildContext ctx,
      BiFunction<String, IllegalArgumentException, RuntimeException> located) {
    List<Layer> out = new ArrayList<>();
    int features = model.inputs();
    for (int i = 0; i < model.layers().size(); i++) {
      LayerConfig l = model.layers().get(i);
      String path = "model.layers[" + i + "]";
      try {
        LayerProvider p = layers.get(l.type());
        if (p == null) {
          throw new IllegalStateException(
              "no layer provider '" + l.type() + "' is bound; bound: " + layers.keySet());
        }
        Layer layer = p.create(l.options(), features, ctx);
        if (layer instanceof MemoryLayer) {
          throw new IllegalArgumentException(
              "layer '"
                  + l.type()
                  + "' reads a second input (an encoder's output) besides the layer before it;"
                  + " model.layers feeds each layer only the one before it. Use it as the decoder"
                  + " part of an encoder-decoder model (dev.heed.core.nn.EncoderDecoder)");
        }
        if (layer instanceof Sequential s) {
          out.addAll(s.layers());
        } else {
          out.add(layer);
        }
        features = p.outputFeatures(l.options(), features);
      } catch (IllegalArgumentException e) {
        String where =
            e instanceof OptionsException o && o.option() != null && !o.option().isEmpty()
                ? path + "." + o.option()
                : path;
        throw located.apply(where, e);
      }
    }
    return new Sequential(out);
  }
}
