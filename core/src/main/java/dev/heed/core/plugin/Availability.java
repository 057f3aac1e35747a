package dev.heed.core.plugin;

import java.util.Objects;

/**
 * Whether a provider can work on this machine, and if not, why.
 *
 * @param isAvailable true when the provider can be used
 * @param reason why not, in one sentence; empty when available
 */
public record Availability(boolean isAvailable, String reason) {

  /** Checks that an unavailable provider says why. */
  public Availability {
    Objects.requireNonNull(reason, "reason");
    if (!isAvailable && reason.isBlank()) {
      throw new IllegalArgumentException("an unavailable provider must say why");
    }
  }

  /** The provider can be used. */
  public static Availability available() {
    return new Availability(true, "");
  }

  /** The provider cannot be used, for {@code reason}. */
  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}
