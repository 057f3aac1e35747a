package dev.heed.assembly.train;

import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.ReplayReport;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import dev.heed.assembly.config.TrainingConfig;
import dev.heed.assembly.data.Batch;
import dev.heed.assembly.data.Batches;
import dev.heed.core.backend.Backend;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains a model epoch by epoch: seeded mini-batches, one optimizer step per batch (or per {@code
 * training.accumulate} batches, on {@code training.replicas} threads: {@link OptimizerStep}),
 * validation loss and metrics ({@code val_accuracy} for classification, {@code val_mae} for
 * regression), the stopping rule, listeners, and an atomic checkpoint after every epoch. Under one
 * seed and config the losses are identical from run to run, and a run resumed from a checkpoint
 * continues exactly as if it had not stopped. Not thread-safe.
 */
public final class Trainer {
  private static final System.Logger LOG = System.getLogger(Trainer.class.getName());
  private static final int ATTENTION_EXAMPLES = 8;

  private final Backend backend;
  private final String backendName;
  private final Sequential model;
  private final Loss loss;
  private final Optimizer optimizer;
  private final Schedule schedule;
  private final Batches batches;
  private final TrainingConfig training;
  private final long seed;
  private final List<TrainingListener> listeners;
  private final List<Sequential> replicaCopies;
  // the last training's step, for replayReport()
  private volatile OptimizerStep lastStepper;

  /**
   * @param backend where the model lives
   * @param backendName its name, for plans
   * @param model the model
   * @param loss the loss
   * @param optimizer the optimizer over the model's parameters
   * @param schedule the learning-rate schedule, or null
   * @param batches the split, shuffled data
   * @param training epochs, batch size and stopping rule
   * @param seed the run's seed
   * @param listeners listeners that hear every run (besides the one given to {@link #train})
   */
  public Trainer(
      Backend backend,
      String backendName,
      Sequential model,
      Loss loss,
      Optimizer optimizer,
      Schedule schedule,
      Batches batches,
      TrainingConfig training,
      long seed,
      List<TrainingListener> listeners) {
    this(
        backend,
        backendName,
        model,
        loss,
        optimizer,
        schedule,
        batches,
        training,
        seed,
        listeners,
        List.of());
  }

  /**
   * As the other constructor, with data-parallel replicas.
   *
   * @param replicaCopies {@code training.replicas - 1} further models of the same config (their
   *     parameters are set to the model's before every step)
   */
  public Trainer(
      Backend backend,
      String backendName,
      Sequential model,
      Loss loss,
      Optimizer optimizer,
      Schedule schedule,
      Batches batches,
      TrainingConfig training,
      long seed,
      List<TrainingListener> listeners,
      List<Sequential> replicaCopies) {
    if (replicaCopies.size() != training.replicas() - 1) {
      throw new IllegalArgumentException(
          "training.replicas is "
              + training.replicas()
              + ", so "
              + (training.replicas() - 1)
              + " replica copies are expected, got "
              + replicaCopies.size());
    }
    this.replicaCopies = List.copyOf(replicaCopies);
    this.backend = backend;
    this.backendName = backendName;
    this.model = model;
    this.loss = loss;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.batches = batches;
    this.training = training;
    this.seed = seed;
    this.listeners = List.copyOf(listeners);
  }

  /** The model. */
  public Sequential model() {
    return model;
  }

