package dev.heed.core.nn;

import dev.heed.core.backend.CounterRandom;
import dev.heed.core.backend.replay.SeedStream;

/**
 * A deterministic sequence of seeds derived from one base seed: each call to {@link #next()} gives
 * the seed of a new independent random stream (one per parameter initialisation, one per dropout
 * call). Not thread-safe.
 */
public final class Seeds implements SeedStream {
  private final long base;
  private long counter;

  /** A sequence starting at {@code base}. */
  public Seeds(long base) {
    this.base = base;
  }

  /** The seed of the next stream. */
  public long next() {
    long position = counter++;
    long seed = CounterRandom.derive(base, position);
    SeedStream.drawn(this, position, seed);
    return seed;
  }

  /** The seed that {@link #next()} gives at {@code position}. */
  @Override
  public long seedAt(long position) {
    return CounterRandom.derive(base, position);
  }

  /** The base seed. */
  public long base() {
    return base;
  }

  /** How many seeds were drawn (for checkpoints). */
  @Override
  public long position() {
    return counter;
  }

  /** Continues from a saved {@link #position()}. */
  @Override
  public void seek(long position) {
    counter = position;
  }
}
