package dev.heed.cli;

import dev.heed.core.plugin.Suggestions;
import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" for the command line: core's {@link Suggestions}, and failing that the candidate
 * within two edits (a swap of neighbours counts as one), so {@code tahn} finds {@code tanh}.
 */
final class Suggest {
  private Suggest() {}

  /** {@code "; did you mean 'x'?"} or the empty string. */
  static String didYouMean(String given, Collection<String> candidates) {
    String c = Suggestions.closest(given, candidates);
    if (c == null) {
      String g = normalize(given);
      int best = Integer.MAX_VALUE;
      for (String cand : candidates) {
        int d = distance(g, normalize(cand));
        if (d < best) {
          best = d;
          c = cand;
        }
      }
      if (best > 2 || g.length() < 3) {
        c = null;
      }
    }
    return c == null ? "" : "; did you mean '" + c + "'?";
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
