package dev.heed.optimizers;

import dev.heed.core.optim.ScheduleProvider;
import dev.heed.optimizers.schedules.PlateauScheduleProvider;
import dev.heed.testkit.ScheduleContract;
import java.util.Map;

/**
 * {@code reduce-on-plateau} meets the testkit's schedule contract: the contract's metric stops
 * improving half way, so with patience 2 the rate is cut before the state is saved and after.
 */
class PlateauScheduleContractTest extends ScheduleContract {
  @Override
  protected ScheduleProvider provider() {
    return new PlateauScheduleProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("patience", 2, "factor", 0.5);
  }
}
