package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;

/** Inverted dropout as {@code nn.Dropout}: see {@link Dropout}. */
public final class DropoutProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("p", 0.5, "probability of zeroing an element in training").range(0, 1));

  /** Cheap; for ServiceLoader. */
  public DropoutProvider() {}

  @Override
  public String name() {
    return "dropout";
  }

  @Override
  public String description() {
    return "inverted dropout in training, as nn.Dropout";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    double p = o.getDouble("p");
    if (!(p >= 0 && p < 1)) {
      throw new OptionsException(
          "p", owner + " option 'p': found " + p + ", expected a number in [0, 1)");
    }
    return new Dropout(p);
  }
}
