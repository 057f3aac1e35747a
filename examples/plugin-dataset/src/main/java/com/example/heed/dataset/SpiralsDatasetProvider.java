package com.example.heed.dataset;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;

/**
 * The {@code spirals} data set: {@code arms} interleaved spirals in the plane, one class per arm
 * (the "two spirals" problem for {@code arms: 2}). Configs name it by {@code data.type: spirals};
 * the other keys of {@code data} are the options below, validated against this schema when the
 * config is loaded.
 */
public final class SpiralsDatasetProvider implements DatasetProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("examples", 1000, "how many points, dealt to the arms in turn")
              .range(1, 10_000_000),
          OptionSpec.integer("arms", 2, "spiral arms, one class each").range(2, 16),
          OptionSpec.number("turns", 1.5, "turns of each arm from the centre to radius 1")
              .range(0.1, 10),
          OptionSpec.number("noise", 0.02, "standard deviation of the Gaussian noise on x and y")
              .range(0, 1));

  /** Cheap; for ServiceLoader. */
  public SpiralsDatasetProvider() {}

  @Override
  public String name() {
    return "spirals";
  }

  @Override
  public String description() {
    return "interleaved spirals in the plane, one class per arm, generated from the run seed";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  /**
   * The data set; nothing is generated until it is read. Fewer examples than arms would leave a
   * class without a point, which the schema cannot say, so it is refused here, naming the option.
   */
  @Override
  public Dataset create(Options options, DataContext ctx) {
    String owner = "data set '" + name() + "'";
    Options o = SCHEMA.check(owner, options);
    Spirals spirals =
        new Spirals(
            o.getInt("examples"),
            o.getInt("arms"),
            o.getDouble("turns"),
            o.getDouble("noise"),
            ctx.seed());
    if (spirals.examples() < spirals.arms()) {
      throw new OptionsException(
          "examples",
          owner
              + " option 'examples': found "
              + spirals.examples()
              + " for "
              + spirals.arms()
              + " arms; expected at least one example per arm");
    }
    return spirals;
  }
}
