package dev.heed.cli;

/**
 * Bad input or usage found by the command line itself (a missing file, a malformed {@code --set}, a
 * run directory that is not one): exit status {@value Exits#BAD_INPUT}, the message and no stack
 * trace.
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, where, and what would be right
   */
  public BadInputException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, where, and what would be right
   * @param cause the underlying error
   */
  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
