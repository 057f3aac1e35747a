package dev.heed.core.backend.replay;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.ElementwiseProgram;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-step scalars of a replayed step: the run-time parameters of the fused elementwise updates
 * that change from step to step while the kernels do not (Adam's bias correction, a scheduled
 * learning rate, anything an optimizer computes on the host from its step count).
 *
 * <p>A step marks its update with {@link #run(Runnable)}. Run eagerly, that only runs the update.
 * While a {@link Capture} records the step, the update's kernel calls are recorded as the step's
 * updates; when every one of them is a fused elementwise program ({@link
 * dev.heed.core.backend.FusedElementwise}), the plan does not repeat their captured parameters but
 * takes new ones at every replay from a <em>host pass</em>: before its kernels run, the plan runs
 * the update's Java code again with kernels switched off — an optimizer counts its step and
 * computes its scalars as it would eagerly, but every fused update it makes hands its parameters to
 * the plan instead of running ({@link #collect}), and any other kernel call is an error. The update
 * must therefore depend on nothing of the step but host state it keeps itself (an optimizer's
 * {@code step()}), and must make the same fused updates, on the same buffers, at every step; the
 * plan checks both. An update whose kernels are not all fused programs (an optimizer composed of
 * separate kernels, or any optimizer on a backend without fused programs) cannot be replayed this
 * way: its host state would not advance, so such a step's capture is refused and it runs eagerly.
 *
 * <p>Code that updates state in place through {@code Elementwise.fusedInto} calls {@link #collect}
 * first; an optimizer that skips parameters without a gradient asks {@link #expects} during a host
 * pass, where no gradient exists on the host (the plan computes them).
 */
public final class ScalarPass {
  /** What the current thread is doing: recording updates for a capture, or a host pass. */
  private static final ThreadLocal<ScalarPass> CURRENT = new ThreadLocal<>();

  /** The capture that listens on this thread for {@link #run} calls, while it records. */
  private static final ThreadLocal<Capture> LISTENER = new ThreadLocal<>();

  // how many host passes and listening captures run on any thread: while both are 0, every check
  // on the hot path (each kernel, each fused update, each seed drawn) is one read of a counter
  private static final AtomicInteger HOST_PASSES = new AtomicInteger();
  private static final AtomicInteger LISTENING = new AtomicInteger();

  /** A fused update of a host pass: the program, its parameters and its target buffers. */
  record Collected(ElementwiseProgram program, double[] parameters, Buffer[] targets) {}

  // set for a capture's region: the update being recorded
  private final Runnable update;
  // set for a host pass
  private final Set<Buffer> expected;
  private final List<Collected> collected;

  private ScalarPass(Runnable update, Set<Buffer> expected) {
    this.update = update;
    this.expected = expected;
    this.collected = expected == null ? null : new ArrayList<>();
  }

  /**
   * Runs {@code update}, the part of a step whose fused elementwise updates take per-step scalars
   * (an optimizer's step): eagerly, while a capture records it, or as a plan's host pass.
   */
  public static void run(Runnable update) {
    ScalarPass now = CURRENT.get();
    if (now != null && now.expected != null) {
      // a host pass of a plan whose update calls this one: it belongs to the same pass
      update.run();
      return;
    }
    Capture c = listener();
    if (c == null) {
      update.run();
      return;
    }
    c.updateStarted(update);
    CURRENT.set(new ScalarPass(update, null));
    try {
      update.run();
    } finally {
      CURRENT.set(now);
    }
  }

  /**
   * Hands a fused in-place update to the host pass running on this thread, if any.
   *
   * @param targets the buffers the program writes (the tensors' buffers, as the backend got them)
   * @return true when a host pass took the update, which must then not run; false otherwise
   */
  public static boolean collect(ElementwiseProgram program, double[] parameters, Buffer[] targets) {
    ScalarPass p = CURRENT.get();
    if (p == null || p.expected == null) {
      return false;
    }
    Buffer[] inner = new Buffer[targets.length];
    for (int i = 0; i < targets.length; i++) {
      if (!(targets[i] instanceof ReplayBuffer r)) {
        throw new IllegalStateException(
            "the host pass of a replayed step made an update on a buffer of another backend");
      }
      inner[i] = r.inner;
    }
    p.collected.add(new Collected(program, parameters.clone(), inner));
    return true;
  }

  /**
   * During a host pass: whether the captured step updated {@code parameter} (a buffer its update
   * wrote). An optimizer that skips parameters without a gradient updates these instead, since the
   * gradients exist only in the plan. Outside a host pass: false.
   */
  public static boolean expects(Buffer parameter) {
    ScalarPass p = CURRENT.get();
    return p != null
        && p.expected != null
        && parameter instanceof ReplayBuffer r
        && p.expected.contains(r.inner);
  }

  /**
   * Whether a host pass runs on this thread: kernels are then an error, and fused updates go to
   * {@link #collect}.
   */
  public static boolean inHostPass() {
    if (HOST_PASSES.get() == 0) {
      return false;
    }
    ScalarPass p = CURRENT.get();
    return p != null && p.expected != null;
  }

  /** Whether this thread is inside an update that a capture records. */
  static boolean inUpdate() {
    ScalarPass p = CURRENT.get();
    return p != null && p.update != null;
  }

  /** The capture listening on this thread, or null. */
  static Capture listener() {
    return LISTENING.get() == 0 ? null : LISTENER.get();
  }

  static void listen(Capture c) {
    if (LISTENER.get() == null) {
      LISTENING.incrementAndGet();
    }
    LISTENER.set(c);
  }

  static void stopListening(Capture c) {
    if (LISTENER.get() == c) {
      LISTENER.remove();
      LISTENING.decrementAndGet();
    }
  }

  /**
   * Runs {@code updates} with kernels switched off and returns the fused updates they made, in
   * order.
   *
   * @param expected the buffers the captured updates wrote (the delegate's)
   */
  static List<Collected> hostPass(List<Runnable> updates, Set<Buffer> expected) {
    ScalarPass before = CURRENT.get();
    ScalarPass pass = new ScalarPass(null, expected);
    CURRENT.set(pass);
    HOST_PASSES.incrementAndGet();
    try {
      for (Runnable u : updates) {
        u.run();
      }
    } finally {
      HOST_PASSES.decrementAndGet();
      CURRENT.set(before);
    }
    return pass.collected;
  }

  /** An empty identity set, for {@link #hostPass}'s expected buffers. */
  static Set<Buffer> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }
}
