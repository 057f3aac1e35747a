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
  private static final ThreadLocal<boolean[]> ENABLED =
      ThreadLocal.withInitial(() -> new boolean[] {true});
  private final boolean previous;

  private GradMode(boolean enabled) {
    boolean[] flag = ENABLED.get();
    previous = flag[0];
    flag[0] = enabled;
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
    return ENABLED.get()[0];
  }

  /** Restores the previous mode. */
  @Override
  public void close() {
    ENABLED.get()[0] = previous;
  }
}
