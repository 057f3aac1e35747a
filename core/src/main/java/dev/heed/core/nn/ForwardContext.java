package dev.heed.core.nn;

/**
 * Per-call state of a forward pass: whether the model is training (dropout, random slopes) and the
 * seeds for its random draws. Not thread-safe.
 */
public final class ForwardContext {
  private final boolean training;
  private final Seeds seeds;

  /**
   * @param training true during training
   * @param seeds the seed sequence for random draws
   */
  public ForwardContext(boolean training, Seeds seeds) {
    this.training = training;
    this.seeds = seeds;
  }

  /** Evaluation mode: no randomness, dropout off. */
  public static ForwardContext inference() {
    return new ForwardContext(false, new Seeds(0));
  }

  /** Training mode with random draws from {@code seeds}. */
  public static ForwardContext training(Seeds seeds) {
    return new ForwardContext(true, seeds);
  }

  /** Whether the model is training. */
  public boolean training() {
    return training;
  }

  /**
   * The seed sequence of the random draws (a captured step declares it among its inputs, so that a
   * replay draws its dropout seeds from it).
   */
  public Seeds seeds() {
    return seeds;
  }

  /** The seed of a new random stream. */
  public long nextSeed() {
    return seeds.next();
  }
}
