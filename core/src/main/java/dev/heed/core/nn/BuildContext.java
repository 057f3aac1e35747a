package dev.heed.core.nn;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import java.util.Objects;

/**
 * What a factory needs to create parameters: the backend they live on, their element type, and the
 * seeds for their initialisers. Shared by the factories that build one model; not thread-safe (the
 * seed sequence advances).
 *
 * @param backend where parameters are allocated
 * @param dtype their element type ({@link DType#FLOAT32} normally, FLOAT64 for gradient checks)
 * @param seeds the seed sequence for initialisers
 */
public record BuildContext(Backend backend, DType dtype, Seeds seeds) {

  /** Null checks. */
  public BuildContext {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(seeds, "seeds");
  }

  /** A context with a fresh seed sequence from {@code seed}. */
  public static BuildContext of(Backend backend, DType dtype, long seed) {
    return new BuildContext(backend, dtype, new Seeds(seed));
  }
}
