package dev.heed.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What the driver broadcasts for one round of {@code steps} local optimizer steps: the averaged
 * parameters and optimizer state, the learning rates and schedule state, and where in the epoch the
 * round starts.
 *
 * @param round the round's number within the run (1-based), for fault injection and logs
 * @param epoch the epoch (1-based)
 * @param firstStep the round's first step within the epoch (0-based)
 * @param steps optimizer steps each executor takes
 * @param globalStep optimizer steps taken before this round in the whole run
 * @param parameters the model's parameters by name
 * @param optimizerState the optimizer's state by name
 * @param learningRates the learning rate of every parameter group
 * @param scheduleState the schedule's state (empty without a schedule)
 */
record Round(
    int round,
    int epoch,
    int firstStep,
    int steps,
    long globalStep,
    Map<String, TensorData> parameters,
    Map<String, TensorData> optimizerState,
    double[] learningRates,
    Map<String, Double> scheduleState)
    implements Serializable {

  /**
   * What one partition sends back after a round.
   *
   * @param partition the partition
   * @param rows rows trained on at each step of the round (0 where the partition's share of a batch
   *     was empty)
   * @param lossSums the loss times the rows at each step
   * @param parameters the parameters after the round
   * @param optimizerState the optimizer state after the round
   * @param computeNanos the time the partition spent on its steps (not on loading and copying)
   */
  record Result(
      int partition,
      long[] rows,
      double[] lossSums,
      Map<String, TensorData> parameters,
      Map<String, TensorData> optimizerState,
      long computeNanos)
      implements Serializable {

    /** Rows over the whole round. */
    long totalRows() {
      long n = 0;
      for (long r : rows) {
        n += r;
      }
      return n;
    }
  }
}
