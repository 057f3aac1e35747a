package dev.heed.assembly.train;

import dev.heed.assembly.api.ReplayReport;
import dev.heed.assembly.config.TrainingConfig;
import dev.heed.assembly.data.Batch;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.backend.replay.ScalarPass;
import dev.heed.core.backend.replay.StepReplay;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.optim.GradientClipping;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One optimizer step: the forward and backward passes of one or more mini-batches (gradient
 * accumulation), each split across data-parallel replicas of the model on threads, then gradient
 * clipping as {@code training} asks, then the optimizer's update. The trainer runs one per step; a
 * distributed engine runs them on its executors.
 *
 * <p>Every mini-batch's loss is weighted by its share of the step's rows, so the summed gradient of
 * {@code N} mini-batches of {@code b} rows is the gradient of the mean loss over all {@code N·b}
 * rows, as one batch of {@code N·b} would give (exactly so for losses that are a mean over rows,
 * such as mse and cross-entropy over rows; a per-position sequence loss that skips padding weights
 * positions within each mini-batch).
 *
 * <p>Replica 0 is the model itself; replicas 1…R−1 are models of the same config whose parameters
 * are set to the model's before every step. Replica {@code r} takes the contiguous rows {@code
 * [r·n/R, (r+1)·n/R)} of every mini-batch of {@code n} rows and back-propagates into its own
 * parameters; the model's gradients then get replica 1's, 2's … added in that order, so the result
 * depends on R but never on thread timing. With R > 1, replica {@code r}'s dropout draws come from
 * a seed stream of its own, derived from the run's forward seeds. Not thread-safe: one step at a
 * time. The replicas' threads end by themselves a few seconds after the last step.
 *
 * <p><b>Replay.</b> On a {@link ReplayBackend} with one replica, the step is captured and replayed
 * ({@link StepReplay}, per list of mini-batch sizes): its first run is eager (it makes the
 * optimizer's state), the next two capture it, and the following ones replay the plan — the same
 * kernels on the same buffers, the optimizer's per-step scalars from a host pass of its update
 * ({@link ScalarPass}). The replayed step clears the gradients at its end (nothing it allocates
 * outlives it) and reads the losses after the update; the results are the eager ones. Token
 * sequences go in as their host arrays ({@link Feed.Host}: ids checked by the plan at every replay,
 * the padding mask built on the device from float flags; the key tells padded batches apart), and
 * dropout draws the next seeds of the run's forward seeds at every replay ({@code SeedStream}). A
 * step that a replay could get wrong runs eagerly from its first capture on: host data a layer
 * uploads in every call, a host read inside the step, an optimizer whose update is not made of
 * fused programs (see {@link ScalarPass}).
 */
public final class OptimizerStep implements AutoCloseable {
  private final Backend backend;
  private final Sequential model;
  private final List<Sequential> copies;
  private final Loss loss;
  private final Optimizer optimizer;
  private final TrainingConfig training;
  private final SequenceLayout layout;
  private final int in;
  private final int out;
  private static final long IDLE_SECONDS = 5;
  private final ThreadPoolExecutor pool;
  // captured plans of the step per list of mini-batch sizes; null without replay
  private final StepReplay<List<Integer>> replay;
  // the steps run, replayed or not; one caller at a time (the trainer's loop)
  private long steps;

  /**
   * @param backend where the model lives
   * @param model the model (replica 0)
   * @param copies replicas 1…R−1 (empty for one replica), built from the model's config
   * @param loss the loss
   * @param optimizer the optimizer over the model's parameters
   * @param training the clipping settings
   * @param dataset the data set the batches come from (its widths and sequence layout)
   */
  public OptimizerStep(
      Backend backend,
      Sequential model,
      List<Sequential> copies,
      Loss loss,
      Optimizer optimizer,
      TrainingConfig training,
      Dataset dataset) {
    this.backend = backend;
    this.model = model;
    this.copies = List.copyOf(copies);
    this.loss = loss;
    this.optimizer = optimizer;
    this.training = training;
    this.layout = dataset.sequence();
    this.in = dataset.inputs();
    this.out = dataset.outputs();
    this.pool =
        copies.isEmpty()
            ? null
            : new ThreadPoolExecutor(
                copies.size(),
                copies.size(),
                IDLE_SECONDS,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                r -> {
                  Thread t = new Thread(r, "heed-replica");
                  t.setDaemon(true);
                  return t;
                });
    if (pool != null) {
      // the threads end on their own once training stops: nobody has to close this
      pool.allowCoreThreadTimeOut(true);
    }
    this.replay =
        backend instanceof ReplayBackend r && copies.isEmpty() ? new StepReplay<>(r, 1) : null;
  }

  /** How the steps run so far ran, replayed or eagerly and why. */
  public ReplayReport replayReport() {
    if (replay != null) {
      return new ReplayReport(steps, replay.replayCount(), replay.refusal());
    }
    return new ReplayReport(
        steps,
        0,
        Optional.of(
            copies.isEmpty()
                ? "replay is off (training.replay: false, or -Dheed.replay=false)"
                : "data-parallel replicas (training.replicas > 1) step eagerly"));
  }

  /** Releases the captured plans' buffers; later steps run eagerly. */
  @Override
  public void close() {
    if (replay != null) {
      replay.close();
    }
  }

  /** Replicas, the model included. */
  public int replicas() {
    return copies.size() + 1;
  }

  /**
   * Clears the gradients, adds the gradient of the mean loss over all rows of {@code batches},
   * clips it and updates the parameters.
   *
   * @param batches one or more mini-batches, not empty
   * @param ctx the forward context of the model (one replica)
   * @param forwardSeeds the run's forward seeds, from which replicas draw theirs (R > 1)
   * @return the mean loss over the rows of {@code batches}
   */
  @SuppressWarnings("try")
  public double run(List<Batch> batches, ForwardContext ctx, Seeds forwardSeeds) {
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("an optimizer step needs at least one mini-batch");
    }
    steps++;
    if (copies.isEmpty()) {
      return oneReplica(batches, ctx);
    }
    try (Scope s = Scope.open()) {
      optimizer.zeroGrad();
      double value = accumulate(batches, ctx, forwardSeeds);
      clip();
      optimizer.step();
      return value;
    }
  }

  /**
   * The step of one replica, through {@link #replay} when replay is on: its inputs are the batches'
   * host arrays ({@link Feed.Host}) and the forward context's seeds (dropout draws from them), its
   * outputs each mini-batch's loss, read after the update; the key is the batches' sizes, negative
   * for a batch with padding (which builds a mask).
   */
  private double oneReplica(List<Batch> batches, ForwardContext ctx) {
    List<Feed.Host> hosts = new ArrayList<>(batches.size());
    List<Object> inputs = new ArrayList<>();
    Integer[] key = new Integer[batches.size()];
    long total = 0;
    for (int i = 0; i < key.length; i++) {
      Feed.Host h = Feed.host(batches.get(i), in, layout);
      hosts.add(h);
      inputs.addAll(List.of(h.arrays()));
      key[i] = h.padded() == null ? h.rows() : -h.rows();
      total += h.rows();
    }
    // the forward seeds: dropout draws from them, and a replay draws the next step's there
    inputs.add(ctx.seeds());
    // the step reads the host arrays themselves: they are the inputs it is run or captured on
    Object[] losses =
        replay == null
            ? replayableStep(hosts, ctx)
            : replay.run(List.of(key), inputs.toArray(), a -> replayableStep(hosts, ctx));
    if (hosts.size() == 1) {
      return value(losses[0]);
    }
    double sum = 0;
    for (int i = 0; i < hosts.size(); i++) {
      sum += value(losses[i]) * hosts.get(i).rows();
    }
    return sum / total;
  }

  private static double value(Object loss) {
    return loss instanceof float[] f ? f[0] : ((double[]) loss)[0];
  }

  /**
   * The step of one replica, its kernels in the order a capture can replay: every mini-batch's
   * forward and backward pass, clipping, the update, then the losses read back; the gradients are
   * cleared at the end.
   */
  @SuppressWarnings("try")
  private Object[] replayableStep(List<Feed.Host> batches, ForwardContext ctx) {
    long total = 0;
    for (Feed.Host b : batches) {
      total += b.rows();
    }
    try (Scope s = Scope.open()) {
      optimizer.zeroGrad();
      Tensor[] values = new Tensor[batches.size()];
      for (int i = 0; i < values.length; i++) {
        Feed.Host b = batches.get(i);
        double weight = batches.size() == 1 ? 1.0 : (double) b.rows() / total;
        // each mini-batch's activations are freed after its backward pass; its loss is kept
        try (Scope pass = Scope.open()) {
          Feed.Inputs f = Feed.of(backend, b, in, out, layout);
          Tensor value = loss.compute(Feed.forward(model, f, layout, ctx), f.y());
          (weight == 1.0 ? value : value.mul(weight)).backward();
          values[i] = pass.keep(value);
        }
      }
      clip();
      ScalarPass.run(optimizer::step);
      Object[] losses = new Object[values.length];
      for (int i = 0; i < values.length; i++) {
        losses[i] =
            values[i].dtype() == DType.FLOAT64
                ? values[i].toDoubleArray()
                : values[i].toFloatArray();
      }
      optimizer.zeroGrad();
      return losses;
    }
  }

  private void clip() {
    if (training.clipGradValue() != null) {
      GradientClipping.clipByValue(
          GradientClipping.parameters(optimizer), training.clipGradValue());
    }
    if (training.clipGradNorm() != null) {
      GradientClipping.clipByNorm(GradientClipping.parameters(optimizer), training.clipGradNorm());
    }
  }

  /**
   * With two or more replicas: adds the gradient of the mean loss over all rows of {@code batches}
   * to the model's parameters (whose gradients the caller has cleared) and returns that mean loss.
   */
  private double accumulate(List<Batch> batches, ForwardContext ctx, Seeds forwardSeeds) {
    long rows = 0;
    for (Batch b : batches) {
      rows += b.rows();
    }
    long total = rows;
    int replicas = replicas();
    // the seeds of every replica and mini-batch, drawn here in a fixed order
    long[] bases = new long[batches.size()];
    for (int m = 0; m < bases.length; m++) {
      bases[m] = forwardSeeds.next();
    }
    List<Future<Double>> running = new ArrayList<>();
    for (int r = 1; r < replicas; r++) {
      int replica = r;
      running.add(pool.submit(() -> replicaPass(replica, batches, bases, total)));
    }
    double sum = replicaPass(0, batches, bases, total);
    RuntimeException failure = null;
    for (Future<Double> f : running) {
      try {
        sum += f.get();
      } catch (ExecutionException e) {
        failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IllegalStateException("interrupted while replicas trained", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    reduce();
    return sum / total;
  }

  /** Replica {@code r}'s share of every mini-batch; returns its loss sum (loss × rows). */
  private double replicaPass(int r, List<Batch> batches, long[] bases, long total) {
    Sequential m = r == 0 ? model : copies.get(r - 1);
    if (r > 0) {
      copyParameters(model, m);
    }
    int replicas = replicas();
    double sum = 0;
    for (int i = 0; i < batches.size(); i++) {
      Batch b = batches.get(i);
      int from = (int) ((long) r * b.rows() / replicas);
      int to = (int) ((long) (r + 1) * b.rows() / replicas);
      if (to == from) {
        continue;
      }
      Batch shard = rows(b, from, to);
      ForwardContext ctx =
          ForwardContext.training(new Seeds(bases[i] ^ (0x9E3779B97F4A7C15L * (r + 1))));
      sum += pass(m, shard, (double) shard.rows() / total, ctx) * shard.rows();
    }
    return sum;
  }

  /** Forward and backward of {@code b} with its loss scaled by {@code weight}; the plain loss. */
  @SuppressWarnings("try")
  private double pass(Sequential m, Batch b, double weight, ForwardContext ctx) {
    try (Scope s = Scope.open()) {
      Feed.Inputs f = Feed.of(backend, b, in, out, layout);
      Tensor value = loss.compute(Feed.forward(m, f, layout, ctx), f.y());
      (weight == 1.0 ? value : value.mul(weight)).backward();
      return value.item();
    }
  }

  /** Rows {@code [from, to)} of {@code b}. */
  private Batch rows(Batch b, int from, int to) {
    int xw = b.x().length / b.rows();
    int yw = b.y().length / b.rows();
    float[] x = new float[(to - from) * xw];
    float[] y = new float[(to - from) * yw];
    System.arraycopy(b.x(), from * xw, x, 0, x.length);
    System.arraycopy(b.y(), from * yw, y, 0, y.length);
    return new Batch(x, y, to - from);
  }

  /** Sets {@code target}'s parameter values to {@code source}'s and clears its gradients. */
  @SuppressWarnings("try")
  private static void copyParameters(Sequential source, Sequential target) {
    List<Parameter> from = source.parameters();
    List<Parameter> to = target.parameters();
    try (GradMode off = GradMode.disable()) {
      for (int i = 0; i < from.size(); i++) {
        to.get(i).zeroGrad();
        Elementwise.assign(to.get(i).value(), from.get(i).value());
      }
    }
  }

  /** Adds replica 1's, 2's … gradients to the model's, in that order. */
  @SuppressWarnings("try")
  private void reduce() {
    List<Parameter> master = model.parameters();
    for (Sequential copy : copies) {
      List<Parameter> ps = copy.parameters();
      for (int i = 0; i < master.size(); i++) {
        Tensor g = ps.get(i).grad();
        if (g == null) {
          continue;
        }
        Parameter p = master.get(i);
        if (p.grad() != null) {
          try (GradMode off = GradMode.disable()) {
            Elementwise.addInPlace(p.grad(), g);
          }
        } else {
          // the model's own share did not reach this parameter: its gradient becomes g, through
          // the tape (d/dp Σ p·g = g)
          try (Scope s = Scope.open()) {
            p.value().mul(g.detach()).sum().backward();
          }
        }
      }
    }
  }
}
