package dev.heed.assembly.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finished epoch.
 *
 * @param epoch the epoch (1-based)
 * @param trainLoss the mean training loss over the epoch's examples
 * @param validationLoss the mean validation loss, or NaN without validation data
 * @param metrics further metrics by name: {@code val_accuracy} (classification), {@code val_mae}
 *     (regression)
 * @param elapsedMillis training time since the run began (including earlier, resumed parts)
 */
public record EpochEvent(
    int epoch,
    double trainLoss,
    double validationLoss,
    Map<String, Double> metrics,
    long elapsedMillis) {

  /** Copies preserving order. */
  public EpochEvent {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }
}
