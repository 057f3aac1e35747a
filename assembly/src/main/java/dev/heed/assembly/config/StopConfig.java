package dev.heed.assembly.config;

/**
 * {@code training.stop}: when training ends besides {@code training.epochs}.
 *
 * @param targetLoss stop when the monitored loss is at most this, or null
 * @param targetMetric {@code val_accuracy}, {@code val_mae}, {@code val_loss}, {@code loss}, or
 *     null
 * @param targetValue the value {@code targetMetric} must reach, or null
 * @param patience epochs without improvement before stopping, 0 for off
 * @param minDelta the least decrease that counts as improvement
 * @param timeBudgetSeconds training time after which to stop, 0 for off
 */
public record StopConfig(
    Double targetLoss,
    String targetMetric,
    Double targetValue,
    int patience,
    double minDelta,
    double timeBudgetSeconds) {}
