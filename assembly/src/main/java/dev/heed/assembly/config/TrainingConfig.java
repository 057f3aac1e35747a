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
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double validationSplit,
    boolean shuffle,
    StopConfig stop,
    Double clipGradNorm,
    Double clipGradValue) {}
