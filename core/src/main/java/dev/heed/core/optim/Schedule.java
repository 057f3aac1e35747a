package dev.heed.core.optim;

import java.util.Map;

/**
 * A learning-rate schedule: sets the optimizer's learning rates as training advances. The trainer
 * calls {@link #start} once, {@link #afterStep} after every optimizer step and {@link #afterEpoch}
 * after every epoch (with the monitored validation metric, for reduce-on-plateau). Not thread-safe.
 */
public interface Schedule {

  /** Records the optimizer's current learning rates as the base rates and applies step 0. */
  void start(Optimizer optimizer);

  /** Called after optimizer step number {@code step} (1 for the first step). */
  void afterStep(Optimizer optimizer, long step);

  /**
   * Called after epoch number {@code epoch} (1 for the first) with the monitored metric, or NaN
   * when there is no validation data.
   */
  void afterEpoch(Optimizer optimizer, int epoch, double metric);

  /** The schedule's state (counters, best metric) for checkpoints. */
  Map<String, Double> state();

  /** Restores a state saved by {@link #state()}. */
  void loadState(Map<String, Double> state);
}
