package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Reduce-on-plateau driven by the validation metric the trainer passes after each epoch, with the
 * options and defaults of {@code torch.optim.lr_scheduler.ReduceLROnPlateau}.
 */
public final class PlateauScheduleProvider implements ScheduleProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.choice(
              "mode",
              "min",
              "whether the metric should go down ('min') or up ('max')",
              "min",
              "max"),
          OptionSpec.number("factor", 0.1, "multiplier of the rate on a plateau (< 1)")
              .range(0, 0.999999999),
          OptionSpec.integer("patience", 10, "bad epochs tolerated before the rate is reduced")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.number("threshold", 1e-4, "how much better counts as an improvement")
              .range(0, Double.MAX_VALUE),
          OptionSpec.choice(
              "threshold_mode",
              "rel",
              "threshold relative to the best ('rel') or absolute ('abs')",
              "rel",
              "abs"),
          OptionSpec.integer(
                  "cooldown", 0, "epochs after a reduction in which bad epochs don't count")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.number("min_lr", 0.0, "lower bound of the rate").range(0, Double.MAX_VALUE),
          OptionSpec.number("eps", 1e-8, "smallest change of the rate that is applied")
              .range(0, Double.MAX_VALUE));

  /** Cheap; for ServiceLoader. */
  public PlateauScheduleProvider() {}

  @Override
  public String name() {
    return "reduce-on-plateau";
  }

  @Override
  public List<String> aliases() {
    return List.of("ReduceLROnPlateau", "plateau");
  }

  @Override
  public String description() {
    return "divide the rate when the validation metric stops improving (torch ReduceLROnPlateau)";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Schedule create(Options options) {
    String owner = "schedule '" + name() + "'";
    Options o = SCHEMA.check(owner, options);
    return new PlateauSchedule(
        owner,
        o.getString("mode").equals("max"),
        o.getString("threshold_mode").equals("rel"),
        o.getDouble("factor"),
        o.getInt("patience"),
        o.getDouble("threshold"),
        o.getInt("cooldown"),
        o.getDouble("min_lr"),
        o.getDouble("eps"));
  }
}
