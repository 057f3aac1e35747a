package dev.heed.assembly.config;

/**
 * {@code training}.
 *
 * @param epochs the most epochs
 * @param batchSize examples per mini-batch
 * @param validationSplit the fraction held out for validation
 * @param shuffle whether training examples are shuffled every epoch
 * @param stop the stopping rule
 */
public record TrainingConfig(
    int epochs, int batchSize, double validationSplit, boolean shuffle, StopConfig stop) {}
