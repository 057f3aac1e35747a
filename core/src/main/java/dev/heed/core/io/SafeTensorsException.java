package dev.heed.core.io;

/** A safetensors file that cannot be read: corrupt, truncated, or not the format at all. */
public class SafeTensorsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, in which file, and at which byte or tensor
   */
  public SafeTensorsException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, in which file
   * @param cause the underlying I/O error
   */
  public SafeTensorsException(String message, Throwable cause) {
    super(message, cause);
  }
}
