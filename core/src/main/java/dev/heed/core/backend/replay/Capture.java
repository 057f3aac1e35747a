package dev.heed.core.backend.replay;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The recording of one step on one thread, started by {@link ReplayBackend#capture}. The step runs
 * eagerly while its kernel calls are recorded; {@link #finish} then makes a {@link Plan} of them,
 * or refuses when a replay could differ from running the step again, and says why:
 *
 * <ul>
 *   <li>a host read (download) followed by more kernels: the step may branch on the values read;
 *   <li>random numbers (the random kernel, attention dropout): a replay would repeat the draw;
 *   <li>an upload from host memory that is not one of the declared inputs (derived or constant data
 *       would be replayed with the captured values);
 *   <li>indices (INT32 data) uploaded from anything but a declared {@code int[]} input, or used for
 *       anything but the indices of {@code gather} and {@code scatterAdd}: core checks their range
 *       where they are uploaded, and {@link Plan#replay} checks the new ones against the bounds
 *       that the kernels reading them recorded, before it runs anything;
 *   <li>a download into an array that is not one of the step's outputs, or that does not fill an
 *       output array exactly;
 *   <li>a buffer the step allocated that is still in use after it (a tensor kept beyond the step's
 *       scope would see the next replay's values).
 * </ul>
 *
 * <p>A refused capture records nothing more; the step goes on eagerly and its results are right.
 * {@link #close()} abandons a capture that was not finished. Not thread-safe: one thread records.
 */
public final class Capture implements AutoCloseable {
  private record PendingDownload(
      int call, Object array, long byteOffset, Buffer src, long srcOffset, long count) {}

  private final ReplayBackend backend;
  private final Object[] inputs;
  private final List<Call> calls = new ArrayList<>();
  private final Set<ReplayBuffer> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<ReplayBuffer> owned = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<ReplayBuffer> allocations = new ArrayList<>();
  private final Plan previous;
  private final List<PendingDownload> downloads = new ArrayList<>();
  // the updates the step ran through ScalarPass.run, and whether one made other than fused calls
  private final List<Runnable> updates = new ArrayList<>();
  private boolean unfusedUpdate;

  // the seed streams the step drew from (input slots, in order of first draw), each one's first
  // position and number of draws, and where each drawn seed came from
  private record Draw(int slot, long draw) {}

  private final List<Integer> streamSlots = new ArrayList<>();
  private final List<long[]> streamDraws = new ArrayList<>();
  private final Map<Long, Draw> seeds = new HashMap<>();
  private boolean hostRead;
  private String refusal;
  private boolean done;

  Capture(ReplayBackend backend, Plan previous, Object[] inputs) {
    for (int i = 0; i < inputs.length; i++) {
      HostArrays.segment(inputs[i], "input " + i);
    }
    this.backend = backend;
    this.previous = previous;
    this.inputs = inputs;
    ScalarPass.listen(this);
  }

  /** Why the step cannot be replayed, once something refused it. */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  void refuse(String why) {
    if (refusal == null) {
      refusal = why;
    }
  }

  private boolean recording() {
    return refusal == null && !done;
  }

  private void pin(Buffer b) {
    if (b != null) {
      ReplayBuffer r = (ReplayBuffer) b;
      if (pinned.add(r)) {
        r.pin();
      }
    }
  }

  void allocated(ReplayBuffer b, boolean zeroed) {
    if (!recording()) {
      return;
    }
    pin(b);
    owned.add(b);
    allocations.add(b);
    if (zeroed) {
      // a replay reuses the buffer, so the zeros that allocate() promised are written again
      calls.add(new Call.Zero(b.inner));
    }
  }

  /** The capture listening on this thread for updates and seed draws, or null. */
  static Capture listening() {
    return ScalarPass.listener();
  }

  void drawn(SeedStream stream, long position, long seed) {
    if (!recording()) {
      return;
    }
    int slot = -1;
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == stream) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      refuse(
          "the step draws seeds from a seed stream that is not one of its declared inputs, so a"
              + " replay could not tell which stream to draw the next step's from");
      return;
    }
    int i = streamSlots.indexOf(slot);
    if (i < 0) {
      i = streamSlots.size();
      streamSlots.add(slot);
      streamDraws.add(new long[] {position, 0});
    }
    long[] d = streamDraws.get(i);
    if (position != d[0] + d[1]) {
      refuse("the step moved a seed stream other than by drawing from it");
      return;
    }
    d[1]++;
    seeds.put(seed, new Draw(slot, position - d[0]));
  }

  /**
   * A random kernel (or attention with dropout) whose seed must be one of the step's draws from a
   * seed stream; recorded as {@link Call.Seeded}, or refused.
   */
  void seeded(Call call, long seed, Buffer... operands) {
    if (!recording()) {
      return;
    }
    Draw d = seeds.get(seed);
    if (d == null) {
      refuse(
          "the step draws random numbers from a seed that is not a draw of a seed stream in the"
              + " step, so a replay could not draw the next step's");
      return;
    }
    kernel(new Call.Seeded(Call.Seeded.withSeed(call, 0), d.slot(), d.draw()), operands);
  }

  /** The input slots of the seed streams the step drew from, in order of first draw. */
  int[] streamSlots() {
    return streamSlots.stream().mapToInt(Integer::intValue).toArray();
  }

  /** How many seeds the step drew from each of {@link #streamSlots()}. */
  long[] drawCounts() {
    long[] n = new long[streamDraws.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = streamDraws.get(i)[1];
    }
    return n;
  }

  void updateStarted(Runnable update) {
    if (recording()) {
      updates.add(update);
    }
  }

  void kernel(Call call, Buffer... operands) {
    if (!recording()) {
      return;
    }
    if (ScalarPass.inUpdate()) {
      if (call instanceof Call.Elementwise e) {
        call = new Call.Update(e);
      } else {
        unfusedUpdate = true;
      }
    }
    if (hostRead) {
      refuse(
          "the step runs kernels after reading values back to the host, so it may depend on them");
      return;
    }
    for (Buffer b : operands) {
      pin(b);
    }
    calls.add(call);
  }

  void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    if (!recording()) {
      return;
    }
    if (hostRead) {
      refuse("the step uploads data after reading values back to the host");
      return;
    }
    Object base = host.heapBase().orElse(null);
    if (dst.dtype() == DType.INT32 && !(base instanceof int[])) {
      // core checks an index's range where it is uploaded; a plan checks only its int[] inputs
      refuse(
          "the step uploads indices from host memory that is not an int[] (a plan checks the range"
              + " of indices uploaded from its declared int[] inputs only)");
      return;
    }
    int slot = -1;
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == base) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      refuse(
          "the step uploads host data that is not one of its declared inputs (a replay would reuse"
              + " the captured values)");
      return;
    }
    pin(dst);
    calls.add(
        new Call.Upload(
            slot, HostArrays.byteOffset(host, base), ReplayBackend.in(dst), dstOffset, count));
  }

  void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    if (!recording()) {
      return;
    }
    hostRead = true;
    Object base = host.heapBase().orElse(null);
    if (base == null) {
      refuse("the step reads values into native memory; a plan's outputs are Java arrays");
      return;
    }
    pin(src);
    downloads.add(
        new PendingDownload(
            calls.size(),
            base,
            HostArrays.byteOffset(host, base),
            ReplayBackend.in(src),
            srcOffset,
            count));
    calls.add(null); // resolved to an output slot by finish
  }

  /**
   * Ends the capture. {@code outputs} are the arrays the step's final downloads filled (each one
   * filled by one download, in full), in the order {@link Plan#replay} fills them.
   *
   * @return the plan, or empty when the step cannot be replayed ({@link #refusal()} says why)
   */
  public Optional<Plan> finish(Object... outputs) {
    if (done) {
      throw new IllegalStateException("the capture was already finished or closed");
    }
    done = true;
    backend.stopped(this);
    ScalarPass.stopListening(this);
    if (refusal == null) {
      resolveDownloads(outputs);
    }
    if (refusal == null && unfusedUpdate) {
      refuse(
          "the step's update (ScalarPass.run) made kernel calls other than fused elementwise"
              + " programs (an optimizer composed of separate kernels, or a backend without fused"
              + " programs), so a replay could not advance its host state");
    }
    if (refusal == null) {
      for (ReplayBuffer b : owned) {
        if (!b.isReleased()) {
          refuse(
              "a buffer the step allocated is still in use after it (a tensor kept beyond the"
                  + " step's scope would see the next replay's values)");
          break;
        }
      }
    }
    if (refusal == null) {
      // the plan makes the same analysis of its recorded calls for the checks it runs
      IndexInputs.of(calls).refusal().ifPresent(this::refuse);
    }
    if (refusal == null && previous != null) {
      verify(outputs);
    }
    if (refusal != null) {
      release();
      return Optional.empty();
    }
    List<ReplayBuffer> external = new ArrayList<>();
    for (ReplayBuffer b : pinned) {
      if (!owned.contains(b)) {
        external.add(b);
      }
    }
    List<Call> recorded = List.copyOf(calls);
    Fusion.fuse(calls, owned, backend.delegate());
    List<Call> scheduled = reuseScratch();
    // the step's buffers that fusion or scratch reuse left without a use are freed now
    Set<Buffer> used = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Call c : scheduled) {
      c.with(b -> {
        used.add(b);
        return b;
      });
    }
    List<ReplayBuffer> kept = new ArrayList<>();
    for (ReplayBuffer b : pinned) {
      if (owned.contains(b) && !used.contains(b.inner)) {
        b.unpin();
      } else {
        kept.add(b);
      }
    }
    return Optional.of(
        new Plan(
            backend.delegate(),
            recorded,
            scheduled,
            inputs.clone(),
            outputs.clone(),
            kept,
            external,
            allocations,
            updates,
            streamSlots(),
            drawCounts()));
  }

  /**
   * The recorded calls with the step's own buffers reused: a buffer whose last use has passed
   * serves a later buffer of the same type and size, as a memory pool does in eager execution, so
   * the plan keeps the step's peak of live buffers instead of every intermediate (and the data it
   * touches stays warm in cache). A buffer is free only after the call of its last use, so no call
   * sees two of its operands share memory that did not share it when captured.
   */
  private List<Call> reuseScratch() {
    Set<Buffer> mine = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ReplayBuffer b : owned) {
      mine.add(b.inner);
    }
    IdentityHashMap<Buffer, Integer> lastUse = new IdentityHashMap<>();
    List<List<Buffer>> touched = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      List<Buffer> t = new ArrayList<>();
      int index = i;
      calls
          .get(i)
          .with(b -> {
            if (b != null && mine.contains(b)) {
              t.add(b);
              lastUse.put(b, index);
            }
            return b;
          });
      touched.add(t);
    }
    record Kind(DType dtype, long size) {}
    Map<Kind, ArrayDeque<Buffer>> free = new HashMap<>();
    IdentityHashMap<Buffer, Buffer> assigned = new IdentityHashMap<>();
    List<Call> scheduled = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      for (Buffer b : touched.get(i)) {
        if (!assigned.containsKey(b)) {
          ArrayDeque<Buffer> pool = free.get(new Kind(b.dtype(), b.size()));
          Buffer physical = pool == null || pool.isEmpty() ? b : pool.pop();
          assigned.put(b, physical);
        }
      }
      scheduled.add(calls.get(i).with(b -> b == null ? null : assigned.getOrDefault(b, b)));
      for (Buffer b : touched.get(i)) {
        if (lastUse.get(b) == i) {
          lastUse.put(b, -1); // released once, even when a call names it twice
          free.computeIfAbsent(new Kind(b.dtype(), b.size()), k -> new ArrayDeque<>())
              .push(assigned.get(b));
        }
      }
    }
    return scheduled;
  }

  /**
   * Refuses unless this run did what the previous capture's did: the same calls with the same
   * arguments, on the same outside buffers and on buffers allocated in the same order. A scalar
   * that changed (Adam's bias correction, a scheduled learning rate, a counter kept on the host)
   * would be replayed with its captured value, so a step is replayed only when two runs agree.
   */
  private void verify(Object[] outputs) {
    String changed =
        "the step's kernels or their arguments changed between two runs (a per-step scalar such as"
            + " Adam's bias correction or a scheduled learning rate, or state kept on the host);"
            + " a replay would repeat the captured ones";
    List<ReplayBuffer> before = previous.allocations();
    if (before.size() != allocations.size()
        || previous.recorded().length != calls.size()
        || previous.updateCount() != updates.size()
        || !previous.sameDraws(streamSlots(), drawCounts())
        || !previous.sameArrays(inputs, outputs)) {
      refuse(changed);
      return;
    }
    IdentityHashMap<Buffer, Buffer> onto = new IdentityHashMap<>();
    for (int i = 0; i < before.size(); i++) {
      ReplayBuffer now = allocations.get(i);
      ReplayBuffer then = before.get(i);
      if (now.dtype() != then.dtype() || now.size() != then.size()) {
        refuse(changed);
        return;
      }
      onto.put(now.inner, then.inner);
    }
    Call[] was = previous.recorded();
    for (int i = 0; i < was.length; i++) {
      Call mapped = calls.get(i).with(b -> b == null ? null : onto.getOrDefault(b, b));
      boolean same =
          mapped instanceof Call.Update u && was[i] instanceof Call.Update w
              ? u.sameButParameters(w)
              : mapped.equals(was[i]);
      if (!same) {
        refuse(changed);
        return;
      }
    }
  }

  private void resolveDownloads(Object[] outputs) {
    boolean[] filled = new boolean[outputs.length];
    for (PendingDownload d : downloads) {
      int slot = -1;
      for (int i = 0; i < outputs.length; i++) {
        if (outputs[i] == d.array()) {
          slot = i;
          break;
        }
      }
      long bytes = HostArrays.segment(d.array(), "output").byteSize();
      if (slot < 0
          || filled[slot]
          || d.byteOffset() != 0
          || d.count() * d.src().dtype().byteSize() != bytes) {
        refuse(
            "the step reads values into an array that is not one of its outputs, or does not fill"
                + " an output exactly once");
        return;
      }
      filled[slot] = true;
      calls.set(d.call(), new Call.Download(slot, 0, d.src(), d.srcOffset(), d.count()));
    }
    for (int i = 0; i < outputs.length; i++) {
      if (!filled[i]) {
        refuse("output " + i + " was not read from the device by the step");
        return;
      }
    }
  }

  private void release() {
    for (ReplayBuffer b : pinned) {
      b.unpin();
    }
    pinned.clear();
    owned.clear();
  }

  /** Abandons the capture when it was not finished: the buffers it kept are released. */
  @Override
  public void close() {
    if (!done) {
      done = true;
      backend.stopped(this);
      ScalarPass.stopListening(this);
      refuse("the capture was closed before it was finished");
      release();
    }
  }
}
