package dev.heed.cli;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops training between two steps when asked (Ctrl-C), so the run directory keeps its last
 * complete checkpoint: a shutdown hook calls {@link #request()} and waits for {@link #finished()};
 * the next event throws {@link Stopped}, which unwinds the trainer outside any checkpoint write.
 * Until then it passes every event to the listener it wraps.
 */
final class GracefulStop implements TrainingListener {
  private final TrainingListener delegate;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean requested;

  /** Thrown from a training event once a stop was requested. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("training interrupted", null, false, false);
    }
  }

  GracefulStop(TrainingListener delegate) {
    this.delegate = delegate;
  }

  /** Asks training to stop at the next event. */
  void request() {
    requested = true;
  }

  /** Whether a stop was requested. */
  boolean requested() {
    return requested;
  }

  /** Says that training returned (normally or not). */
  void finished() {
    done.countDown();
  }

  /** Waits until training returned, at most {@code millis}; true if it did. */
  boolean awaitFinished(long millis) {
    try {
      return done.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void check() {
    if (requested) {
      throw new Stopped();
    }
  }

  @Override
  public void onStart(TrainingPlan plan) {
    check();
    delegate.onStart(plan);
  }

  @Override
  public void onStep(StepEvent event) {
    check();
    delegate.onStep(event);
  }

  @Override
  public void onEpoch(EpochEvent event) {
    delegate.onEpoch(event);
    check();
  }

  @Override
  public void onEnd(TrainResult result) {
    delegate.onEnd(result);
  }
}
