package dev.heed.activations;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.Objects;

/**
 * Randomized leaky ReLU, as {@code torch.nn.RReLU}: {@code x} for {@code x > 0}, else {@code a·x}.
 * In training each element draws its slope {@code a} uniformly from {@code [lower, upper)} (a new
 * stream from {@link dev.heed.core.nn.ForwardContext#nextSeed()} on every forward pass); in
 * evaluation the slope is the mean {@code (lower + upper)/2}. At 0 the derivative is the slope, as
 * in PyTorch.
 */
public final class RreluActivationProvider implements ActivationProvider {

  /** Cheap; for ServiceLoader. */
  public RreluActivationProvider() {}

  @Override
  public String name() {
    return "rrelu";
  }

  @Override
  public String description() {
    return "randomized leaky ReLU: slope ~ U(lower, upper) in training, the mean in evaluation,"
        + " as torch.nn.RReLU";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("lower", 1.0 / 8, "lower bound of the random negative slope"),
        OptionSpec.number("upper", 1.0 / 3, "upper bound of the random negative slope"));
  }

  @Override
  public Activation create(Options options, BuildContext ctx) {
    Objects.requireNonNull(options, "options");
    Options resolved = options().check("activation 'rrelu'", options);
    double lower = resolved.getDouble("lower");
    double upper = resolved.getDouble("upper");
    if (upper < lower) {
      throw new OptionsException(
          "upper",
          "activation 'rrelu' option 'upper': found "
              + upper
              + ", expected at least lower = "
              + lower);
    }
    return new RreluActivation(resolved, lower, upper);
  }
}
