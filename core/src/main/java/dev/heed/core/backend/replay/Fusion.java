package dev.heed.core.backend.replay;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.ElementwiseProgram.Scalar;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Fuses runs of adjacent elementwise calls of a captured step into one {@link FusedElementwise}
 * call each, so that a replay makes one pass over memory where the step made one pass and one
 * intermediate array per operation (a loss derivative's {@code sub}, {@code square} and {@code
 * scale}, an activation's {@code 1 - y²}, an optimizer's update).
 *
 * <p>A run is a sequence of adjacent {@link Call.Unary}, {@link Call.Binary} and {@link
 * Call.Elementwise} calls whose operands are all contiguous from element 0, of one element count
 * and one type that the delegate's {@link FusedElementwise} {@linkplain FusedElementwise#supports
 * supports} (a broadcast operand, a view with an offset, or a fill ends the run). The run becomes
 * one {@link ElementwiseProgram} in the calls' order: a buffer read before the run writes it is an
 * input, read as it was when the run starts; a buffer written in the run is a register from then
 * on, so a later call reads the value as of its position, in place updates and buffers written
 * twice included. Element {@code e} of every result depends only on element {@code e} of the
 * operands, so evaluating the whole chain element by element gives what the calls gave one after
 * the other. A buffer written in the run is written out (its last value) unless the step allocated
 * it and nothing after the run uses it: such an intermediate is never written (nor zeroed), and the
 * capture then frees it. Nothing is reordered: a run covers adjacent calls only.
 *
 * <p>The results are those of the calls as the backend runs them one by one, within the {@link
 * FusedElementwise} contract: every step of a program is rounded to the element type as a separate
 * kernel rounds it ({@link ElementwiseProgram#evaluate}), which is bit for bit what core's
 * reference kernels compute. A backend without the capability, or one that does not support the
 * type, keeps its calls as recorded. A run is cut at {@value #MAX_BUFFERS} distinct buffers and
 * {@value #MAX_STEPS} steps, so that a program stays within what a device kernel takes as arguments
 * and what fits in cache per element chunk.
 */
final class Fusion {
  /** The most distinct buffers a fused run touches. */
  static final int MAX_BUFFERS = 16;

  /** The most steps of a fused program. */
  static final int MAX_STEPS = 64;

  private Fusion() {}

  /**
   * Replaces, in {@code calls}, every run of two or more fusible calls with one fused call, when
   * {@code delegate} offers {@link FusedElementwise}.
   *
   * @param calls the step's calls over the delegate's buffers, changed in place
   * @param owned the buffers the step allocated (its intermediates may vanish; others stay written)
   * @param delegate the backend the calls run on
   */
  static void fuse(List<Call> calls, Set<ReplayBuffer> owned, Backend delegate) {
    FusedElementwise f = delegate.capability(FusedElementwise.class).orElse(null);
    if (f == null) {
      return;
    }
    Set<Buffer> mine = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ReplayBuffer b : owned) {
      mine.add(b.inner);
    }
    List<Call> fused = fuse(calls, mine, f);
    calls.clear();
    calls.addAll(fused);
  }

  /**
   * {@code calls} with every run of two or more fusible calls replaced by one call of {@code f}.
   *
   * @param owned the buffers the step allocated
   */
  static List<Call> fuse(List<Call> calls, Set<Buffer> owned, FusedElementwise f) {
    IdentityHashMap<Buffer, Integer> lastUse = new IdentityHashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      int index = i;
      calls
          .get(i)
          .with(b -> {
            if (b != null) {
              lastUse.put(b, index);
            }
            return b;
          });
    }
    List<Call> out = new ArrayList<>(calls.size());
    int i = 0;
    while (i < calls.size()) {
      Kind kind = kind(calls.get(i), f);
      if (kind == null) {
        out.add(calls.get(i++));
        continue;
      }
      Set<Buffer> touched = Collections.newSetFromMap(new IdentityHashMap<>());
      touched.addAll(buffers(calls.get(i)));
      int steps = steps(calls.get(i));
      int j = i + 1;
      while (j < calls.size() && kind.equals(kind(calls.get(j), f))) {
        Set<Buffer> more = Collections.newSetFromMap(new IdentityHashMap<>());
        more.addAll(touched);
        more.addAll(buffers(calls.get(j)));
        int moreSteps = steps + steps(calls.get(j));
        if (more.size() > MAX_BUFFERS || moreSteps > MAX_STEPS) {
          break;
        }
        touched = more;
        steps = moreSteps;
        j++;
      }
      Call one = j - i < 2 ? null : program(calls.subList(i, j), kind, j - 1, lastUse, owned, f);
      if (one == null) {
        out.addAll(calls.subList(i, j));
      } else {
        out.add(one);
      }
      i = j;
    }
    return withoutDeadZeros(out, owned);
  }

  /**
   * {@code calls} without the zeroing of a buffer of the step's own that no other call uses any
   * more (an intermediate that fusion no longer writes, which {@code allocate} had zeroed).
   */
  private static List<Call> withoutDeadZeros(List<Call> calls, Set<Buffer> owned) {
    Set<Buffer> used = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Call c : calls) {
      if (!(c instanceof Call.Zero)) {
        c.with(b -> {
          used.add(b);
          return b;
        });
      }
    }
    List<Call> kept = new ArrayList<>(calls.size());
    for (Call c : calls) {
      if (!(c instanceof Call.Zero z && owned.contains(z.dst()) && !used.contains(z.dst()))) {
        kept.add(c);
      }
    }
    return kept;
  }

  /** The type and element count that a fusible call's operands share. */
  private record Kind(DType dtype, long count) {}

  /** The call's kind, or null when it cannot join a fused run. */
  private static Kind kind(Call c, FusedElementwise f) {
    long count;
    List<Buffer> operands;
    switch (c) {
      case Call.Unary u -> {
        count = count(u.xLayout());
        if (count != count(u.yLayout())) {
          return null;
        }
        operands = List.of(u.x(), u.y());
      }
      case Call.Binary b -> {
        count = count(b.aLayout());
        if (count != count(b.bLayout()) || count != count(b.yLayout())) {
          return null;
        }
        operands = List.of(b.a(), b.b(), b.y());
      }
      case Call.Elementwise e -> {
        if (e.fused() != f) {
          return null;
        }
        count = e.count();
        operands = buffers(e);
      }
      default -> {
        return null;
      }
    }
    if (count < 1) {
      return null;
    }
    DType dtype = operands.getFirst().dtype();
    for (Buffer b : operands) {
      if (b.dtype() != dtype) {
        return null;
      }
    }
    return f.supports(dtype) ? new Kind(dtype, count) : null;
  }

  /** The element count of a contiguous view from element 0, or -1 for any other view. */
  private static long count(Layout l) {
    return l.isContiguous() && l.offset() == 0 ? l.elementCount() : -1;
  }

  /** The buffers a fusible call reads, in order, then those it writes. */
  private static List<Buffer> buffers(Call c) {
    return switch (c) {
      case Call.Unary u -> List.of(u.x(), u.y());
      case Call.Binary b -> List.of(b.a(), b.b(), b.y());
      case Call.Elementwise e -> {
        List<Buffer> all = new ArrayList<>(Arrays.asList(e.inputs()));
        all.addAll(Arrays.asList(e.outputs()));
        yield all;
      }
      default -> throw new IllegalArgumentException("not an elementwise call: " + c);
    };
  }

  /** The buffers a fusible call reads. */
  private static List<Buffer> reads(Call c) {
    return switch (c) {
      case Call.Unary u -> List.of(u.x());
      case Call.Binary b -> List.of(b.a(), b.b());
      case Call.Elementwise e -> Arrays.asList(e.inputs());
      default -> throw new IllegalArgumentException("not an elementwise call: " + c);
    };
  }

  /** The buffers a fusible call writes. */
  private static List<Buffer> writes(Call c) {
    return switch (c) {
      case Call.Unary u -> List.of(u.y());
      case Call.Binary b -> List.of(b.y());
      case Call.Elementwise e -> Arrays.asList(e.outputs());
      default -> throw new IllegalArgumentException("not an elementwise call: " + c);
    };
  }

  private static int steps(Call c) {
    return c instanceof Call.Elementwise e ? e.program().stepCount() : 1;
  }

  /**
   * The run {@code run} (ending at call {@code end} of the step) as one fused call, or null when it
   * would write nothing (every buffer it writes is a dead intermediate: the calls stay).
   */
  private static Call program(
      List<Call> run,
      Kind kind,
      int end,
      IdentityHashMap<Buffer, Integer> lastUse,
      Set<Buffer> owned,
      FusedElementwise f) {
    // the inputs: buffers read before the run writes them, each read once as the run starts
    Set<Buffer> written = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Buffer> inputSet = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Buffer> inputs = new ArrayList<>();
    List<Buffer> writeOrder = new ArrayList<>();
    for (Call c : run) {
      for (Buffer b : reads(c)) {
        if (!written.contains(b) && inputSet.add(b)) {
          inputs.add(b);
        }
      }
      for (Buffer b : writes(c)) {
        if (written.add(b)) {
          writeOrder.add(b);
        }
      }
    }
    ElementwiseProgram.Builder p = ElementwiseProgram.builder(inputs.size());
    IdentityHashMap<Buffer, Integer> register = new IdentityHashMap<>();
    for (int k = 0; k < inputs.size(); k++) {
      register.put(inputs.get(k), k);
    }
    List<Double> parameters = new ArrayList<>();
    for (Call c : run) {
      switch (c) {
        case Call.Unary u ->
            register.put(u.y(), p.unary(u.op(), u.a(), u.b(), register.get(u.x())));
        case Call.Binary b ->
            register.put(b.y(), p.binary(b.op(), register.get(b.a()), register.get(b.b())));
        case Call.Elementwise e -> {
          ElementwiseProgram q = e.program();
          int offset = parameters.size();
          for (double v : e.parameters()) {
            parameters.add(v);
          }
          int[] r = new int[q.registers()];
          for (int k = 0; k < q.inputs(); k++) {
            r[k] = register.get(e.inputs()[k]);
          }
          for (int s = 0; s < q.stepCount(); s++) {
            ElementwiseProgram.Step st = q.step(s);
            r[q.inputs() + s] =
                st.unary() != null
                    ? p.unary(st.unary(), shift(st.a(), offset), shift(st.b(), offset), r[st.x()])
                    : p.binary(st.binary(), r[st.x()], r[st.y()]);
          }
          // every input is read before any output is written, as in the call itself
          for (int k = 0; k < q.outputCount(); k++) {
            register.put(e.outputs()[k], r[q.output(k)]);
          }
        }
        default -> throw new IllegalArgumentException("not an elementwise call: " + c);
      }
    }
    List<Buffer> outputs = new ArrayList<>();
    for (Buffer b : writeOrder) {
      if (!owned.contains(b) || lastUse.get(b) > end) {
        p.output(register.get(b));
        outputs.add(b);
      }
    }
    if (outputs.isEmpty()) {
      return null;
    }
    ElementwiseProgram program = p.build();
    double[] values = new double[program.parameters()];
    for (int k = 0; k < values.length; k++) {
      values[k] = parameters.get(k);
    }
    return new Call.Elementwise(
        f,
        program,
        values,
        inputs.toArray(Buffer[]::new),
        outputs.toArray(Buffer[]::new),
        kind.count());
  }

  private static Scalar shift(Scalar s, int offset) {
    return s.isParameter() ? Scalar.parameter(s.index() + offset) : s;
  }
}
