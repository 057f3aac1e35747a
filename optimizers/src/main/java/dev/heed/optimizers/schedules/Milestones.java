package dev.heed.optimizers.schedules;

import dev.heed.core.plugin.OptionsException;

/** Comma-separated, strictly increasing, positive milestones ({@code "30,80"}). */
final class Milestones {
  private Milestones() {}

  static long[] parse(String owner, String option, String text) {
    String[] parts = text.split(",", -1);
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      long v;
      try {
        v = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        v = -1;
      }
      if (v <= 0 || (i > 0 && v <= out[i - 1])) {
        throw new OptionsException(
            option,
            owner
                + " option '"
                + option
                + "': found '"
                + text
                + "', expected strictly increasing whole numbers > 0 separated by commas, for"
                + " example '30,80'");
      }
      out[i] = v;
    }
    return out;
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
