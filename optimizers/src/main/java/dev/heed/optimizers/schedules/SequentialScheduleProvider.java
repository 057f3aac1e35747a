package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Schedules in sequence, as {@code torch.optim.lr_scheduler.SequentialLR}: {@code schedules} lists
 * them as {@code name(key=value, …)} separated by {@code ;} (see the README), {@code milestones}
 * says when each next one starts.
 */
public final class SequentialScheduleProvider implements ScheduleProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.string(
              "schedules",
              null,
              "the schedules, e.g. \"linear(start_factor=0.1, total_iters=5); cosine(t_max=95)\""),
          OptionSpec.numbers(
              "milestones", null, 0, "the times at which the next schedule starts, e.g. [5]"),
          Interval.option(Interval.EPOCH));

  /** Cheap; for ServiceLoader. */
  public SequentialScheduleProvider() {}

  @Override
  public String name() {
    return "sequential";
  }

  @Override
  public List<String> aliases() {
    return List.of("SequentialLR");
  }

  @Override
  public String description() {
    return "run schedules one after another, switching at milestones (torch SequentialLR)";
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
    List<ScheduleSpecs.Spec> specs =
        ScheduleSpecs.parse(owner, "schedules", o.getString("schedules"));
    long[] milestones = Milestones.parse(owner, "milestones", o.getNumbers("milestones"));
    if (milestones.length != specs.size() - 1) {
      throw new OptionsException(
          "milestones",
          owner
              + " option 'milestones': "
              + specs.size()
              + " schedules need "
              + (specs.size() - 1)
              + " milestones, found "
              + milestones.length
              + " ("
              + Milestones.text(o.getNumbers("milestones"))
              + ")");
    }
    List<Schedule> schedules = new ArrayList<>();
    for (ScheduleSpecs.Spec spec : specs) {
      schedules.add(ScheduleSpecs.create(owner, "schedules", spec, interval));
    }
    return new SequentialSchedule(owner, interval, schedules, milestones);
  }
}
