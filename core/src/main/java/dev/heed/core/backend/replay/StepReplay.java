package dev.heed.core.backend.replay;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Runs a step through captured {@link Plan}s: the first two calls for a key on a thread capture the
 * step while running it eagerly ({@link ReplayBackend#capture}, then {@link
 * ReplayBackend#recapture}, which keeps the plan only when both runs made the same calls with the
 * same arguments), later calls with that key on that thread replay the plan. A key whose capture
 * was refused runs eagerly from then on. Each thread keeps its own plans (a plan's buffers are its
 * scratch), at most {@link #MAX_PLANS_PER_THREAD} of them; keys beyond that run eagerly.
 *
 * <p>The key must determine everything about the step except its input values: the shapes (a batch
 * size) and any option that changes which kernels run. The step takes its inputs as Java arrays,
 * uploads them (through tensors made from those very arrays), and returns the arrays it downloaded
 * its results into.
 *
 * @param <K> the step's key
 */
public final class StepReplay<K> implements AutoCloseable {
  /** How many plans one thread keeps. */
  public static final int MAX_PLANS_PER_THREAD = 8;

  private static final System.Logger LOG = System.getLogger(StepReplay.class.getName());
  private static final Object REFUSED = new Object();

  /** A key's plan of its first run, waiting for the second run to confirm it. */
  private record First(Plan plan) {}

  private final ReplayBackend backend;
  private final ThreadLocal<Map<K, Object>> plans = ThreadLocal.withInitial(HashMap::new);
  private final ConcurrentLinkedQueue<Plan> all = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  /** Steps on {@code backend}, which the model was built on. */
  public StepReplay(ReplayBackend backend) {
    this.backend = backend;
  }

  /**
   * Runs {@code step} on {@code inputs}, replaying its plan for {@code key} when this thread has
   * one.
   *
   * @return the step's outputs (from the replay, or from {@code step} itself)
   */
  public Object[] run(K key, Object[] inputs, Function<Object[], Object[]> step) {
    if (closed || backend.isCapturing()) {
      return step.apply(inputs);
    }
    Map<K, Object> mine = plans.get();
    Object known = mine.get(key);
    if (known instanceof Plan plan) {
      Object[] out = plan.newOutputs();
      plan.replay(inputs, out);
      return out;
    }
    if (known == REFUSED || (known == null && mine.size() >= MAX_PLANS_PER_THREAD)) {
      return step.apply(inputs);
    }
    Plan first = known instanceof First f ? f.plan() : null;
    Object[] out;
    Optional<Plan> plan;
    try (Capture capture =
        first == null ? backend.capture(inputs) : backend.recapture(first, inputs)) {
      out = step.apply(inputs);
      plan = capture.finish(out);
      if (plan.isEmpty()) {
        LOG.log(
            Level.DEBUG,
            () -> "step " + key + " runs eagerly: " + capture.refusal().orElse("refused"));
      }
    } finally {
      if (first != null) {
        all.remove(first);
        first.close();
      }
    }
    if (plan.isPresent()) {
      mine.put(key, first == null ? new First(plan.get()) : plan.get());
      all.add(plan.get());
      if (closed) {
        close();
      }
    } else {
      mine.put(key, REFUSED);
    }
    return out;
  }

  /** How many plans the threads hold (confirmed or waiting for their second run). */
  public int planCount() {
    return all.size();
  }

  /** Closes every thread's plans. Only when no thread is running a step any more. */
  @Override
  public void close() {
    closed = true;
    Plan p;
    while ((p = all.poll()) != null) {
      p.close();
    }
  }
}
