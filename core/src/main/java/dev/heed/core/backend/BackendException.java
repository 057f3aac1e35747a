package dev.heed.core.backend;

/** A kernel or device failure: out of device memory, a lost device, a compile error of a kernel. */
public class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, on which backend and with which sizes
   */
  public BackendException(String message) {
    super(message);
  }

  /**
   * @param message what failed, on which backend and with which sizes
   * @param cause the underlying error
   */
  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
