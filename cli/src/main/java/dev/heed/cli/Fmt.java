package dev.heed.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Number and time formatting shared by the progress bar, logs and summaries. */
final class Fmt {
  private Fmt() {}

  /** A loss or metric with five significant digits ({@code nan} when missing). */
  static String loss(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (v != 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6)) {
      return String.format(Locale.ROOT, "%.4e", v);
    }
    return String.format(Locale.ROOT, "%.5g", v)
        .replaceFirst("(\\.\\d*?)0+$", "$1")
        .replaceFirst("\\.$", "");
  }

  /** A loss with four significant digits, for the progress bar. */
  static String brief(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) {
      return String.format(Locale.ROOT, "%.2e", v);
    }
    return String.format(Locale.ROOT, "%.4g", v)
        .replaceFirst("(\\.\\d*?)0+$", "$1")
        .replaceFirst("\\.$", "");
  }

  /** A rate such as {@code 12.3k}. */
  static String rate(double perSecond) {
    if (!Double.isFinite(perSecond) || perSecond <= 0) {
      return "-";
    }
    if (perSecond >= 1e6) {
      return String.format(Locale.ROOT, "%.1fM", perSecond / 1e6);
    }
    if (perSecond >= 1e4) {
      return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", perSecond);
  }

  /** A duration as {@code m:ss} or {@code h:mm:ss}. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "-:--";
    }
    long s = Math.round(seconds);
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
        : String.format(Locale.ROOT, "%d:%02d", m, sec);
  }

  /** The entries of {@code metrics} by name. */
  static List<Map.Entry<String, Double>> sorted(Map<String, Double> metrics) {
    List<Map.Entry<String, Double>> l = new ArrayList<>(metrics.entrySet());
    l.sort(Map.Entry.comparingByKey());
    return l;
  }
}
