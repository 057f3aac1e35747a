package dev.heed.core.backend.replay;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A captured step: the kernel calls it made, in order, over buffers allocated once, replayed
 * without tensors, tape, scopes or allocation. {@link #replay} writes new host data into the step's
 * input buffers (the uploads it made), runs the kernels again and reads the step's outputs (the
 * downloads that ended it) into the arrays given. The plan keeps every buffer it uses alive until
 * {@link #close()}.
 *
 * <p>A plan gives the results the step would give when run again eagerly on inputs of the same
 * types and lengths, as long as the step depends on nothing but its inputs' values and buffers that
 * outlive it (parameters, which it reads as they are at the time of the replay). It refuses to run
 * when one of those outside buffers has been released since the capture. Not thread-safe: replay a
 * plan from one thread at a time.
 *
 * <p>A step that marked its update with {@link ScalarPass#run} (an optimizer's step) gets that
 * update's per-step scalars at every replay: before any kernel, the plan runs the update as a host
 * pass (its Java code, kernels off: step counts advance, scalars are computed) and replays the
 * update's fused calls with the parameters it computed.
 */
public final class Plan implements AutoCloseable {
  private final Backend delegate;
  private final Call[] recorded;
  private final Call[] calls;
  private final Object[] inputs;
  private final Object[] outputs;
  private final List<ReplayBuffer> pinned;
  private final List<ReplayBuffer> external;
  private final List<ReplayBuffer> allocations;
  // the step's updates (ScalarPass.run), run as a host pass before each replay, and the positions
  // in calls of the fused updates they make, whose parameters the host pass gives
  private final List<Runnable> updates;
  private final int[] updateCalls;
  private final Set<Buffer> updated;
  private final IndexInputs indexInputs;
  // the input slots of the seed streams the step drew from, and how many seeds from each
  private final int[] streams;
  private final long[] draws;
  private boolean closed;

  Plan(
      Backend delegate,
      List<Call> recorded,
      List<Call> calls,
      Object[] inputs,
      Object[] outputs,
      List<ReplayBuffer> pinned,
      List<ReplayBuffer> external,
      List<ReplayBuffer> allocations,
      List<Runnable> updates,
      int[] streams,
      long[] draws) {
    this.delegate = delegate;
    this.recorded = recorded.toArray(Call[]::new);
    this.calls = calls.toArray(Call[]::new);
    this.inputs = inputs;
    this.outputs = outputs;
    this.pinned = pinned;
    this.external = external;
    this.allocations = List.copyOf(allocations);
    // the range checks of the index inputs (a capture refuses indices that a replay cannot check)
    this.indexInputs = IndexInputs.of(recorded);
    this.updates = List.copyOf(updates);
    this.streams = streams.clone();
    this.draws = draws.clone();
    int n = 0;
    for (Call c : this.calls) {
      if (c instanceof Call.Update) {
        n++;
      }
    }
    this.updateCalls = new int[n];
    this.updated = ScalarPass.identitySet();
    n = 0;
    for (int i = 0; i < this.calls.length; i++) {
      if (this.calls[i] instanceof Call.Update u) {
        updateCalls[n++] = i;
        updated.addAll(Arrays.asList(u.call().outputs()));
      }
    }
  }

  /** Whether the step drew as many seeds from the streams of the same input slots. */
  boolean sameDraws(int[] slots, long[] n) {
    return Arrays.equals(slots, streams) && Arrays.equals(n, draws);
  }

  /**
   * Whether a buffer the plan reads but does not own (a parameter, an optimizer's moment) was
   * released since the capture — replaced by a restored state, say — so that the plan cannot run
   * and the step must be captured again.
   */
  public boolean isStale() {
    for (ReplayBuffer b : external) {
      if (b.isReleased()) {
        return true;
      }
    }
    return false;
  }

  /** How many updates ({@link ScalarPass#run}) the step ran. */
  int updateCount() {
    return updates.size();
  }

  /**
   * How many of the plan's calls are fused updates whose run-time parameters a host pass gives at
   * every replay ({@link ScalarPass}).
   */
  public int updateCallCount() {
    return updateCalls.length;
  }

  /** The calls as the capture recorded them, before scratch reuse (for a recapture to compare). */
  Call[] recorded() {
    return recorded;
  }

  /**
   * How many buffers of its own the plan keeps: after scratch reuse, the step's peak of live
   * buffers per type and size rather than every intermediate it allocated.
   */
  public int ownBufferCount() {
    return pinned.size() - external.size();
  }

  /** How many buffers the captured step allocated. */
  public int allocationCount() {
    return allocations.size();
  }

  /** The delegate's buffers the step allocated, in order. */
  List<ReplayBuffer> allocations() {
    return allocations;
  }

  /** Whether {@code in} and {@code out} have the captured arrays' types and lengths. */
  boolean sameArrays(Object[] in, Object[] out) {
    if (in.length != inputs.length || out.length != outputs.length) {
      return false;
    }
    for (int i = 0; i < in.length; i++) {
      if (!HostArrays.matches(in[i], inputs[i])) {
        return false;
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (!HostArrays.matches(out[i], outputs[i])) {
        return false;
      }
    }
    return true;
  }

  /** The number of calls a replay makes (kernels, uploads and downloads), after fusion. */
  public int size() {
    return calls.length;
  }

  /** The number of calls the capture recorded, before adjacent elementwise calls were fused. */
  public int recordedSize() {
    return recorded.length;
  }

  /** The number of input arrays {@link #replay} takes. */
  public int inputCount() {
    return inputs.length;
  }

  /** New arrays of the types and lengths of the step's outputs, for {@link #replay}. */
  public Object[] newOutputs() {
    Object[] o = new Object[outputs.length];
    for (int i = 0; i < o.length; i++) {
      o[i] = HostArrays.like(outputs[i]);
    }
    return o;
  }

  /**
   * Runs the step again on new input values.
   *
   * @param in arrays of the captured inputs' types and lengths, in their order
   * @param out arrays of the outputs' types and lengths ({@link #newOutputs()}), filled here
   * @throws IllegalArgumentException when an array's type or length differs from the captured one
   *     (a step of another shape needs a capture of its own), or an index in an {@code int[]} input
   *     lies outside the range of a kernel that reads it (checked before any kernel runs, as core
   *     checks indices where it uploads them)
   * @throws IllegalStateException when the plan is closed, or a buffer it reads but does not own (a
   *     parameter) was released since the capture
   */
  public void replay(Object[] in, Object[] out) {
    if (closed) {
      throw new IllegalStateException("the plan is closed");
    }
    MemorySegment[] inSegments = segments("input", in, inputs);
    MemorySegment[] outSegments = segments("output", out, outputs);
    if (isStale()) {
      throw new IllegalStateException(
          "a buffer the captured step reads (a parameter or an input tensor made before it) was"
              + " released since the capture; capture the step again");
    }
    indexInputs.check(in);
    if (updates.isEmpty() && streams.length == 0) {
      for (Call c : calls) {
        c.run(delegate, inSegments, outSegments);
      }
      return;
    }
    // this step's draws: the streams move on as an eager run would move them
    long[] starts = new long[in.length];
    for (int s = 0; s < streams.length; s++) {
      SeedStream stream = (SeedStream) in[streams[s]];
      starts[streams[s]] = stream.position();
      stream.seek(starts[streams[s]] + draws[s]);
    }
    double[][] parameters = updates.isEmpty() ? null : hostPass();
    int next = 0;
    for (int i = 0; i < calls.length; i++) {
      if (next < updateCalls.length && updateCalls[next] == i) {
        ((Call.Update) calls[i]).run(parameters[next++]);
      } else if (calls[i] instanceof Call.Seeded s) {
        long seed = ((SeedStream) in[s.stream()]).seedAt(starts[s.stream()] + s.draw());
        Call.Seeded.withSeed(s.call(), seed).run(delegate, inSegments, outSegments);
      } else {
        calls[i].run(delegate, inSegments, outSegments);
      }
    }
  }

  /**
   * Runs the step's updates as a host pass and returns the parameters of each fused update, in the
   * order of {@link #updateCalls}, after checking that the updates are those captured.
   */
  private double[][] hostPass() {
    List<ScalarPass.Collected> got = ScalarPass.hostPass(updates, updated);
    boolean same = got.size() == updateCalls.length;
    for (int k = 0; same && k < got.size(); k++) {
      Call.Elementwise c = ((Call.Update) calls[updateCalls[k]]).call();
      same =
          c.program().equals(got.get(k).program())
              && Arrays.equals(c.outputs(), got.get(k).targets());
    }
    if (!same) {
      // the updates' host state (step counts) has advanced, so the step cannot run eagerly now
      throw new IllegalStateException(
          "the update of a replayed step made "
              + got.size()
              + " fused updates on the host where the captured step made "
              + updateCalls.length
              + ", or on other buffers; its host state has advanced, so the step cannot be redone"
              + " (turn replay off for this run)");
    }
    double[][] p = new double[got.size()][];
    for (int k = 0; k < p.length; k++) {
      p[k] = got.get(k).parameters();
    }
    return p;
  }

  private static MemorySegment[] segments(String what, Object[] given, Object[] captured) {
    if (given.length != captured.length) {
      throw new IllegalArgumentException(
          "the plan takes " + captured.length + " " + what + " arrays, found " + given.length);
    }
    MemorySegment[] s = new MemorySegment[given.length];
    for (int i = 0; i < given.length; i++) {
      if (!HostArrays.matches(given[i], captured[i])) {
        throw new IllegalArgumentException(
            what
                + " "
                + i
                + ": found "
                + (given[i] == null ? "null" : HostArrays.describe(given[i]))
                + ", expected "
                + HostArrays.describe(captured[i])
                + " as captured; a step of another shape needs its own capture");
      }
      s[i] = HostArrays.segment(given[i], what + " " + i);
    }
    return s;
  }

  /** Releases the buffers the plan kept (those the step allocated, and its pins on the others). */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (ReplayBuffer b : pinned) {
        b.unpin();
      }
    }
  }
}
