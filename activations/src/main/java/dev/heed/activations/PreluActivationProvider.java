package dev.heed.activations;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensors;
import java.util.Objects;

/**
 * Parametric ReLU with a learnable slope, as {@code torch.nn.PReLU}: {@code x} for {@code x > 0},
 * else {@code weight·x}. The slope is a parameter named {@code weight} of shape {@code
 * [num_parameters]}, initialised to {@code init}; with more than one it applies per channel along
 * axis 1 (which must have {@code num_parameters} elements). At 0 the input derivative is the slope
 * and the slope's derivative is 0·g, as in PyTorch.
 */
public final class PreluActivationProvider implements ActivationProvider {

  /** Cheap; for ServiceLoader. */
  public PreluActivationProvider() {}

  @Override
  public String name() {
    return "prelu";
  }

  @Override
  public String description() {
    return "parametric ReLU x if x > 0 else weight*x with a learnable slope, as torch.nn.PReLU";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.integer("num_parameters", 1, "number of slopes: 1, or the channels of axis 1")
            .range(1, Integer.MAX_VALUE),
        OptionSpec.number("init", 0.25, "initial value of every slope"));
  }

  @Override
  public Activation create(Options options, BuildContext ctx) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(ctx, "ctx");
    Options resolved = options().check("activation 'prelu'", options);
    int n = resolved.getInt("num_parameters");
    double init = resolved.getDouble("init");
    Parameter weight =
        new Parameter(
            Scope.outside(() -> Tensors.full(ctx.backend(), Shape.of(n), ctx.dtype(), init)));
    return new PreluActivation(resolved, weight);
  }
}
