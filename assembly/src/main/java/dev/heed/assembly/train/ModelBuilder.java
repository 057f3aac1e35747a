package dev.heed.assembly.train;

import dev.heed.assembly.config.LayerConfig;
import dev.heed.assembly.config.ModelConfig;
import dev.heed.assembly.config.PluginRef;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionLayer;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.Initializer;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Sequential;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Builds the {@link Sequential} a {@code model} section describes from the providers the injector
 * holds (by canonical name). A dense layer's activation becomes a layer of its own, as in PyTorch,
 * so parameters are named as PyTorch's {@code nn.Sequential} names the same model: {@code
 * Sequential(Linear(10, 10), Tanh(), Linear(10, 5))} has {@code 0.weight}, {@code 0.bias}, {@code
 * 2.weight}, {@code 2.bias}. Stateless apart from its provider maps.
 *
 * @param activations activation providers by name
 * @param attentionUnits attention unit providers by name
 * @param layers layer providers by name
 * @param initializers initializer providers by name
 */
public record ModelBuilder(
    Map<String, ActivationProvider> activations,
    Map<String, AttentionUnitProvider> attentionUnits,
    Map<String, LayerProvider> layers,
    Map<String, InitializerProvider> initializers) {

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
        features = add(l, features, ctx, out);
      } catch (IllegalArgumentException e) {
        String where =
            e instanceof OptionsException o && o.option() != null && !o.option().isEmpty()
                ? path + (l instanceof LayerConfig.Attention ? ".unit." : ".") + o.option()
                : path;
        throw located.apply(where, e);
      }
    }
    return new Sequential(out);
  }

  /** Adds the layers of {@code l} to {@code out}; the width of their output. */
  private int add(LayerConfig l, int features, BuildContext ctx, List<Layer> out) {
    switch (l) {
      case LayerConfig.Dense d -> {
        out.add(
            new Dense(
                features,
                d.units(),
                null,
                d.bias(),
                initializer(d.weightInit()),
                initializer(d.biasInit()),
                ctx));
        if (d.activation() != null) {
          ActivationProvider p = provider(activations, d.activation());
          out.add(p.create(options(p, d.activation()), ctx));
          if (p.name().equals("glu")) {
            // glu halves the feature axis (the loader allows it no other)
            return d.units() / 2;
          }
        }
        return d.units();
      }
      case LayerConfig.Attention a -> {
        AttentionUnitProvider p = provider(attentionUnits, a.unit());
        out.add(
            new AttentionLayer(p.create(options(p, a.unit()), AttentionSpec.self(features), ctx)));
        return features;
      }
      case LayerConfig.Plugin p -> {
        LayerProvider lp = layers.get(p.type());
        if (lp == null) {
          throw new IllegalStateException("no layer provider '" + p.type() + "' is bound");
        }
        Options o = lp.options().resolve("layer '" + p.type() + "'", p.options());
        out.add(lp.create(o, features, ctx));
        return lp.outputFeatures(o, features);
      }
    }
  }

  private Initializer initializer(PluginRef ref) {
    if (ref == null) {
      return null;
    }
    InitializerProvider p = provider(initializers, ref);
    return p.create(options(p, ref));
  }

  private static <P extends Provider> P provider(Map<String, P> map, PluginRef ref) {
    P p = map.get(ref.name());
    if (p == null) {
      throw new IllegalStateException(
          "no " + ref.kind() + " provider '" + ref.name() + "' is bound; bound: " + map.keySet());
    }
    return p;
  }

  /** The options of {@code ref} resolved against {@code p}'s schema. */
  public static Options options(Provider p, PluginRef ref) {
    return p.options().resolve(ref.kind() + " '" + ref.name() + "'", ref.options());
  }
}
