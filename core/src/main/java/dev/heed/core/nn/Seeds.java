package dev.heed.core.nn;

import dev.heed.core.backend.CounterRandom;

/**
 * A deterministic sequence of seeds derived from one base seed: each call to {@link #next()} gives
 * the seed of a new independent random stream (one per parameter initialisation, one per dropout
 * call). Not thread-safe.
 */
public final class Seeds {
  private final long base;
  private long counter;

  /** A sequence starting at {@code base}. */
  public Seeds(long base) {
    this.base = base;
  }

  /** The seed of the next stream. */
  public long next() {
    return CounterRandom.derive(base, counter++);
  }

  /** The base seed. */
  public long base() {
    return base;
  }

  /** How many seeds were drawn (for checkpoints). */
  public long position() {
    return counter;
  }

  /** Continues from a saved {@link #position()}. */
  public void seek(long position) {
    counter = position;
  }
}
