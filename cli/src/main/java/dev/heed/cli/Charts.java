package dev.heed.cli;

import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.core.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws the pictures of a run with JFreeChart, headless: the loss curve and attention heatmap. */
final class Charts {
  private static final Color TRAIN = new Color(0x1f77b4);
  private static final Color VALIDATION = new Color(0xff7f0e);
  private static final Color GRID = new Color(0xdddddd);

  private Charts() {}

  /** Writes {@code loss.png}: train and validation loss per epoch. */
  static Path writeLoss(Path runDir, TrainResult result) throws IOException {
    Path file = runDir.resolve("loss.png");
    JFreeChart chart = lossChart(result.history(), runDir.getFileName().toString());
    AtomicFile.write(file, o -> ChartUtils.writeChartAsPNG(o, chart, 900, 560));
    return file;
  }

  /** Writes {@code attention.png}: a heatmap of attention weights, examples × positions. */
  static Path writeAttention(Path runDir, AttentionSample sample) throws IOException {
    return writeAttention(runDir, sample, Axes.EXAMPLES);
  }

  /**
   * What a heatmap's rows and columns are: validation examples over input positions (a model's
   * attention), or one example's output steps over its source positions (cross-attention).
   *
   * @param rows the vertical axis's label
   * @param columns the horizontal axis's label
   * @param subtitle the line under the title
   */
  record Axes(String rows, String columns, String subtitle) {
    static final Axes EXAMPLES =
        new Axes(
            "validation example",
            "position (input feature)",
            "attention weight of each position (columns) for each example (rows)");
    static final Axes CROSS =
        new Axes(
            "output character",
            "source character",
            "cross-attention weight of each source character (columns) for each output character"
                + " (rows)");
  }

  /** Writes {@code attention.png} with the given axes. */
  static Path writeAttention(Path runDir, AttentionSample sample, Axes axes) throws IOException {
    Path file = runDir.resolve("attention.png");
    JFreeChart chart = heatmap(sample, axes);
    int rows = sample.weights().length;
    int cols = sample.positionLabels().size();
    int width = Math.max(700, Math.min(1800, 260 + 60 * cols));
    int height = Math.max(420, Math.min(1400, 200 + 38 * rows));
    AtomicFile.write(file, o -> ChartUtils.writeChartAsPNG(o, chart, width, height));
    return file;
  }

