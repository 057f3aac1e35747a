package dev.heed.assembly.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a training run ended.
 *
 * @param runDir the run directory
 * @param epochs epochs completed in total
 * @param stopReason why it stopped: {@code target loss 0.01 reached}, {@code target val_accuracy
 *     0.95 reached}, {@code max epochs}, {@code patience}, {@code time budget}
 * @param history every epoch, first to last (including resumed parts)
 * @param attention attention weights of a few validation examples, when the model has an attention
 *     layer
 */
public record TrainResult(
    Path runDir,
    int epochs,
    String stopReason,
    List<EpochEvent> history,
    Optional<AttentionSample> attention) {

  /** Copies. */
  public TrainResult {
    history = List.copyOf(history);
  }
}
