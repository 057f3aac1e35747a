package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * {@code lr = base·gamma^(number of milestones <= t)}, as {@code
 * torch.optim.lr_scheduler.MultiStepLR}.
 */
public final class MultiStepScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public MultiStepScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.numbers("milestones", null, 0, "increasing steps or epochs, e.g. [30, 80]"),
        OptionSpec.number("gamma", 0.1, "multiplicative factor of the decay")
            .range(0, Double.MAX_VALUE));
  }

  @Override
  public String name() {
    return "multi-step";
  }

  @Override
  public List<String> aliases() {
    return List.of("MultiStepLR");
  }

  @Override
  public String description() {
    return "the rate times gamma at each milestone (torch MultiStepLR)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    long[] milestones = Milestones.parse(owner, "milestones", o.getNumbers("milestones"));
    double gamma = o.getDouble("gamma");
    return (base, t) -> base * Math.pow(gamma, Milestones.passed(milestones, t));
  }
}
