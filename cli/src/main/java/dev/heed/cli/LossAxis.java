package dev.heed.cli;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * A vertical log axis labelled at 1, 2 and 5 × 10ⁿ (only 10ⁿ when the range spans many decades), in
 * plain numbers such as {@code 0.02}.
 */
final class LossAxis extends LogAxis {
  @Serial private static final long serialVersionUID = 1L;

  private final PlainNumberFormat format = new PlainNumberFormat();

  LossAxis(String label) {
    super(label);
  }

  @Override
  protected List<ValueTick> refreshTicksVertical(
      Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
    double lo = getLowerBound();
    double hi = getUpperBound();
    List<ValueTick> ticks = new ArrayList<>();
    if (!(lo > 0) || !(hi > lo)) {
      return ticks;
    }
    int from = (int) Math.floor(Math.log10(lo));
    int to = (int) Math.ceil(Math.log10(hi));
    int[] mantissas = to - from > 4 ? new int[] {1} : new int[] {1, 2, 5};
    for (int k = from; k <= to; k++) {
      for (int m : mantissas) {
        double v = m * Math.pow(10, k);
        if (v >= lo && v <= hi) {
          ticks.add(
              new NumberTick(
                  TickType.MAJOR,
                  v,
                  format.format(v),
                  TextAnchor.CENTER_RIGHT,
                  TextAnchor.CENTER_RIGHT,
                  0.0));
        }
      }
    }
    return ticks;
  }
}
