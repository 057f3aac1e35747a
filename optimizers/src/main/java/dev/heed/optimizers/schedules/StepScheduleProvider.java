package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/** {@code lr = base·gamma^⌊t / step_size⌋}, as {@code torch.optim.lr_scheduler.StepLR}. */
public final class StepScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public StepScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.integer("step_size", null, "period of the decay").range(1, Integer.MAX_VALUE),
        OptionSpec.number("gamma", 0.1, "multiplicative factor of the decay")
            .range(0, Double.MAX_VALUE));
  }

  @Override
  public String name() {
    return "step";
  }

  @Override
  public List<String> aliases() {
    return List.of("StepLR");
  }

  @Override
  public String description() {
    return "the rate times gamma every step_size steps or epochs (torch StepLR)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    int size = o.getInt("step_size");
    double gamma = o.getDouble("gamma");
    return (base, t) -> base * Math.pow(gamma, Math.floorDiv(t, size));
  }
}
