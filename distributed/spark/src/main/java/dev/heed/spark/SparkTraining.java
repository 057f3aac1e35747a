package dev.heed.spark;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.heed.assembly.HeedModule;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.config.TrainingConfig;
import dev.heed.assembly.data.Batches;
import dev.heed.assembly.data.Normalization;
import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.MetricsCsv;
import dev.heed.assembly.train.RunLock;
import dev.heed.assembly.train.StopRule;
import dev.heed.assembly.train.Trainer;
import dev.heed.assembly.train.TrainerState;
import dev.heed.core.backend.Backend;
import dev.heed.core.io.AtomicFile;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Sequential;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Data-parallel training of a Heed config on Spark executors, driven from the driver.
 *
 * <p>The run goes in rounds. The driver broadcasts the parameters, the optimizer state, the
 * learning rates and the schedule state; each of {@code P} partitions (one Spark task each) takes
 * {@code distributed.average_every} = K local optimizer steps on its share of the next K global
 * mini-batches ({@link PartitionWorker}); the driver averages the parameters and the optimizer
 * state weighted by the rows each partition trained on ({@link Averaging}) and starts the next
 * round. A round ends at an epoch's end at the latest. After every epoch the driver validates,
 * applies the stopping rule and writes a checkpoint in the run-directory format of the
 * single-process trainer (config.yaml, weights.safetensors, optimizer.safetensors, trainer.json,
 * metrics.csv, committed atomically), so {@code heed predict}, {@code heed eval} and {@code heed
 * serve} read it unchanged, and a restarted driver resumes from the last committed epoch.
 *
 * <p>With K = 1 and plain SGD a round is exactly one step of the global batch (up to float
 * rounding); with K &gt; 1, or with an optimizer whose update is not linear in the gradient (Adam),
 * it is local SGD: the averaged parameters and moments approximate, not equal, single-process
 * training. A failed task is retried by Spark from the round's broadcast state, so a retry gives
 * the same result as the first attempt would have.
 */
public final class SparkTraining {
  private static final System.Logger LOG = System.getLogger(SparkTraining.class.getName());
  private static final String CONFIG = "config.yaml";

  private final JavaSparkContext spark;
  private final HeedConfig config;
  private final String backendOverride;
  private RoundTask.FailOnce failOnce;
  private String shippedData;
  private RoundListener rounds = (epoch, steps, rows, wallNanos, computeNanos) -> {};

  /** Hears the timing of every round, for benchmarks. */
  @FunctionalInterface
  public interface RoundListener {
    /**
     * @param epoch the epoch
     * @param steps optimizer steps in the round
     * @param rows rows trained on, all partitions together
     * @param wallNanos the round's time on the driver: broadcast, tasks, collect and averaging
     * @param computeNanos the longest time a partition spent on its steps
     */
    void onRound(int epoch, int steps, long rows, long wallNanos, long computeNanos);
  }

  /** Sets the listener that hears every round's timing. */
  public SparkTraining rounds(RoundListener listener) {
    this.rounds = listener;
    return this;
  }

  /**
   * @param spark the Spark context (its master decides where the partitions run)
   * @param config the resolved config
   * @param backendOverride a backend name replacing the config's, or null
   */
  public SparkTraining(JavaSparkContext spark, HeedConfig config, String backendOverride) {
    this.spark = spark;
    this.config = config;
    this.backendOverride = backendOverride;
  }

  /**
   * Makes the first attempt of {@code partition}'s task in round {@code round} fail, as a killed
   * task would: for fault drills and tests (Spark retries it when its master allows task retries,
   * for example {@code local[2,3]}).
   */
  public SparkTraining failOnce(int round, int partition) {
    this.failOnce = new RoundTask.FailOnce(round, partition);
    return this;
  }

  /**
   * Has the executors open the data from the file {@code fileName} that was shipped to them with
   * {@link JavaSparkContext#addFile} (instead of the config's {@code data.path}).
   */
  public SparkTraining shippedData(String fileName) {
    this.shippedData = fileName;
    return this;
  }

  /** The partitions the run uses: {@code distributed.partitions}, else Spark's parallelism. */
  public int partitions() {
    int p = config.distributed().partitions();
    return p > 0 ? p : spark.defaultParallelism();
  }

