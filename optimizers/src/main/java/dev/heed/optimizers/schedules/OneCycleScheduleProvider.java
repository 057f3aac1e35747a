package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * The 1cycle policy (Smith and Topin 2018), as {@code torch.optim.lr_scheduler.OneCycleLR} with
 * {@code cycle_momentum=False}: from {@code max_lr/div_factor} up to {@code max_lr} over the first
 * {@code pct_start} of {@code total_steps}, then down to {@code max_lr/(div_factor·
 * final_div_factor)} (three_phase: back to the initial rate first, then down). {@code max_lr} 0
 * takes each group's configured rate as its peak. The cycle covers steps 0 to total_steps - 1; past
 * its end the rate stays at the last value (PyTorch fails there). Momentum is not cycled: Heed's
 * optimizers do not expose it to schedules.
 */
public final class OneCycleScheduleProvider implements ScheduleProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number(
                  "max_lr", 0.0, "peak learning rate; 0 takes each group's configured rate")
              .range(0, Double.MAX_VALUE),
          OptionSpec.integer("total_steps", 0, "length of the cycle; 0: epochs × steps_per_epoch")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.integer("epochs", 0, "epochs, when total_steps is 0")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.integer("steps_per_epoch", 0, "steps per epoch, when total_steps is 0")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.number("pct_start", 0.3, "fraction of the cycle spent increasing the rate")
              .range(0, 1),
          OptionSpec.choice("anneal_strategy", "cos", "annealing curve", "cos", "linear"),
          OptionSpec.number("div_factor", 25.0, "initial rate = max_lr / div_factor")
              .range(Double.MIN_VALUE, Double.MAX_VALUE),
          OptionSpec.number(
                  "final_div_factor", 1e4, "minimum rate = initial rate / final_div_factor")
              .range(Double.MIN_VALUE, Double.MAX_VALUE),
          OptionSpec.bool(
              "three_phase", false, "third phase: back to the initial rate, then to the minimum"),
          Interval.option(Interval.STEP));

  /** Cheap; for ServiceLoader. */
  public OneCycleScheduleProvider() {}

  @Override
  public String name() {
    return "one-cycle";
  }

  @Override
  public List<String> aliases() {
    return List.of("OneCycleLR", "1cycle");
  }

  @Override
  public String description() {
    return "the 1cycle policy: warm up to max_lr, then anneal far below (torch OneCycleLR)";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Schedule create(Options options) {
    String owner = "schedule '" + name() + "'";
    Options o = SCHEMA.check(owner, options);
    long total = o.getInt("total_steps");
    if (total == 0) {
      total = (long) o.getInt("epochs") * o.getInt("steps_per_epoch");
      if (total == 0) {
        throw new OptionsException(
            "total_steps",
            owner
                + " needs the length of the cycle: option 'total_steps' > 0, or both 'epochs' and"
                + " 'steps_per_epoch' > 0");
      }
    }
    long lastStep = total - 1;
    double maxLr = o.getDouble("max_lr");
    double pct = o.getDouble("pct_start");
    boolean cos = o.getString("anneal_strategy").equals("cos");
    double div = o.getDouble("div_factor");
    double finalDiv = o.getDouble("final_div_factor");
    // phase ends as PyTorch computes them: [end_step, start (0 initial, 1 max, 2 min), end]
    double[][] phases =
        o.getBoolean("three_phase")
            ? new double[][] {
              {pct * total - 1, 0, 1}, {2 * pct * total - 2, 1, 0}, {total - 1, 0, 2}
            }
            : new double[][] {{pct * total - 1, 0, 1}, {total - 1, 1, 2}};
    return new CurveSchedule(
        owner,
        Interval.of(o),
        (base, time) -> {
          long t = Math.min(time, lastStep);
          double peak = maxLr > 0 ? maxLr : base;
          double[] levels = {peak / div, peak, peak / div / finalDiv};
          double start = 0;
          for (int i = 0; i < phases.length; i++) {
            double end = phases[i][0];
            if (t <= end || i == phases.length - 1) {
              double fraction = (t - start) / (end - start);
              double from = levels[(int) phases[i][1]];
              double to = levels[(int) phases[i][2]];
              return cos
                  ? to + (from - to) / 2.0 * (Math.cos(Math.PI * fraction) + 1)
                  : (to - from) * fraction + from;
            }
            start = end;
          }
          throw new AssertionError("unreachable");
        });
  }
}
