package dev.heed.assembly.api;

/**
 * What a training call is about to do.
 *
 * @param startEpoch the first epoch this call runs (1-based; greater than 1 when resuming)
 * @param maxEpochs the last epoch it may run
 * @param stepsPerEpoch mini-batches per epoch
 * @param trainExamples training examples
 * @param validationExamples validation examples
 * @param backend the backend's name
 * @param seed the run's seed
 */
public record TrainingPlan(
    int startEpoch,
    int maxEpochs,
    int stepsPerEpoch,
    long trainExamples,
    long validationExamples,
    String backend,
    long seed) {}
