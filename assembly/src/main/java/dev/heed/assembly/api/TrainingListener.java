package dev.heed.assembly.api;

/**
 * Hears how training goes: progress bars, logs, plots. Called on the training thread; a listener
 * that throws stops training (the last checkpoint stays valid, so the run can be resumed).
 */
public interface TrainingListener {

  /** Before the first epoch of this call (also when resuming). */
  default void onStart(TrainingPlan plan) {}

  /** After every optimizer step. */
  default void onStep(StepEvent event) {}

  /** After every epoch, once its checkpoint is written. */
  default void onEpoch(EpochEvent event) {}

  /** When training ends. */
  default void onEnd(TrainResult result) {}
}
