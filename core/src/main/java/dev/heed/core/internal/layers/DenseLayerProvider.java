package dev.heed.core.internal.layers;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.Initializer;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Sequential;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * {@code type: dense}: PyTorch's {@code nn.Linear} followed by an optional activation plugin. With
 * an activation the layer is a {@link Sequential} of the two, which the model builder lays out as
 * two layers, as {@code nn.Sequential(Linear(10, 10), Tanh(), …)} numbers them ({@code 0.weight},
 * then the next linear layer at {@code 2.weight}).
 */
public final class DenseLayerProvider implements LayerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("units", null, "output features").range(1, Integer.MAX_VALUE),
          OptionSpec.plugin("activation", "activation", null, "applied after (none if unset)")
              .optional(),
          OptionSpec.bool("bias", true, "whether the layer has a bias"),
          OptionSpec.plugin(
                  "weight_init",
                  "initializer",
                  null,
                  "initializer of the weight (default: nn.Linear's uniform ±1/√in)")
              .optional(),
          OptionSpec.plugin(
                  "bias_init",
                  "initializer",
                  null,
                  "initializer of the bias (default: nn.Linear's uniform ±1/√in)")
              .optional());

  /** Cheap; for ServiceLoader. */
  public DenseLayerProvider() {}

  @Override
  public String name() {
    return "dense";
  }

  @Override
  public String description() {
    return "a fully connected layer, PyTorch's nn.Linear plus an optional activation";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Layer create(Options options, int inputFeatures, BuildContext ctx) {
    SCHEMA.check("layer 'dense'", options);
    Dense dense =
        new Dense(
            inputFeatures,
            options.getInt("units"),
            null,
            options.getBoolean("bias"),
            initializer(options.getPlugin("weight_init", InitializerProvider.class)),
            initializer(options.getPlugin("bias_init", InitializerProvider.class)),
            ctx);
    Configured<ActivationProvider> a = options.getPlugin("activation", ActivationProvider.class);
    if (a == null) {
      return dense;
    }
    return new Sequential(List.of(dense, a.provider().create(a.options(), ctx)));
  }

  @Override
  public int outputFeatures(Options options, int inputFeatures) {
    int units = options.getInt("units");
    Configured<ActivationProvider> a = options.getPlugin("activation", ActivationProvider.class);
    // glu halves its axis; the config loader allows it only on the features
    return a != null && a.name().equals("glu") ? units / 2 : units;
  }

  private static Initializer initializer(Configured<InitializerProvider> ref) {
    return ref == null ? null : ref.provider().create(ref.options());
  }
}
