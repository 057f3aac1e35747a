package dev.heed.core.tensor;

/**
 * Whether operations on the current thread record themselves for autodiff. Recording is on by
 * default; optimizers, evaluation and the backward pass itself switch it off:
 *
 * <pre>{@code
 * try (var g = GradMode.disable()) {
 *     ... // no tape
 * }
 * }</pre>
 */
public final class GradMode implements AutoCloseable {
  private final boolean previous;

  private GradMode(boolean enabled) {
    ThreadState state = ThreadState.current();
    previous = state.gradEnabled;
    state.gradEnabled = enabled;
  }

  /** Switches recording off until {@link #close()}. */
  public static GradMode disable() {
    return new GradMode(false);
  }

  /** Switches recording on until {@link #close()}. */
  public static GradMode enable() {
    return new GradMode(true);
  }

  /** Whether operations on this thread record themselves. */
  public static boolean isEnabled() {
    return ThreadState.current().gradEnabled;
  }

  /** Restores the previous mode. */
  @Override
  public void close() {
    ThreadState.current().gradEnabled = previous;
  }
}
