package dev.heed.cli;

import java.io.Serial;
import java.math.BigDecimal;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

/** Axis labels such as {@code 0.001} and {@code 10} (scientific only below 1e-6 or above 1e7). */
final class PlainNumberFormat extends NumberFormat {
  @Serial private static final long serialVersionUID = 1L;

  @Override
  public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
    if (v == 0 || !Double.isFinite(v)) {
      return to.append(v == 0 ? "0" : Double.toString(v));
    }
    double a = Math.abs(v);
    if (a < 1e-6 || a >= 1e7) {
      return to.append(String.format(Locale.ROOT, "%.3g", v));
    }
    BigDecimal d = new BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros();
    return to.append(d.toPlainString());
  }

  @Override
  public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
    return to.append(v);
  }

  @Override
  public Number parse(String source, ParsePosition pos) {
    try {
      double d = Double.parseDouble(source.substring(pos.getIndex()).strip());
      pos.setIndex(source.length());
      return d;
    } catch (NumberFormatException e) {
      pos.setErrorIndex(pos.getIndex());
      return null;
    }
  }
}
