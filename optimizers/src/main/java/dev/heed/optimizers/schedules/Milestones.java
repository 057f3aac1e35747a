package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionsException;

/** Strictly increasing, positive, whole milestones ({@code [30, 80]}). */
final class Milestones {
  private Milestones() {}

  static long[] parse(String owner, String option, double[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!(v > 0) || v != Math.rint(v) || v > Long.MAX_VALUE / 2 || (i > 0 && v <= out[i - 1])) {
        throw new OptionsException(
            option,
            owner
                + " option '"
                + option
                + "': found "
                + text(values)
                + ", expected strictly increasing whole numbers > 0, for example [30, 80]");
      }
      out[i] = (long) v;
    }
    return out;
  }

  /** The values as a config writes them: {@code [30, 80]}. */
  static String text(double[] values) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    for (double v : values) {
      parts.add(
          v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
    }
    return "[" + String.join(", ", parts) + "]";
  }

  /** How many milestones are {@code <= t} (Python's {@code bisect_right}). */
  static int passed(long[] milestones, long t) {
    int n = 0;
    while (n < milestones.length && milestones[n] <= t) {
      n++;
    }
    return n;
  }
}
