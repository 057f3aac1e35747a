package dev.heed.spark;

/**
 * The message a user should see for a failed run: Spark wraps an executor's exception in a job
 * failure whose message holds the whole remote stack trace; the first line of the deepest cause
 * that has a message says what went wrong (a bad row's file and line, a config problem).
 */
final class Failures {
  private Failures() {}

  static String message(Throwable t) {
    Throwable deepest = t;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        deepest = c;
      }
    }
    String m = deepest.getMessage();
    if (m == null) {
      return deepest.getClass().getSimpleName();
    }
    String first = m.lines().findFirst().orElse(m).strip();
    // a job failure's text: "Job aborted due to stage failure: … : java.io.IOException: what"
    int at = first.lastIndexOf("Exception: ");
    return at >= 0 ? first.substring(at + "Exception: ".length()) : first;
  }
}