  /** The optimizer. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * Trains from {@code state} (the initial state or a resumed one), checkpointing into {@code
   * runDir} after every epoch.
   *
   * @param extra a listener for this call, or null
   */
  public TrainResult train(Path runDir, TrainerState state, TrainingListener extra)
      throws IOException {
    List<TrainingListener> all = new ArrayList<>(listeners);
    if (extra != null) {
      all.add(extra);
    }
    int in = batches.dataset().inputs();
    int out = batches.dataset().outputs();
    long trainRows = batches.trainRows();
    long validationRows = batches.validationRows();
    if (trainRows == 0) {
      throw new dev.heed.assembly.api.ConfigException(
          "the data has no training examples ("
              + validationRows
              + " validation examples); expected at least one: lower training.validation_split or"
              + " add data");
    }
    int batchSize = training.batchSize();
    long perStep = training.examplesPerStep();
    int stepsPerEpoch = (int) ((trainRows + perStep - 1) / perStep);
    Seeds forwardSeeds = new Seeds(seed ^ 0x6A09E667F3BCC909L);
    forwardSeeds.seek(state.forwardSeedPosition());
    ForwardContext trainCtx = ForwardContext.training(forwardSeeds);
    if (schedule != null) {
      schedule.start(optimizer);
      if (!state.scheduleState().isEmpty()) {
        schedule.loadState(state.scheduleState());
      }
    }
    // per-step metrics.jsonl beside metrics.csv, first so other listeners read it up to date
    all.addFirst(MetricsJsonl.open(runDir, optimizer, state));
    for (TrainingListener l : all) {
      l.onStart(
          new TrainingPlan(
              state.epoch() + 1,
              training.epochs(),
              stepsPerEpoch,
              trainRows,
              validationRows,
              backendName,
              seed));
    }
    List<EpochEvent> history = new ArrayList<>(state.history());
    if (!history.isEmpty()) {
      // metrics.csv is committed with each checkpoint; a run from before that could lack the last
      // epoch's line, so a resumed run rewrites it from the committed history
      MetricsCsv.write(runDir, history);
    }
    long step = state.step();
    double best = state.bestLoss();
    int bad = state.badEpochs();
    String reason = state.stopReason();
    int epoch = state.epoch();
    long elapsedBefore = state.elapsedMillis();
    StopRule rule = new StopRule(training.stop(), training.epochs());
    if (reason != null && !history.isEmpty()) {
      // a finished run resumed: its config may allow more now (epochs raised, a target lowered)
      reason = rule.reason(history.getLast(), bad);
    }
    if (reason == null && epoch >= training.epochs()) {
      reason = "max epochs";
    }
    OptimizerStep stepper =
        new OptimizerStep(
            backend, model, replicaCopies, loss, optimizer, training, batches.dataset());
    lastStepper = stepper;
    while (reason == null) {
      epoch++;
      long started = System.nanoTime();
      double lossSum = 0;
      long seen = 0;
      int stepInEpoch = 0;
      try (Batches.Stream stream = batches.training(epoch, batchSize, training.shuffle())) {
        for (List<Batch> group = next(stream); !group.isEmpty(); group = next(stream)) {
          double value = stepper.run(group, trainCtx, forwardSeeds);
          int rows = 0;
          for (Batch b : group) {
            rows += b.rows();
          }
          step++;
          stepInEpoch++;
          if (schedule != null) {
            schedule.afterStep(optimizer, step);
          }
          lossSum += value * rows;
          seen += rows;
          double seconds = (System.nanoTime() - started) / 1e9;
          StepEvent se =
              new StepEvent(
                  epoch, stepInEpoch, stepsPerEpoch, value, seconds > 0 ? seen / seconds : 0);
          for (TrainingListener l : all) {
            l.onStep(se);
          }
        }
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      double validationLoss = validate(in, out, metrics);
      long elapsed = elapsedBefore + (System.nanoTime() - started) / 1_000_000;
      elapsedBefore = elapsed;
      EpochEvent event = new EpochEvent(epoch, lossSum / seen, validationLoss, metrics, elapsed);
      history.add(event);
      if (schedule != null) {
        schedule.afterEpoch(optimizer, epoch, validationLoss);
      }
      StopRule.Decision d = rule.check(event, best, bad);
      best = d.bestLoss();
      bad = d.badEpochs();
      reason = d.reason();
      TrainerState now =
          new TrainerState(
              epoch,
              step,
              seed,
              forwardSeeds.position(),
              elapsed,
              best,
              bad,
              schedule == null ? Map.of() : schedule.state(),
              reason,
              history);
      Checkpoints.save(runDir, model, optimizer, now);
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "epoch " + event.epoch() + " loss " + event.trainLoss() + " val " + validationLoss);
      for (TrainingListener l : all) {
        l.onEpoch(event);
      }
    }
    stepper.close();
    TrainResult result = new TrainResult(runDir, epoch, reason, history, attentionSample(in));
    for (TrainingListener l : all) {
      l.onEnd(result);
    }
    return result;
  }

  /** The next {@code training.accumulate} batches of {@code stream} (fewer at its end). */
  private List<Batch> next(Batches.Stream stream) throws IOException {
    List<Batch> group = new ArrayList<>(training.accumulate());
    while (group.size() < training.accumulate()) {
      Batch b = stream.next();
      if (b == null) {
        break;
      }
      group.add(b);
    }
    return group;
  }

  /** Validation loss (NaN without validation rows); adds val_accuracy or val_mae to metrics. */
  private double validate(int in, int out, Map<String, Double> metrics) throws IOException {
    Evaluation e =
        evaluate(
            model,
            loss,
            backend,
            batches.validation(training.batchSize()),
            in,
            out,
            batches.dataset().classification(),
            batches.dataset().sequence());
    if (e.examples() == 0) {
      return Double.NaN;
    }
    metrics.put(batches.dataset().classification() ? "val_accuracy" : "val_mae", e.metric());
    return e.loss();
  }

  /** How the optimizer steps of the last {@link #train} ran, replayed or eagerly and why. */
  public ReplayReport replayReport() {
    OptimizerStep s = lastStepper;
    return s == null ? ReplayReport.NONE : s.replayReport();
  }

