package dev.heed.core.backend.replay;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Runs a step through captured {@link Plan}s, for any number of threads: the first two runs of a
 * key capture the step while running it eagerly ({@link ReplayBackend#capture}, then {@link
 * ReplayBackend#recapture}, which keeps the plan only when both runs made the same calls with the
 * same arguments); later runs replay a plan. A key whose capture was refused runs eagerly from then
 * on. A plan that reads a buffer released since its capture (a parameter, or an optimizer's state
 * started afresh) is dropped; that run is eager and the next ones capture the step again.
 *
 * <p>A plan's buffers are the scratch of one run at a time, so each key keeps a pool of plans: a
 * run takes an idle one and gives it back, and a new one is captured only when every plan of the
 * key is busy, so a key holds as many plans as it ever had concurrent runs (at most {@link
 * #MAX_PLANS_PER_KEY}; beyond that, and beyond {@link #MAX_KEYS} keys, runs are eager). Plans
 * belong to no thread, so short-lived threads (a virtual thread per request) leave nothing behind.
 *
 * <p>The key must determine everything about the step except its input values: the shapes (a batch
 * size) and any option that changes which kernels run. The step takes its inputs as Java arrays,
 * uploads them (through tensors made from those very arrays), and returns the arrays it downloaded
 * its results into.
 *
 * @param <K> the step's key
 */
public final class StepReplay<K> implements AutoCloseable {
  /** How many keys get plans. */
  public static final int MAX_KEYS = 8;

  /** How many plans one key keeps (its concurrent runs). */
  public static final int MAX_PLANS_PER_KEY = 16;

  private static final System.Logger LOG = System.getLogger(StepReplay.class.getName());

  /** An idle plan; unconfirmed until a second run agreed with it. */
  private record Slot(Plan plan, boolean confirmed) {}

  /** A key's plans. */
  private static final class Entry {
    final AtomicInteger eagerRuns = new AtomicInteger();
    final ConcurrentLinkedDeque<Slot> idle = new ConcurrentLinkedDeque<>();
    final AtomicInteger plans = new AtomicInteger();
    volatile boolean refused;
  }

  private final ReplayBackend backend;
  private final int warmUp;
  private final ConcurrentHashMap<K, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Plan> all = new ConcurrentLinkedQueue<>();
  private final LongAdder replays = new LongAdder();
  private final LongAdder runs = new LongAdder();
  // why the first refused capture was refused, for a user's report
  private volatile String refusal;
  private volatile boolean closed;

  /** Steps on {@code backend}, which the model was built on; the first run of a key captures. */
  public StepReplay(ReplayBackend backend) {
    this(backend, 0);
  }

  /**
   * Steps on {@code backend} whose first {@code warmUp} runs per key run eagerly before the
   * captures: a training step's first run creates state that outlives it (an optimizer's moments),
   * which a capture would refuse.
   */
  public StepReplay(ReplayBackend backend, int warmUp) {
    if (warmUp < 0) {
      throw new IllegalArgumentException("warm-up runs must be at least 0, found " + warmUp);
    }
    this.backend = backend;
    this.warmUp = warmUp;
  }

  /**
   * Runs {@code step} on {@code inputs}, replaying a plan of {@code key} when one is idle.
   *
   * @return the step's outputs (from the replay, or from {@code step} itself)
   */
  public Object[] run(K key, Object[] inputs, Function<Object[], Object[]> step) {
    runs.increment();
    if (closed || backend.isCapturing()) {
      return step.apply(inputs);
    }
    Entry e = entries.get(key);
    if (e == null) {
      if (entries.size() >= MAX_KEYS) {
        return step.apply(inputs);
      }
      e = entries.computeIfAbsent(key, k -> new Entry());
    }
    if (e.refused) {
      return step.apply(inputs);
    }
    if (warmUp > 0 && e.eagerRuns.get() < warmUp && e.eagerRuns.incrementAndGet() <= warmUp) {
      return step.apply(inputs);
    }
    Slot slot = e.idle.poll();
    if (slot != null && slot.plan().isStale()) {
      // a buffer it reads was replaced (an optimizer's state started afresh, say): this run is
      // eager, so that it makes what the step keeps again, and the next ones capture anew
      all.remove(slot.plan());
      slot.plan().close();
      e.plans.decrementAndGet();
      return step.apply(inputs);
    }
    if (slot != null && slot.confirmed()) {
      try {
        Object[] out = slot.plan().newOutputs();
        slot.plan().replay(inputs, out);
        replays.increment();
        return out;
      } finally {
        e.idle.push(slot);
      }
    }
    if (slot == null && e.plans.incrementAndGet() > MAX_PLANS_PER_KEY) {
      e.plans.decrementAndGet();
      return step.apply(inputs);
    }
    Plan first = slot == null ? null : slot.plan();
    Object[] out;
    Optional<Plan> plan;
    String why = null;
    try (Capture capture =
        first == null ? backend.capture(inputs) : backend.recapture(first, inputs)) {
      out = step.apply(inputs);
      plan = capture.finish(out);
      if (plan.isEmpty()) {
        why = capture.refusal().orElse("refused");
        String reason = why;
        LOG.log(Level.DEBUG, () -> "step " + key + " runs eagerly: " + reason);
      }
    } finally {
      if (first != null) {
        all.remove(first);
        first.close();
      }
    }
    if (plan.isPresent()) {
      all.add(plan.get());
      e.idle.push(new Slot(plan.get(), first != null));
      if (closed) {
        close();
      }
    } else {
      if (refusal == null) {
        refusal = why;
      }
      e.refused = true;
      e.plans.decrementAndGet();
    }
    return out;
  }

  /** How many runs were replays of a plan (the others ran eagerly or were captured). */
  public long replayCount() {
    return replays.sum();
  }

  /** How many steps were run through {@link #run}, replayed or not. */
  public long runCount() {
    return runs.sum();
  }

  /**
   * Why the first capture that was refused was refused (its key's steps then ran eagerly), if one
   * was: a data-dependent host step, an update of separate kernels, and so on.
   */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** How many plans the keys hold (confirmed or waiting for their second run). */
  public int planCount() {
    return all.size();
  }

  /** Closes every plan. Only when no thread is running a step any more. */
  @Override
  public void close() {
    closed = true;
    Plan p;
    while ((p = all.poll()) != null) {
      p.close();
    }
  }
}
