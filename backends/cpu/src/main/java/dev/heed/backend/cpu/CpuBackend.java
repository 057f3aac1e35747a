package dev.heed.backend.cpu;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.backend.support.ReferenceFused;
import java.util.Optional;

/**
 * The reference backend: every kernel of {@link Backend} in plain, single-threaded Java over arrays
 * on the heap, for any strides. It is the definition other backends are checked against, and it
 * computes each value as {@link UnaryOp#apply}, {@link BinaryOp#apply} and {@link
 * Distribution#sample} define it.
 *
 * <p>The kernels are core's {@link HeapBackend} as it is: the loops live in {@code
 * dev.heed.core.backend.support} (one {@code Reference*} class per kernel family), shared with the
 * other heap backend, and core checks every argument before dispatch. A buffer holds at most {@link
 * Integer#MAX_VALUE} elements (one Java array). Kernels run synchronously on the calling thread;
 * the backend has no mutable state and may be shared by threads.
 */
public final class CpuBackend extends HeapBackend {
  /** The provider name. */
  static final String NAME = "cpu";

  /** Opens the backend; there is nothing to open. */
  public CpuBackend() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String deviceDescription() {
    return "Java heap ("
        + (Runtime.getRuntime().maxMemory() >> 20)
        + " MiB max) on "
        + System.getProperty("os.arch")
        + ", reference kernels on the calling thread";
  }

  /**
   * {@link FusedElementwise} by the program's definition ({@link ReferenceFused}): bit for bit the
   * kernels it stands for, so that an optimizer's fused update runs as one call and a captured
   * training step replays on this backend too.
   */
  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    return type == FusedElementwise.class
        ? Optional.of(type.cast(ReferenceFused.INSTANCE))
        : Optional.empty();
  }

  @Override
  public String toString() {
    return "cpu backend";
  }
}
