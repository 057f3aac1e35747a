package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * {@code lr = base·(1 - min(t, total_iters)/total_iters)^power}, as {@code
 * torch.optim.lr_scheduler.PolynomialLR}.
 */
public final class PolynomialScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public PolynomialScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.integer("total_iters", 5, "steps or epochs until the rate reaches 0")
            .range(1, Integer.MAX_VALUE),
        OptionSpec.number("power", 1.0, "power of the polynomial").range(0, Double.MAX_VALUE));
  }

  @Override
  public String name() {
    return "polynomial";
  }

  @Override
  public List<String> aliases() {
    return List.of("PolynomialLR");
  }

  @Override
  public String description() {
    return "the rate decayed as (1 - t/total_iters)^power to 0 (torch PolynomialLR)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    int total = o.getInt("total_iters");
    double power = o.getDouble("power");
    return (base, t) -> base * Math.pow(1.0 - (double) Math.min(t, total) / total, power);
  }
}
