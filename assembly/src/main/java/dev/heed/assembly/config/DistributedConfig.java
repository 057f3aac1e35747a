package dev.heed.assembly.config;

/**
 * {@code distributed}: how an engine that trains on several executors (heed-spark) runs. The local
 * trainer ignores it.
 *
 * @param averageEvery local optimizer steps between two averagings of parameters and optimizer
 *     state (1: synchronous data-parallel training)
 * @param partitions data partitions, one trainer each, or 0 for the engine's default parallelism
 */
public record DistributedConfig(int averageEvery, int partitions) {

  /** The defaults: averaging after every step, the engine's parallelism. */
  public static final DistributedConfig DEFAULT = new DistributedConfig(1, 0);

  /** Checks the ranges the schema states. */
  public DistributedConfig {
    if (averageEvery < 1) {
      throw new IllegalArgumentException("averageEvery must be at least 1, got " + averageEvery);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be at least 0, got " + partitions);
    }
  }
}
