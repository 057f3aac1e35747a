package dev.heed.testkit;

import java.util.Locale;

/** Comparisons of downloaded values with messages that name the case and the element. */
final class Compare {
  private static final int MAX_LISTED = 5;

  private Compare() {}

  /**
   * Asserts {@code |actual - expected| <= tol·(1 + |expected|)} element by element; NaN must meet
   * NaN and an infinity the same infinity.
   */
  static void assertClose(String what, double[] actual, double[] expected, double tol) {
    assertClose(what, actual, expected, null, tol);
  }

  /**
   * Asserts {@code |actual - expected| <= tol·(|expected| + scale[i])}, where {@code scale} (1 when
   * null) is the magnitude of the terms that formed the value (for a sum, {@code Σ|x|}), so that
   * cancellation does not demand more than the type can give. NaN must meet NaN and an infinity the
   * same infinity.
   */
  static void assertClose(
      String what, double[] actual, double[] expected, double[] scale, double tol) {
    if (actual.length != expected.length) {
      throw new AssertionError(
          what + ": " + actual.length + " values where " + expected.length + " were expected");
    }
    int bad = 0;
    StringBuilder listed = new StringBuilder();
    int worst = -1;
    double worstRatio = -1;
    for (int i = 0; i < actual.length; i++) {
      double a = actual[i];
      double e = expected[i];
      double allowed = tol * (Math.abs(e) + (scale == null ? 1.0 : scale[i]));
      boolean ok;
      double ratio;
      if (Double.isNaN(e) || Double.isInfinite(e)) {
        ok = Double.compare(a, e) == 0 || (Double.isNaN(a) && Double.isNaN(e));
        ratio = ok ? 0 : Double.POSITIVE_INFINITY;
      } else {
        double diff = Math.abs(a - e);
        ok = diff <= allowed;
        ratio = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / Math.max(allowed, 1e-300);
      }
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = i;
      }
      if (!ok) {
        if (bad < MAX_LISTED) {
          listed.append("\n  ").append(line(i, a, e, allowed));
        }
        bad++;
      }
    }
    if (bad > 0) {
      throw new AssertionError(
          what
              + ": "
              + bad
              + " of "
              + actual.length
              + " values differ beyond tolerance "
              + tol
              + listed
              + (bad > MAX_LISTED ? "\n  …" : "")
              + "\n  worst: "
              + line(worst, actual[worst], expected[worst], Double.NaN));
    }
  }

  /** Asserts bit-for-bit equality (NaN equals NaN; -0 differs from 0). */
  static void assertExact(String what, double[] actual, double[] expected) {
    if (actual.length != expected.length) {
      throw new AssertionError(
          what + ": " + actual.length + " values where " + expected.length + " were expected");
    }
    int bad = 0;
    StringBuilder listed = new StringBuilder();
    for (int i = 0; i < actual.length; i++) {
      if (Double.compare(actual[i], expected[i]) != 0) {
        if (bad < MAX_LISTED) {
          listed.append("\n  ").append(line(i, actual[i], expected[i], 0));
        }
        bad++;
      }
    }
    if (bad > 0) {
      throw new AssertionError(
          what
              + ": "
              + bad
              + " of "
              + actual.length
              + " values are not identical"
              + listed
              + (bad > MAX_LISTED ? "\n  …" : ""));
    }
  }

  /** Asserts no element is NaN. */
  static void assertNoNaN(String what, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        throw new AssertionError(what + ": element " + i + " is NaN");
      }
    }
  }

  private static String line(int i, double actual, double expected, double allowed) {
    return String.format(
        Locale.ROOT,
        "element %d: got %.9g, expected %.9g (|diff| %.3g%s)",
        i,
        actual,
        expected,
        Math.abs(actual - expected),
        Double.isNaN(allowed) ? "" : String.format(Locale.ROOT, ", allowed %.3g", allowed));
  }
}
