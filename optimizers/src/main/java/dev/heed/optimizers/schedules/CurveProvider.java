package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.ArrayList;
import java.util.List;

/** What the closed-form schedules share: their options plus {@code interval}, and the factory. */
abstract class CurveProvider implements ScheduleProvider {
  private final OptionsSchema schema;

  CurveProvider(Interval defaultInterval, OptionSpec... options) {
    List<OptionSpec> all = new ArrayList<>(List.of(options));
    all.add(Interval.option(defaultInterval));
    schema = new OptionsSchema(all);
  }

  /** The curve for resolved {@code options}, checked beyond the schema. */
  abstract CurveSchedule.Curve curve(Options options, String owner);

  @Override
  public final OptionsSchema options() {
    return schema;
  }

  @Override
  public final Schedule create(Options options) {
    String owner = "schedule '" + name() + "'";
    Options resolved = schema.check(owner, options);
    return new CurveSchedule(owner, Interval.of(resolved), curve(resolved, owner));
  }

  /** An {@link OptionsException} for {@code option} saying what was found and what is right. */
  static OptionsException bad(String owner, String option, Object found, String expected) {
    return new OptionsException(
        option, owner + " option '" + option + "': found " + found + ", expected " + expected);
  }
}
