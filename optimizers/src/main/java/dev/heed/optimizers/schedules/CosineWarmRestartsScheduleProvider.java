package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * Cosine annealing with warm restarts (Loshchilov and Hutter 2017, SGDR): the i-th cycle lasts
 * {@code t_0·t_mult^i} and runs {@code eta_min + (base - eta_min)·(1 + cos(π·t_cur/t_i))/2}, as
 * {@code torch.optim.lr_scheduler.CosineAnnealingWarmRestarts} stepped once per unit.
 */
public final class CosineWarmRestartsScheduleProvider extends CurveProvider {
  /** Cheap; for ServiceLoader. */
  public CosineWarmRestartsScheduleProvider() {
    super(
        Interval.EPOCH,
        OptionSpec.integer("t_0", null, "length of the first cycle").range(1, Integer.MAX_VALUE),
        OptionSpec.integer("t_mult", 1, "factor by which each cycle is longer than the last")
            .range(1, Integer.MAX_VALUE),
        OptionSpec.number("eta_min", 0.0, "minimum learning rate").range(0, Double.MAX_VALUE));
  }

  @Override
  public String name() {
    return "cosine-warm-restarts";
  }

  @Override
  public List<String> aliases() {
    return List.of("CosineAnnealingWarmRestarts", "sgdr");
  }

  @Override
  public String description() {
    return "cosine annealing restarted every t_0·t_mult^i (SGDR, torch CosineAnnealingWarmRestarts)";
  }

  @Override
  CurveSchedule.Curve curve(Options o, String owner) {
    int first = o.getInt("t_0");
    int mult = o.getInt("t_mult");
    double min = o.getDouble("eta_min");
    return (base, t) -> {
      long cycle = first;
      long cur = t;
      while (cur >= cycle) {
        cur -= cycle;
        cycle *= mult;
      }
      return min + (base - min) * (1 + Math.cos(Math.PI * cur / cycle)) / 2;
    };
  }
}
