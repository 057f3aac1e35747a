package dev.heed.assembly.config;

/**
 * {@code training}.
 *
 * @param epochs the most epochs
 * @param batchSize examples per mini-batch
 * @param validationSplit the fraction held out for validation
 * @param shuffle whether training examples are shuffled every epoch
 * @param stop the stopping rule
 * @param clipGradNorm the largest global L2 norm of the gradients (rescaled above it), or null
 * @param clipGradValue the largest absolute gradient element (clamped above it), or null
 * @param accumulate mini-batches whose gradients are summed into one optimizer step (1: none); a
 *     step over {@code accumulate} batches of {@code batchSize} equals one over a batch {@code
 *     accumulate} times larger
 * @param replicas data-parallel replicas of the model on threads; each takes an equal share of
 *     every mini-batch and their gradients are summed in replica order (1: one thread)
 * @param replay whether a step whose shapes repeat is captured and then replayed (the same kernels
 *     on the same buffers, without per-operation cost; the results are the eager ones), where the
 *     step allows it
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double validationSplit,
    boolean shuffle,
    StopConfig stop,
    Double clipGradNorm,
    Double clipGradValue,
    int accumulate,
    int replicas,
    boolean replay) {

  /** Replay on. */
  public TrainingConfig(
      int epochs,
      int batchSize,
      double validationSplit,
      boolean shuffle,
      StopConfig stop,
      Double clipGradNorm,
      Double clipGradValue,
      int accumulate,
      int replicas) {
    this(
        epochs,
        batchSize,
        validationSplit,
        shuffle,
        stop,
        clipGradNorm,
        clipGradValue,
        accumulate,
        replicas,
        true);
  }

  /** No accumulation, one replica. */
  public TrainingConfig(
      int epochs,
      int batchSize,
      double validationSplit,
      boolean shuffle,
      StopConfig stop,
      Double clipGradNorm,
      Double clipGradValue) {
    this(epochs, batchSize, validationSplit, shuffle, stop, clipGradNorm, clipGradValue, 1, 1);
  }

  /** Examples per optimizer step: {@code batchSize × accumulate}. */
  public long examplesPerStep() {
    return (long) batchSize * accumulate;
  }
}
