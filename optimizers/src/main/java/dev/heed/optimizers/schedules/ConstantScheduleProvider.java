package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * {@code lr = base·factor} while {@code t < total_iters}, then {@code base}, as {@code
 * torch.optim.lr_scheduler.ConstantLR}; factor defaults to 1 (a constant rate) where PyTorch has
 * 1/3.
 */
public final class ConstantScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public ConstantScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.number("factor", 1.0, "multiplier of the base rate until total_iters")
            .range(0, 1),
        OptionSpec.integer("total_iters", 5, "how long the factor applies")
            .range(0, Integer.MAX_VALUE));
  }

  @Override
  public String name() {
    return "constant";
  }

  @Override
  public List<String> aliases() {
    return List.of("ConstantLR");
  }

  @Override
  public String description() {
    return "the base rate times factor for total_iters, then the base rate (torch ConstantLR)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    double factor = o.getDouble("factor");
    int total = o.getInt("total_iters");
    return (base, t) -> base * (factor + (t >= total ? 1 : 0) * (1 - factor));
  }
}
