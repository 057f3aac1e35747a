package dev.heed.assembly.train;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.config.StopConfig;
import java.util.Locale;

/**
 * The stopping rule of {@code training.stop} and {@code training.epochs}, checked after every epoch
 * in this order: target loss, target metric, patience, time budget, max epochs. Stateless; the
 * patience memory lives in {@link TrainerState}.
 */
public final class StopRule {
  private final StopConfig stop;
  private final int maxEpochs;

  /**
   * @param stop the rule
   * @param maxEpochs {@code training.epochs}
   */
  public StopRule(StopConfig stop, int maxEpochs) {
    this.stop = stop;
    this.maxEpochs = maxEpochs;
  }

  /**
   * The outcome after {@code e}.
   *
   * @param bestLoss the best validation loss before {@code e}
   * @param badEpochs epochs without improvement before {@code e}
   * @return the new patience memory and the stop reason (null to go on)
   */
  public Decision check(EpochEvent e, double bestLoss, int badEpochs) {
    double best = bestLoss;
    int bad = badEpochs;
    if (!Double.isNaN(e.validationLoss())) {
      if (e.validationLoss() < bestLoss - stop.minDelta()) {
        best = e.validationLoss();
        bad = 0;
      } else {
        bad++;
      }
    }
    return new Decision(best, bad, reason(e, bad));
  }

  /**
   * Why the run stops after {@code e} under this rule, or null to go on; {@code badEpochs} already
   * counts {@code e}. A resumed run asks again with its last epoch, since its config may have
   * changed since it stopped (more epochs, a lower target).
   */
  public String reason(EpochEvent e, int badEpochs) {
    double monitored = Double.isNaN(e.validationLoss()) ? e.trainLoss() : e.validationLoss();
    int bad = badEpochs;
    String reason = null;
    if (stop.targetLoss() != null && monitored <= stop.targetLoss()) {
      reason = "target loss " + fmt(stop.targetLoss()) + " reached";
    } else if (stop.targetMetric() != null && metricReached(e)) {
      reason = "target " + stop.targetMetric() + " " + fmt(stop.targetValue()) + " reached";
    } else if (stop.patience() > 0 && bad >= stop.patience()) {
      reason = "patience";
    } else if (stop.timeBudgetSeconds() > 0
        && e.elapsedMillis() >= stop.timeBudgetSeconds() * 1000) {
      reason = "time budget";
    } else if (e.epoch() >= maxEpochs) {
      reason = "max epochs";
    }
    return reason;
  }

  private boolean metricReached(EpochEvent e) {
    double v =
        switch (stop.targetMetric()) {
          case "loss" -> e.trainLoss();
          case "val_loss" -> e.validationLoss();
          default -> e.metrics().getOrDefault(stop.targetMetric(), Double.NaN);
        };
    if (Double.isNaN(v)) {
      return false;
    }
    return stop.targetMetric().endsWith("accuracy")
        ? v >= stop.targetValue()
        : v <= stop.targetValue();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }

  /**
   * @param bestLoss the best validation loss so far
   * @param badEpochs epochs since it improved
   * @param reason why to stop, or null
   */
  public record Decision(double bestLoss, int badEpochs, String reason) {}
}
