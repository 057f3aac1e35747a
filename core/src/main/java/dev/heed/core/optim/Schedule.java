package dev.heed.core.optim;

import java.util.Map;

/**
 * A learning-rate schedule: sets the optimizer's learning rates as training advances. The trainer
 * calls {@link #start} once, {@link #afterStep} after every optimizer step and {@link #afterEpoch}
 * after every epoch (with the monitored validation metric, for reduce-on-plateau). Step and epoch
 * numbers are absolute (counted from the start of the run, resumed runs included), so a schedule
 * follows whichever clock its options choose and ignores the other call. Not thread-safe.
 *
 * <p>Resuming: build the schedule from the same options, then call {@link #loadState} and {@link
 * #start} in either order; the optimizer then has the rates of the saved position, and the next
 * {@code afterStep}/{@code afterEpoch} continue from there.
 */
public interface Schedule {

  /**
   * Records the optimizer's current learning rates as the base rates (unless a loaded state holds
   * them) and applies the rates of the current position: step 0 for a fresh schedule.
   */
  void start(Optimizer optimizer);

  /** Called after optimizer step number {@code step} (1 for the first step). */
  void afterStep(Optimizer optimizer, long step);

  /**
   * Called after epoch number {@code epoch} (1 for the first) with the monitored metric, or NaN
   * when there is no validation data.
   */
  void afterEpoch(Optimizer optimizer, int epoch, double metric);

  /** The schedule's state (position, base rates, counters, best metric) for checkpoints. */
  Map<String, Double> state();

  /**
   * Restores a state saved by {@link #state()}; after {@link #start} it also re-applies the rates.
   *
   * @throws IllegalArgumentException when an entry is missing or does not fit this schedule
   */
  void loadState(Map<String, Double> state);
}
