package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * {@code lr = eta_min + (base - eta_min)·(1 + cos(π·t/t_max))/2}, as {@code
 * torch.optim.lr_scheduler.CosineAnnealingLR} (past t_max the cosine continues, as there).
 */
public final class CosineScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public CosineScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.integer(
                "t_max", null, "half period: steps or epochs from the base rate to eta_min")
            .range(1, Integer.MAX_VALUE),
        OptionSpec.number("eta_min", 0.0, "minimum learning rate").range(0, Double.MAX_VALUE));
  }

  @Override
  public String name() {
    return "cosine";
  }

  @Override
  public List<String> aliases() {
    return List.of("CosineAnnealingLR", "cosine-annealing");
  }

  @Override
  public String description() {
    return "cosine annealing from the base rate to eta_min over t_max (torch CosineAnnealingLR)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    int period = o.getInt("t_max");
    double min = o.getDouble("eta_min");
    return (base, t) -> min + (base - min) * (1 + Math.cos(Math.PI * t / period)) / 2;
  }
}
