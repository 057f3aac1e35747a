package dev.heed.pretrained;

/**
 * A model directory that cannot be used: an unsupported architecture or configuration value, a
 * missing, truncated or inconsistent weight file, weights that do not fit the model. The message
 * names the file and says what was found and what would be right.
 */
public final class PretrainedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with its message. */
  public PretrainedException(String message) {
    super(message);
  }

  /** An error with its message and cause. */
  public PretrainedException(String message, Throwable cause) {
    super(message, cause);
  }
}
