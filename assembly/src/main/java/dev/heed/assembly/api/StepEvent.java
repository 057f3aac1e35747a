package dev.heed.assembly.api;

/**
 * One optimizer step.
 *
 * @param epoch the epoch (1-based)
 * @param step the step within the epoch (1-based)
 * @param stepsPerEpoch steps in an epoch
 * @param loss the mini-batch loss
 * @param examplesPerSecond training throughput over the epoch so far
 */
public record StepEvent(
    int epoch, int step, int stepsPerEpoch, double loss, double examplesPerSecond) {}
