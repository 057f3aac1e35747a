package dev.heed.optimizers;

import dev.heed.core.optim.ScheduleProvider;
import dev.heed.optimizers.schedules.CosineScheduleProvider;
import dev.heed.testkit.ScheduleContract;
import java.util.Map;

/** {@code cosine} (per step) meets the testkit's schedule contract. */
class CosineScheduleContractTest extends ScheduleContract {
  @Override
  protected ScheduleProvider provider() {
    return new CosineScheduleProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("t_max", 40, "eta_min", 0.001);
  }
}