  static JFreeChart lossChart(List<EpochEvent> history, String runName) {
    XYSeries train = new XYSeries("train loss");
    XYSeries validation = new XYSeries("validation loss");
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (EpochEvent e : history) {
      if (Double.isFinite(e.trainLoss())) {
        train.add(e.epoch(), e.trainLoss());
        min = Math.min(min, e.trainLoss());
        max = Math.max(max, e.trainLoss());
      }
      if (Double.isFinite(e.validationLoss())) {
        validation.add(e.epoch(), e.validationLoss());
        min = Math.min(min, e.validationLoss());
        max = Math.max(max, e.validationLoss());
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(train);
    if (validation.getItemCount() > 0) {
      data.addSeries(validation);
    }
    NumberAxis x = new NumberAxis("epoch");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setAutoRangeIncludesZero(false);
    ValueAxis y;
    boolean log = min > 0 && max / min > 30;
    if (log) {
      LogAxis la = new LossAxis("loss (log scale)");
      la.setSmallestValue(min / 2);
      y = la;
    } else {
      NumberAxis na = new NumberAxis("loss");
      na.setAutoRangeIncludesZero(true);
      y = na;
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, history.size() <= 30);
    r.setSeriesPaint(0, TRAIN);
    r.setSeriesPaint(1, VALIDATION);
    r.setSeriesStroke(0, new BasicStroke(2.2f));
    r.setSeriesStroke(1, new BasicStroke(2.2f));
    XYPlot plot = new XYPlot(data, x, y, r);
    stylePlot(plot);
    JFreeChart chart = new JFreeChart("Loss per epoch", titleFont(), plot, true);
    chart.addSubtitle(new TextTitle(subtitle(history, runName)));
    chart.setBackgroundPaint(Color.WHITE);
    chart.getLegend().setPosition(RectangleEdge.TOP);
    return chart;
  }

  private static String subtitle(List<EpochEvent> history, String runName) {
    if (history.isEmpty()) {
      return runName + ": no epochs";
    }
    EpochEvent last = history.get(history.size() - 1);
    String s =
        runName + ": " + history.size() + " epochs, final train " + Fmt.loss(last.trainLoss());
    if (Double.isFinite(last.validationLoss())) {
      s += ", validation " + Fmt.loss(last.validationLoss());
    }
    return s;
  }

  static JFreeChart heatmap(AttentionSample sample) {
    return heatmap(sample, Axes.EXAMPLES);
  }

  static JFreeChart heatmap(AttentionSample sample, Axes axes) {
    double[][] w = sample.weights();
    int rows = w.length;
    int cols = sample.positionLabels().size();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double[][] xyz = new double[3][rows * cols];
    int k = 0;
    for (int i = 0; i < rows; i++) {
      if (w[i].length != cols) {
        throw new IllegalArgumentException(
            "attention sample row " + i + " has " + w[i].length + " weights, expected " + cols);
      }
      for (int j = 0; j < cols; j++) {
        xyz[0][k] = j;
        xyz[1][k] = i;
        xyz[2][k] = w[i][j];
        lo = Math.min(lo, w[i][j]);
        hi = Math.max(hi, w[i][j]);
        k++;
      }
    }
    if (!(lo < hi)) {
      lo = Math.min(0, lo);
      hi = Math.max(lo + 1e-6, hi);
    }
    lo = Math.min(lo, 0);
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("attention", xyz);
    ViridisScale scale = new ViridisScale(lo, hi);
    XYBlockRenderer r = new XYBlockRenderer();
    r.setPaintScale(scale);
    r.setBlockWidth(1);
    r.setBlockHeight(1);
    SymbolAxis x = new SymbolAxis(axes.columns(), sample.positionLabels().toArray(String[]::new));
    x.setGridBandsVisible(false);
    x.setLowerMargin(0);
    x.setUpperMargin(0);
    x.setRange(-0.5, cols - 0.5);
    if (cols > 12) {
      x.setVerticalTickLabels(true);
    }
    String[] examples = new String[rows];
    for (int i = 0; i < rows; i++) {
      examples[i] =
          i < sample.exampleLabels().size() ? sample.exampleLabels().get(i) : "example " + i;
    }
    SymbolAxis y = new SymbolAxis(axes.rows(), examples);
    y.setGridBandsVisible(false);
    y.setRange(-0.5, rows - 0.5);
    y.setInverted(true);
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    if (rows * cols <= 200) {
      Font f = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          XYTextAnnotation a =
              new XYTextAnnotation(String.format(Locale.ROOT, "%.2f", w[i][j]), j, i);
          a.setFont(f);
          a.setPaint(scale.textColor(w[i][j]));
          plot.addAnnotation(a);
        }
      }
    }
    String title =
        sample.title() == null || sample.title().isBlank() ? "Attention" : sample.title();
    JFreeChart chart = new JFreeChart(title, titleFont(), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(new TextTitle(axes.subtitle()));
    NumberAxis legendAxis = new NumberAxis("attention weight");
    legendAxis.setRange(lo, hi);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(org.jfree.chart.axis.AxisLocation.TOP_OR_RIGHT);
    legend.setMargin(new RectangleInsets(8, 12, 8, 8));
    legend.setStripWidth(18);
    legend.setSubdivisionCount(128);
    legend.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(legend);
    return chart;
  }

  private static void stylePlot(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlinePaint(Color.GRAY);
  }

  private static Font titleFont() {
    return new Font(Font.SANS_SERIF, Font.BOLD, 18);
  }
}
