package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * A linear warm-up in front of any other schedule: the rate climbs from {@code base·start_factor}
 * to {@code base} over {@code warmup_steps}, then the schedule named by {@code then} starts from
 * the base rates (it counts from its own start). The same as PyTorch's {@code
 * SequentialLR([LinearLR(start_factor, 1, warmup_steps), then], [warmup_steps])}.
 */
public final class WarmupScheduleProvider implements ScheduleProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("warmup_steps", null, "length of the warm-up (in interval units)")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.number("start_factor", 0.0, "multiplier of the base rate at the start")
              .range(0, 1),
          OptionSpec.string(
              "then",
              "constant",
              "the schedule after the warm-up as name(key=value, ...), e.g. \"cosine(t_max=1000)\""),
          Interval.option(Interval.STEP));

  /** Cheap; for ServiceLoader. */
  public WarmupScheduleProvider() {}

  @Override
  public String name() {
    return "warmup";
  }

  @Override
  public List<String> aliases() {
    return List.of("linear-warmup");
  }

  @Override
  public String description() {
    return "linear warm-up from start_factor·lr to lr, then any other schedule";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Schedule create(Options options) {
    String owner = "schedule '" + name() + "'";
    Options o = SCHEMA.check(owner, options);
    Interval interval = Interval.of(o);
    int steps = o.getInt("warmup_steps");
    double start = o.getDouble("start_factor");
    List<ScheduleSpecs.Spec> then = ScheduleSpecs.parse(owner, "then", o.getString("then"));
    if (then.size() != 1) {
      throw new OptionsException(
          "then",
          owner
              + " option 'then': names "
              + then.size()
              + " schedules, expected one; compose several with 'sequential'");
    }
    Schedule ramp =
        new CurveSchedule(
            owner,
            interval,
            (base, t) -> base * (start + (1 - start) * Math.min(t, steps) / steps));
    Schedule after = ScheduleSpecs.create(owner, "then", then.get(0), interval);
    return new SequentialSchedule(owner, interval, List.of(ramp, after), new long[] {steps});
  }
}
