package dev.heed.cli;

import java.awt.Color;
import java.awt.Paint;
import java.io.Serial;
import java.io.Serializable;
import org.jfree.chart.renderer.PaintScale;

/** The viridis colour map (perceptually uniform, readable in grey) over {@code [lower, upper]}. */
final class ViridisScale implements PaintScale, Serializable {
  @Serial private static final long serialVersionUID = 1L;

  /** Viridis sampled at 9 evenly spaced points. */
  private static final int[] STOPS = {
    0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725
  };

  private final double lower;
  private final double upper;

  ViridisScale(double lower, double upper) {
    this.lower = lower;
    this.upper = upper;
  }

  @Override
  public double getLowerBound() {
    return lower;
  }

  @Override
  public double getUpperBound() {
    return upper;
  }

  @Override
  public Paint getPaint(double value) {
    double t = (value - lower) / (upper - lower);
    if (!Double.isFinite(t)) {
      t = 0;
    }
    t = Math.max(0, Math.min(1, t));
    double pos = t * (STOPS.length - 1);
    int i = Math.min(STOPS.length - 2, (int) Math.floor(pos));
    double f = pos - i;
    return new Color(
        mix(STOPS[i] >> 16, STOPS[i + 1] >> 16, f),
        mix(STOPS[i] >> 8, STOPS[i + 1] >> 8, f),
        mix(STOPS[i], STOPS[i + 1], f));
  }

  /** Black on light cells, white on dark ones. */
  Color textColor(double value) {
    Color c = (Color) getPaint(value);
    double luminance = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    return luminance > 140 ? Color.BLACK : Color.WHITE;
  }

  private static int mix(int a, int b, double f) {
    int x = a & 0xff;
    int y = b & 0xff;
    return (int) Math.round(x + (y - x) * f);
  }
}
