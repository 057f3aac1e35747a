package dev.heed.core.backend.replay;

/**
 * A counter-based sequence of random seeds (core's {@code Seeds}) whose draws a captured step may
 * use for its random kernels (dropout masks). The seed at a position is a function of the position
 * alone, so a replayed step can draw exactly the seeds an eager run would: it reads the position,
 * computes the seeds of its draws from there and moves the position past them.
 */
public interface SeedStream {
  /** How many seeds were drawn so far: the position of the next draw. */
  long position();

  /** Moves to {@code position}: the next draw is the seed there. */
  void seek(long position);

  /** The seed drawn at {@code position}, without moving. */
  long seedAt(long position);

  /**
   * Tells a capture on this thread, if any, that {@code seed} was drawn from {@code stream} at
   * {@code position}; a stream calls this from every draw. A random kernel of the step whose seed
   * is such a draw is replayed with the seed drawn at the same place in the step's own draws.
   */
  static void drawn(SeedStream stream, long position, long seed) {
    Capture c = Capture.listening();
    if (c != null) {
      c.drawn(stream, position, seed);
    }
  }
}
