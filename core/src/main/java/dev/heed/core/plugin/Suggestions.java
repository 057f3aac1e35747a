package dev.heed.core.plugin;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" suggestions by edit distance. Stateless and thread-safe. */
public final class Suggestions {
  private Suggestions() {}

  /**
   * The closest candidate to {@code given} when it is close enough to be a plausible typo, or null.
   * Case and the separators {@code -} and {@code _} are ignored for the comparison.
   */
  public static String closest(String given, Collection<String> candidates) {
    String g = normalize(given);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(g, normalize(c));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    if (best == null) {
      return null;
    }
    int limit = Math.max(1, Math.min(3, g.length() / 3));
    boolean prefix =
        !g.isEmpty() && (normalize(best).startsWith(g) || g.startsWith(normalize(best)));
    return bestDistance <= limit || prefix ? best : null;
  }

  /** {@code "; did you mean 'x'?"} or the empty string. */
  public static String didYouMean(String given, Collection<String> candidates) {
    String c = closest(given, candidates);
    return c == null ? "" : "; did you mean '" + c + "'?";
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
