package dev.heed.cli;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import java.io.PrintWriter;
import java.util.Map;

/** Plain progress for pipes and CI: a header, then one line per epoch. */
final class EpochLog implements TrainingListener {
  private final PrintWriter out;
  private int maxEpochs;
  private double rate = Double.NaN;

  EpochLog(PrintWriter out) {
    this.out = out;
  }

  /** The line that opens a run. */
  static String header(TrainingPlan p) {
    if (p.startEpoch() > p.maxEpochs()) {
      return "this run already finished its " + p.maxEpochs() + " epochs: nothing left to train";
    }
    String from = p.startEpoch() > 1 ? ", resuming after epoch " + (p.startEpoch() - 1) : "";
    return "training on backend "
        + p.backend()
        + ": "
        + p.trainExamples()
        + " training and "
        + p.validationExamples()
        + " validation examples, up to "
        + p.maxEpochs()
        + " epochs of "
        + p.stepsPerEpoch()
        + " steps, seed "
        + p.seed()
        + from;
  }

  @Override
  public void onStart(TrainingPlan plan) {
    maxEpochs = plan.maxEpochs();
    out.println(header(plan));
    out.flush();
  }

  @Override
  public void onStep(StepEvent event) {
    rate = event.examplesPerSecond();
  }

  @Override
  public void onEpoch(EpochEvent e) {
    StringBuilder b = new StringBuilder();
    b.append("epoch ").append(e.epoch()).append('/').append(maxEpochs);
    b.append(" loss ").append(Fmt.loss(e.trainLoss()));
    if (!Double.isNaN(e.validationLoss())) {
      b.append(" val_loss ").append(Fmt.loss(e.validationLoss()));
    }
    for (Map.Entry<String, Double> m : Fmt.sorted(e.metrics())) {
      b.append(' ').append(m.getKey()).append(' ').append(Fmt.loss(m.getValue()));
    }
    b.append(" | ").append(Fmt.rate(rate)).append(" ex/s");
    b.append(" | ").append(Fmt.duration(e.elapsedMillis() / 1000.0)).append(" elapsed");
    out.println(b);
    out.flush();
  }
}
