package dev.heed.core.backend.replay;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The index inputs of a captured step and the range checks a {@link Plan} makes on them before it
 * runs any kernel.
 *
 * <p>Core checks indices where it makes them ({@code Tensors.indices} notes their bound as it
 * uploads them) and the index kernels ({@code gather}, {@code scatterAdd}) then skip reading them
 * back; a replay uploads new indices without that check. So a step may upload INT32 data only from
 * one of its declared {@code int[]} inputs, and only into buffers that the step then reads as the
 * indices of {@code gather} or {@code scatterAdd} and nothing else: each such call records its
 * bound (its {@code axis}), and the plan checks the host ints against the tightest bound of every
 * call that reads them, with the rule core applies (every index in {@code [0, axis)}, none
 * negative). Any other use of an uploaded index buffer (a copy, arithmetic, a read back, a write
 * into it) could carry an unchecked value somewhere, so the capture is refused.
 */
final class IndexInputs {
  /** A step that uploads no indices. */
  static final IndexInputs NONE = new IndexInputs(List.of(), null);

  /**
   * Host ints {@code input[slot][start, start + length)} must lie in {@code [0, bound)}, the range
   * of {@code kernel}'s {@code axis}.
   */
  record Check(String kernel, int slot, int start, int length, int bound) {}

  /** Part {@code [from, to)} of an index buffer, last uploaded from {@code input[slot][host…]}. */
  private record Segment(long from, long to, int slot, long host) {}

  private final List<Check> checks;
  private final String refusal;

  private IndexInputs(List<Check> checks, String refusal) {
    this.checks = checks;
    this.refusal = refusal;
  }

  /** Why the step's use of indices cannot be replayed safely, if it cannot. */
  Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  /**
   * Finds the step's index uploads and what reads them.
   *
   * @param calls the recorded calls (downloads resolved), over the delegate's buffers
   */
  static IndexInputs of(List<Call> calls) {
    Set<Buffer> indexBuffers = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Call c : calls) {
      if (c instanceof Call.Upload u && u.dst().dtype() == DType.INT32) {
        indexBuffers.add(u.dst());
      }
    }
    if (indexBuffers.isEmpty()) {
      return NONE;
    }
    Map<Buffer, List<Segment>> written = new IdentityHashMap<>();
    // per uploaded host range, the tightest bound of the calls that read it
    Map<List<Integer>, Check> checks = new LinkedHashMap<>();
    for (Call c : calls) {
      switch (c) {
        case Call.Upload u when indexBuffers.contains(u.dst()) ->
            write(
                written.computeIfAbsent(u.dst(), b -> new ArrayList<>()),
                new Segment(
                    u.dstOffset(),
                    u.dstOffset() + u.count(),
                    u.slot(),
                    u.hostByteOffset() / Integer.BYTES));
        case Call.Gather g when indexBuffers.contains(g.indices()) -> {
          String why =
              indexUse("gather", g.src(), g.y(), g.indices(), g.count(), g.axis(), written, checks);
          if (why != null) {
            return new IndexInputs(List.of(), why);
          }
        }
        case Call.ScatterAdd s when indexBuffers.contains(s.indices()) -> {
          String why =
              indexUse(
                  "scatterAdd", s.src(), s.y(), s.indices(), s.count(), s.axis(), written, checks);
          if (why != null) {
            return new IndexInputs(List.of(), why);
          }
        }
        // the zeros that allocate() promised, written before the indices are uploaded
        case Call.Zero z when !written.containsKey(z.dst()) -> {}
        default -> {
          boolean[] reads = new boolean[1];
          c.with(b -> {
            if (b != null && indexBuffers.contains(b)) {
              reads[0] = true;
            }
            return b;
          });
          if (reads[0]) {
            return new IndexInputs(
                List.of(),
                "the step uploads indices and uses them other than as the indices of gather or"
                    + " scatterAdd ("
                    + c.getClass().getSimpleName()
                    + "), where a replay could not check their range");
          }
        }
      }
    }
    return new IndexInputs(List.copyOf(checks.values()), null);
  }

  /** Records an upload: the part it covers now comes from its host range. */
  private static void write(List<Segment> segments, Segment s) {
    List<Segment> kept = new ArrayList<>();
    for (Segment old : segments) {
      if (old.to() <= s.from() || old.from() >= s.to()) {
        kept.add(old);
        continue;
      }
      if (old.from() < s.from()) {
        kept.add(new Segment(old.from(), s.from(), old.slot(), old.host()));
      }
      if (old.to() > s.to()) {
        kept.add(new Segment(s.to(), old.to(), old.slot(), old.host() + (s.to() - old.from())));
      }
    }
    kept.add(s);
    kept.sort((a, b) -> Long.compare(a.from(), b.from()));
    segments.clear();
    segments.addAll(kept);
  }

  /**
   * An index kernel reading {@code [0, count)} of {@code indices}: the host ranges that were
   * uploaded there get {@code axis} as a bound. Returns why this cannot be replayed, or null.
   */
  private static String indexUse(
      String kernel,
      Buffer src,
      Buffer y,
      Buffer indices,
      int count,
      int axis,
      Map<Buffer, List<Segment>> written,
      Map<List<Integer>, Check> checks) {
    if (src == indices || y == indices) {
      return "the step uploads indices and "
          + kernel
          + " reads or writes them as data, where a replay could not check their range";
    }
    List<Segment> segments = written.getOrDefault(indices, List.of());
    long covered = 0;
    for (Segment s : segments) {
      if (s.from() >= count) {
        break;
      }
      if (s.to() <= covered) {
        continue;
      }
      if (s.from() > covered) {
        break;
      }
      long from = covered;
      long to = Math.min(s.to(), count);
      int slot = s.slot();
      int start = Math.toIntExact(s.host() + (from - s.from()));
      int length = Math.toIntExact(to - from);
      checks.merge(
          List.of(slot, start, length),
          new Check(kernel, slot, start, length, axis),
          (a, b) -> a.bound() <= b.bound() ? a : b);
      covered = to;
    }
    if (covered < count) {
      return kernel
          + " reads indices that the step did not upload (all of them) from its declared inputs"
          + " before the call, where a replay could not check their range";
    }
    return null;
  }

  /**
   * Checks the host ints of {@code in} (the replay's inputs, of the captured types and lengths)
   * against every bound, before the plan runs anything.
   *
   * @throws IllegalArgumentException naming the first index out of range, where and the valid range
   */
  void check(Object[] in) {
    for (Check c : checks) {
      int[] ids = (int[]) in[c.slot()];
      int end = c.start() + c.length();
      for (int j = c.start(); j < end; j++) {
        int index = ids[j];
        if (index < 0 || index >= c.bound()) {
          throw new IllegalArgumentException(
              c.kernel()
                  + ": index "
                  + index
                  + " at position "
                  + j
                  + " of input "
                  + c.slot()
                  + " (int["
                  + ids.length
                  + "]) is outside the valid range [0, "
                  + c.bound()
                  + "); the plan ran nothing");
        }
      }
    }
  }
}
