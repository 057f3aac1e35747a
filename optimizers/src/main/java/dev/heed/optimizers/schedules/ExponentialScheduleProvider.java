package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/** {@code lr = base·gamma^t}, as {@code torch.optim.lr_scheduler.ExponentialLR}. */
public final class ExponentialScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public ExponentialScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.number("gamma", null, "multiplicative factor of the decay")
            .range(0, Double.MAX_VALUE));
  }

  @Override
  public String name() {
    return "exponential";
  }

  @Override
  public List<String> aliases() {
    return List.of("ExponentialLR");
  }

  @Override
  public String description() {
    return "the rate times gamma every step or epoch (torch ExponentialLR)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    double gamma = o.getDouble("gamma");
    return (base, t) -> base * Math.pow(gamma, t);
  }
}
