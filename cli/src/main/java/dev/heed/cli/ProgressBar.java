package dev.heed.cli;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for an interactive terminal, redrawn in place with a carriage return:
 * {@code epoch 12/200 [====> ] 6% loss 0.0123 val 0.0131 | 52.1k ex/s | ETA 0:42}.
 */
final class ProgressBar implements TrainingListener {
  private static final int BAR = 16;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final LongSupplier clock;
  private final int columns;
  private boolean finished;
  private TrainingPlan plan;
  private long startNanos;
  private long lastDraw = Long.MIN_VALUE;
  private int lastLength;
  private int epoch;
  private long done;
  private double loss = Double.NaN;
  private double validation = Double.NaN;
  private double rate = Double.NaN;

  /**
   * @param out the terminal
   * @param columns the terminal's width: lines are cut to fit, or a redraw would wrap
   */
  ProgressBar(PrintWriter out, int columns) {
    this(out, System::nanoTime, columns);
  }

  ProgressBar(PrintWriter out, LongSupplier clock, int columns) {
    this.out = out;
    this.clock = clock;
    this.columns = columns;
  }

  @Override
  public void onStart(TrainingPlan plan) {
    this.plan = plan;
    this.startNanos = clock.getAsLong();
    this.epoch = Math.min(plan.startEpoch(), plan.maxEpochs());
    out.println(EpochLog.header(plan));
    draw(true);
  }

  @Override
  public void onStep(StepEvent e) {
    epoch = e.epoch();
    done = (long) (e.epoch() - plan.startEpoch()) * plan.stepsPerEpoch() + e.step();
    loss = e.loss();
    rate = e.examplesPerSecond();
    draw(e.step() == e.stepsPerEpoch());
  }

  @Override
  public void onEpoch(EpochEvent e) {
    epoch = e.epoch();
    done = (long) (e.epoch() - plan.startEpoch() + 1) * plan.stepsPerEpoch();
    loss = e.trainLoss();
    validation = e.validationLoss();
    draw(true);
  }

  @Override
  public void onEnd(TrainResult result) {
    finished = true;
    draw(true);
    out.println();
    out.flush();
  }

  /** The line as it would be drawn now (for tests). */
  String line() {
    long total = total();
    double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.floor(fraction * BAR);
    StringBuilder b = new StringBuilder();
    int width = String.valueOf(plan.maxEpochs()).length();
    b.append("epoch ")
        .append(String.format("%" + width + "d", epoch))
        .append('/')
        .append(plan.maxEpochs())
        .append(" [")
        .append("=".repeat(filled))
        .append(filled < BAR ? ">" : "")
        .append(" ".repeat(Math.max(0, BAR - filled - 1)))
        .append("] ")
        .append(String.format("%3d%%", (int) Math.floor(fraction * 100)))
        .append(" loss ")
        .append(Fmt.brief(loss));
    if (!Double.isNaN(validation)) {
      b.append(" val ").append(Fmt.brief(validation));
    }
    b.append("  ").append(Fmt.rate(rate)).append(" ex/s  ");
    double elapsed = (clock.getAsLong() - startNanos) / 1e9;
    if (finished) {
      b.append("took ").append(Fmt.duration(elapsed));
    } else {
      b.append("ETA ").append(done <= 0 ? "-:--" : Fmt.duration(elapsed / done * (total - done)));
    }
    return b.length() < columns ? b.toString() : b.substring(0, Math.max(0, columns - 1));
  }

  private long total() {
    return (long) Math.max(0, plan.maxEpochs() - plan.startEpoch() + 1) * plan.stepsPerEpoch();
  }

  private void draw(boolean force) {
    if (plan == null) {
      return;
    }
    long now = clock.getAsLong();
    if (!force && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    String line = line();
    int pad = Math.max(0, lastLength - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastLength = line.length();
  }
}