  /**
   * The mean loss and metric (accuracy for classification, mean absolute error otherwise) of {@code
   * model} over a batch stream, which is closed.
   *
   * @param examples how many examples were seen
   */
  public record Evaluation(double loss, double metric, long examples) {}

  /** Evaluates {@code model} on {@code stream} of feature rows in inference mode. */
  public static Evaluation evaluate(
      Layer model,
      Loss loss,
      Backend backend,
      Batches.Stream stream,
      int in,
      int out,
      boolean classification)
      throws IOException {
    return evaluate(model, loss, backend, stream, in, out, classification, null);
  }

  /**
   * Evaluates {@code model} on {@code stream} in inference mode. For per-position sequence targets
   * the accuracy is over the positions that have a target (padding excluded).
   *
   * @param layout the sequence layout, or null for feature rows
   */
  @SuppressWarnings("try")
  public static Evaluation evaluate(
      Layer model,
      Loss loss,
      Backend backend,
      Batches.Stream stream,
      int in,
      int out,
      boolean classification,
      SequenceLayout layout)
      throws IOException {
    double lossSum = 0;
    double metricSum = 0;
    long metricCount = 0;
    long n = 0;
    try (stream;
        GradMode off = GradMode.disable()) {
      for (Batch b = stream.next(); b != null; b = stream.next()) {
        try (Scope s = Scope.open()) {
          Feed.Inputs f = Feed.of(backend, b, in, out, layout);
          Tensor pred = Feed.forward(model, f, layout, ForwardContext.inference());
          lossSum += loss.compute(pred, f.y()).item() * b.rows();
          float[] p = pred.toFloatArray();
          if (layout != null && layout.perPosition()) {
            int[] counted = correctWithTargets(p, b.y(), layout.vocabulary());
            metricSum += counted[0];
            metricCount += counted[1];
          } else {
            metricSum += classification ? correct(p, b.y(), out) : absError(p, b.y()) / out;
            metricCount += b.rows();
          }
          n += b.rows();
        }
      }
    }
    return n == 0
        ? new Evaluation(Double.NaN, Double.NaN, 0)
        : new Evaluation(lossSum / n, metricCount == 0 ? Double.NaN : metricSum / metricCount, n);
  }

  private static int correct(float[] p, float[] y, int classes) {
    int c = 0;
    for (int r = 0; r < p.length / classes; r++) {
      if (argmax(p, r * classes, classes) == argmax(y, r * classes, classes)) {
        c++;
      }
    }
    return c;
  }

  /** {correct, counted} over the rows whose target is not all zero. */
  private static int[] correctWithTargets(float[] p, float[] y, int classes) {
    int c = 0;
    int counted = 0;
    for (int r = 0; r < p.length / classes; r++) {
      int t = argmax(y, r * classes, classes);
      if (y[r * classes + t] <= 0) {
        continue;
      }
      counted++;
      if (argmax(p, r * classes, classes) == t) {
        c++;
      }
    }
    return new int[] {c, counted};
  }

  private static int argmax(float[] v, int from, int n) {
    int best = 0;
    for (int k = 1; k < n; k++) {
      if (v[from + k] > v[from + best]) {
        best = k;
      }
    }
    return best;
  }

  private static double absError(float[] p, float[] y) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += Math.abs(p[i] - y[i]);
    }
    return s;
  }

  /** The attention weights of the first attention layer on a few validation examples. */
  @SuppressWarnings("try")
  private Optional<AttentionSample> attentionSample(int in) throws IOException {
    // the attention layer closest to the output: for sequences, the one that picks what to read
    int index = AttentionWeights.lastSource(model);
    if (index < 0) {
      return Optional.empty();
    }
    Batch b;
    try (Batches.Stream s =
        batches.validationRows() > 0
            ? batches.validation(ATTENTION_EXAMPLES)
            : batches.training(0, ATTENTION_EXAMPLES, false)) {
      b = s.next();
    }
    if (b == null) {
      return Optional.empty();
    }
    double[][] weights;
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      SequenceLayout layout = batches.dataset().sequence();
      Feed.forward(
          model,
          Feed.of(backend, b, in, batches.dataset().outputs(), layout),
          layout,
          ForwardContext.inference());
      weights = AttentionWeights.of(model, index);
    }
    if (weights == null) {
      return Optional.empty();
    }
    int rows = weights.length;
    int cols = weights[0].length;
    List<String> examples = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      examples.add("example " + (r + 1));
    }
    List<String> positions = new ArrayList<>();
    for (int c = 0; c < cols; c++) {
      positions.add(cols == in ? batches.dataset().inputNames().get(c) : "position " + c);
    }
    return Optional.of(
        new AttentionSample(
            weights,
            positions,
            examples,
            "attention weights of layer " + index + " on " + rows + " validation examples"));
  }
}
