package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * {@code lr = base·(start + (end - start)·min(t, total_iters)/total_iters)}, as {@code
 * torch.optim.lr_scheduler.LinearLR}.
 */
public final class LinearScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public LinearScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.number("start_factor", 1.0 / 3, "multiplier of the base rate at the start")
            .range(0, 1),
        OptionSpec.number("end_factor", 1.0, "multiplier of the base rate from total_iters on")
            .range(0, 1),
        OptionSpec.integer("total_iters", 5, "length of the ramp").range(0, Integer.MAX_VALUE));
  }

  @Override
  public String name() {
    return "linear";
  }

  @Override
  public List<String> aliases() {
    return List.of("LinearLR");
  }

  @Override
  public String description() {
    return "the rate from base·start_factor to base·end_factor linearly over total_iters (torch LinearLR)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    double start = o.getDouble("start_factor");
    double end = o.getDouble("end_factor");
    int total = o.getInt("total_iters");
    return (base, t) ->
        base * (total == 0 ? end : start + (end - start) * Math.min(t, total) / total);
  }
}
