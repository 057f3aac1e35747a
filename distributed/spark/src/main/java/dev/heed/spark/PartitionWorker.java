package dev.heed.spark;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.heed.assembly.HeedModule;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.config.TrainingConfig;
import dev.heed.assembly.data.Batch;
import dev.heed.assembly.data.Batches;
import dev.heed.assembly.train.OptimizerStep;
import dev.heed.core.backend.Backend;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One partition's trainer on an executor: the model, optimizer and schedule built from the config,
 * and the epoch's batch stream, kept between rounds so that a round continues where the last one
 * stopped. Every round starts from the driver's averaged parameters and optimizer state, so a
 * worker that is new (a retried task, another executor) gives the same result as one that ran the
 * earlier rounds: it reopens the epoch's stream and skips to the round's first step.
 *
 * <p>The partition's share of the data is rows {@code [p·n/P, (p+1)·n/P)} of every global
 * mini-batch of {@code n} rows, as the single-process trainer draws them (same seed, same shuffle):
 * so the partitions together see exactly the batches one process would. Each executor reads the
 * whole stream to find its rows. Not thread-safe: one task of a partition at a time.
 */
final class PartitionWorker {
  private final HeedConfig config;
  private final int partition;
  private final int partitions;
  private final Backend backend;
  private final Sequential model;
  private final Optimizer optimizer;
  private final Schedule schedule;
  private final Batches batches;
  private final OptimizerStep stepper;
  private final TrainingConfig training;

  private Batches.Stream stream;
  private int streamEpoch;
  private int streamStep;

  PartitionWorker(HeedConfig config, String backendOverride, int partition, int partitions) {
    this.config = config;
    this.partition = partition;
    this.partitions = partitions;
    this.training = config.training();
    Injector injector =
        Guice.createInjector(new HeedModule(config, backendOverride, PluginSet.shared()));
    this.backend = injector.getInstance(Backend.class);
    this.model = injector.getInstance(Sequential.class);
    this.optimizer = injector.getInstance(Optimizer.class);
    this.schedule =
        injector.getInstance(Key.get(new TypeLiteral<Optional<Schedule>>() {})).orElse(null);
    this.batches = injector.getInstance(Batches.class);
    Loss loss = injector.getInstance(Loss.class);
    this.stepper =
        new OptimizerStep(backend, model, List.of(), loss, optimizer, training, batches.dataset());
    if (schedule != null) {
      schedule.start(optimizer);
    }
  }

  /** Runs {@code round} from its broadcast state and returns what the driver averages. */
  @SuppressWarnings("try")
  Round.Result run(Round round) throws IOException {
    try (Scope s = Scope.open()) {
      StateDicts.load(model, TensorData.toTensors(round.parameters(), backend));
      optimizer.loadState(TensorData.toTensors(round.optimizerState(), backend));
    }
    for (int g = 0; g < round.learningRates().length; g++) {
      optimizer.setLearningRate(g, round.learningRates()[g]);
    }
    if (schedule != null) {
      schedule.loadState(round.scheduleState());
    }
    seek(round.epoch(), round.firstStep());
    long[] rows = new long[round.steps()];
    double[] lossSums = new double[round.steps()];
    long step = round.globalStep();
    long started = System.nanoTime();
    for (int k = 0; k < round.steps(); k++) {
      List<Batch> share = nextShare();
      step++;
      if (!share.isEmpty()) {
        for (Batch b : share) {
          rows[k] += b.rows();
        }
        // dropout draws of this partition and step, the same on any executor and any attempt
        Seeds seeds = new Seeds(config.seed() ^ (0x9E3779B97F4A7C15L * step) ^ partition);
        lossSums[k] = stepper.run(share, ForwardContext.training(seeds), seeds) * rows[k];
      }
      if (schedule != null) {
        schedule.afterStep(optimizer, step);
      }
    }
    long computeNanos = System.nanoTime() - started;
    Map<String, TensorData> params;
    Map<String, TensorData> state;
    try (Scope s = Scope.open()) {
      params = TensorData.of(StateDicts.of(model));
      Map<String, Tensor> opt = optimizer.state();
      state = TensorData.of(opt);
    }
    return new Round.Result(partition, rows, lossSums, params, state, computeNanos);
  }

  /** Positions the stream before step {@code step} (0-based) of {@code epoch}. */
  private void seek(int epoch, int step) throws IOException {
    if (stream != null && streamEpoch == epoch && streamStep == step) {
      return;
    }
    if (stream != null) {
      stream.close();
    }
    stream = batches.training(epoch, training.batchSize(), training.shuffle());
    streamEpoch = epoch;
    streamStep = 0;
    for (long skip = (long) step * training.accumulate(); skip > 0; skip--) {
      if (stream.next() == null) {
        break;
      }
    }
    streamStep = step;
  }

  /** This partition's rows of the next step's global batches (empty ones left out). */
  private List<Batch> nextShare() throws IOException {
    List<Batch> share = new ArrayList<>();
    for (int i = 0; i < training.accumulate(); i++) {
      Batch b = stream.next();
      if (b == null) {
        break;
      }
      int from = (int) ((long) partition * b.rows() / partitions);
      int to = (int) ((long) (partition + 1) * b.rows() / partitions);
      if (to > from) {
        share.add(rows(b, from, to));
      }
    }
    streamStep++;
    return share;
  }

  private static Batch rows(Batch b, int from, int to) {
    int xw = b.x().length / b.rows();
    int yw = b.y().length / b.rows();
    float[] x = new float[(to - from) * xw];
    float[] y = new float[(to - from) * yw];
    System.arraycopy(b.x(), from * xw, x, 0, x.length);
    System.arraycopy(b.y(), from * yw, y, 0, y.length);
    return new Batch(x, y, to - from);
  }

  /** Closes the stream and the backend. */
  void close() throws IOException {
    if (stream != null) {
      stream.close();
    }
    backend.close();
  }
}
