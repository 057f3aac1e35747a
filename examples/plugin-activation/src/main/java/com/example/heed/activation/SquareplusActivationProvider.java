package com.example.heed.activation;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.Objects;

/**
 * Squareplus (Barron 2021, arXiv:2112.11687), a smooth ReLU built from algebra only: {@code (x +
 * sqrt(x² + b)) / 2}. With {@code b = 0} it is ReLU; the default {@code b = 4} makes it close to
 * softplus.
 *
 * <p>A provider is cheap to construct (the registry builds every provider to read its name),
 * immutable and thread-safe; the work happens in {@link #create}.
 */
public final class SquareplusActivationProvider implements ActivationProvider {

  /** Public and without arguments, for {@code ServiceLoader}. */
  public SquareplusActivationProvider() {}

  @Override
  public String name() {
    return "squareplus";
  }

  @Override
  public String description() {
    return "squareplus (x + sqrt(x^2 + b))/2, a smooth ReLU (Barron 2021)";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("b", 4.0, "curvature near 0; 0 gives ReLU")
            .range(0, Double.POSITIVE_INFINITY));
  }

  @Override
  public Activation create(Options options, BuildContext ctx) {
    Objects.requireNonNull(options, "options");
    // the registry resolved the options once against options(); check they are this schema's
    Options resolved = options().check("activation 'squareplus'", options);
    return new Squareplus(resolved.getDouble("b"));
  }
}