  /**
   * Trains into {@code runDir}: a new run when it is absent or empty, else the continuation of the
   * run it holds (from its last committed checkpoint; the run's own config.yaml is the one to
   * pass).
   *
   * @param listener hears the plan, every step, every epoch and the end; may be null
   */
  @SuppressWarnings("try") // the lock is held for the try block's duration
  public TrainResult train(Path runDir, TrainingListener listener) throws IOException {
    Files.createDirectories(runDir);
    try (RunLock owner = RunLock.acquire(runDir)) {
      Injector injector =
          Guice.createInjector(new HeedModule(config, backendOverride, PluginSet.shared()));
      Backend backend = injector.getInstance(Backend.class);
      try {
        return train(
            runDir, injector, backend, listener == null ? new TrainingListener() {} : listener);
      } finally {
        backend.close();
      }
    }
  }

  private TrainResult train(
      Path runDir, Injector injector, Backend backend, TrainingListener listener)
      throws IOException {
    Sequential model = injector.getInstance(Sequential.class);
    Optimizer optimizer = injector.getInstance(Optimizer.class);
    Loss loss = injector.getInstance(Loss.class);
    Schedule schedule =
        injector.getInstance(Key.get(new TypeLiteral<Optional<Schedule>>() {})).orElse(null);
    Batches batches = injector.getInstance(Batches.class);
    TrainingConfig training = config.training();
    TrainerState state = start(runDir, injector, model, optimizer, backend);

    long trainRows = batches.trainRows();
    if (trainRows == 0) {
      throw new ConfigException(
          "the data has no training examples; expected at least one: lower"
              + " training.validation_split or add data");
    }
    int stepsPerEpoch =
        (int) ((trainRows + training.examplesPerStep() - 1) / training.examplesPerStep());
    int averageEvery = config.distributed().averageEvery();
    int partitions = partitions();
    if (schedule != null) {
      schedule.start(optimizer);
      if (!state.scheduleState().isEmpty()) {
        schedule.loadState(state.scheduleState());
      }
    }
    listener.onStart(
        new TrainingPlan(
            state.epoch() + 1,
            training.epochs(),
            stepsPerEpoch,
            trainRows,
            batches.validationRows(),
            "spark " + spark.master() + " × " + partitions + " partitions",
            config.seed()));
    String runId = UUID.randomUUID().toString();
    String yaml = config.toYaml();
    JavaRDD<Integer> parts =
        spark.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions);
    List<EpochEvent> history = new ArrayList<>(state.history());
    long step = state.step();
    double best = state.bestLoss();
    int bad = state.badEpochs();
    int epoch = state.epoch();
    long elapsedBefore = state.elapsedMillis();
    StopRule rule = new StopRule(training.stop(), training.epochs());
    String reason = state.stopReason();
    if (reason != null && !history.isEmpty()) {
      reason = rule.reason(history.getLast(), bad);
    }
    if (reason == null && epoch >= training.epochs()) {
      reason = "max epochs";
    }
    int roundNumber = 0;
    try {
      while (reason == null) {
        epoch++;
        long started = System.nanoTime();
        double lossSum = 0;
        long seen = 0;
        for (int first = 0; first < stepsPerEpoch; first += averageEvery) {
          int steps = Math.min(averageEvery, stepsPerEpoch - first);
          roundNumber++;
          Round round =
              new Round(
                  roundNumber,
                  epoch,
                  first,
                  steps,
                  step,
                  hostCopy(() -> StateDicts.of(model)),
                  hostCopy(optimizer::state),
                  learningRates(optimizer),
                  schedule == null ? Map.of() : schedule.state());
          long roundStarted = System.nanoTime();
          Broadcast<Round> shared = spark.broadcast(round);
          List<Round.Result> results;
          try {
            results =
                parts
                    .map(
                        new RoundTask(
                            runId,
                            yaml,
                            backendOverride,
                            partitions,
                            shared,
                            failOnce,
                            shippedData))
                    .collect();
          } finally {
            shared.destroy();
          }
          long[] weights = new long[results.size()];
          List<Map<String, TensorData>> params = new ArrayList<>();
          List<Map<String, TensorData>> states = new ArrayList<>();
          for (int i = 0; i < results.size(); i++) {
            weights[i] = results.get(i).totalRows();
            params.add(results.get(i).parameters());
            states.add(results.get(i).optimizerState());
          }
          load(
              model,
              optimizer,
              backend,
              Averaging.average(params, weights),
              Averaging.average(states, weights));
          long compute = 0;
          long roundRows = 0;
          for (Round.Result r : results) {
            compute = Math.max(compute, r.computeNanos());
            roundRows += r.totalRows();
          }
          rounds.onRound(epoch, steps, roundRows, System.nanoTime() - roundStarted, compute);
          for (int k = 0; k < steps; k++) {
            long rows = 0;
            double sum = 0;
            for (Round.Result r : results) {
              rows += r.rows()[k];
              sum += r.lossSums()[k];
            }
            step++;
            if (schedule != null) {
              schedule.afterStep(optimizer, step);
            }
            lossSum += sum;
            seen += rows;
            double seconds = (System.nanoTime() - started) / 1e9;
            listener.onStep(
                new StepEvent(
                    epoch,
                    first + k + 1,
                    stepsPerEpoch,
                    rows == 0 ? Double.NaN : sum / rows,
                    seconds > 0 ? seen / seconds : 0));
          }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Trainer.Evaluation e =
            Trainer.evaluate(
                model,
                loss,
                backend,
                batches.validation(training.batchSize()),
                batches.dataset().inputs(),
                batches.dataset().outputs(),
                batches.dataset().classification(),
                batches.dataset().sequence());
        double validationLoss = Double.NaN;
        if (e.examples() > 0) {
          metrics.put(batches.dataset().classification() ? "val_accuracy" : "val_mae", e.metric());
          validationLoss = e.loss();
        }
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
        Checkpoints.save(
            runDir,
            model,
            optimizer,
            new TrainerState(
                epoch,
                step,
                config.seed(),
                0,
                elapsed,
                best,
                bad,
                schedule == null ? Map.of() : schedule.state(),
                reason,
                history));
        LOG.log(
            System.Logger.Level.DEBUG,
            () -> "epoch " + event.epoch() + " loss " + event.trainLoss());
        listener.onEpoch(event);
      }
    } finally {
      // the executors' workers of this run are not needed any more; a failure here (the context
      // is gone) must not hide the one that ended the run
      try {
        parts.foreach(p -> RoundTask.forgetRun(runId));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "could not drop the executors' workers", e);
      }
    }
    TrainResult result = new TrainResult(runDir, epoch, reason, history, Optional.empty());
    listener.onEnd(result);
    return result;
  }

  /** A new run's config.yaml and normalization, or a resumed run's committed state. */
  private TrainerState start(
      Path runDir, Injector injector, Sequential model, Optimizer optimizer, Backend backend)
      throws IOException {
    boolean empty;
    try (Stream<Path> s = Files.list(runDir)) {
      empty = s.allMatch(p -> p.getFileName().toString().equals(RunLock.FILE));
    }
    if (empty) {
      AtomicFile.write(runDir.resolve(CONFIG), config.toYaml().getBytes(StandardCharsets.UTF_8));
      Optional<Normalization> n =
          injector.getInstance(Key.get(new TypeLiteral<Optional<Normalization>>() {}));
      if (n.isPresent()) {
        n.get().save(runDir);
      }
      return TrainerState.initial(config.seed());
    }
    if (!Files.isRegularFile(runDir.resolve(CONFIG))) {
      throw new ConfigException(
          runDir
              + ": the run directory is not empty and holds no run; expected an empty or new"
              + " directory");
    }
    Checkpoints.recover(runDir);
    if (!Checkpoints.committed(runDir)) {
      return TrainerState.initial(config.seed());
    }
    TrainerState state = TrainerState.load(runDir);
    Checkpoints.load(runDir, model, optimizer, state, backend);
    MetricsCsv.write(runDir, state.history());
    return state;
  }

  /** Host copies of the tensors {@code tensors} makes, which are freed. */
  @SuppressWarnings("try")
  private static Map<String, TensorData> hostCopy(Supplier<Map<String, Tensor>> tensors) {
    try (Scope s = Scope.open()) {
      return TensorData.of(tensors.get());
    }
  }

  private static double[] learningRates(Optimizer optimizer) {
    double[] lr = new double[optimizer.groups().size()];
    for (int g = 0; g < lr.length; g++) {
      lr[g] = optimizer.learningRate(g);
    }
    return lr;
  }

  @SuppressWarnings("try")
  private static void load(
      Sequential model,
      Optimizer optimizer,
      Backend backend,
      Map<String, TensorData> params,
      Map<String, TensorData> state) {
    try (Scope s = Scope.open()) {
      StateDicts.load(model, TensorData.toTensors(params, backend));
      optimizer.loadState(TensorData.toTensors(state, backend));
    }
  }
}
