package dev.heed.serve;

/**
 * A request the server refuses, with the HTTP status and the JSON error it answers: {@code
 * {"error": {"status", "message", "field", "expected"}}}. {@code field} names the request field at
 * fault (for example {@code rows[2][0]}), or is null when the request as a whole is.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;
  private final String expected;

  ApiError(int status, String message, String field, String expected) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
    this.expected = expected;
  }

  /** 400: {@code field} held something else than {@code expected}. */
  static ApiError badField(String field, String found, String expected) {
    return new ApiError(
        400, field + ": found " + found + ", expected " + expected, field, expected);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }

  String expected() {
    return expected;
  }
}
