package dev.heed.core.backend.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.backend.support.HeapBuffer;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fusion of adjacent elementwise calls of a captured step: which calls join a run, which buffers a
 * fused program reads and writes, and that the fused calls leave every buffer that is read later
 * (or that the step does not own) as the calls one by one left it, bit for bit on core's reference
 * kernels with a fused evaluation that rounds every step as they do ({@link
 * ElementwiseProgram#evaluate}).
 */
class FusionTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int N = 37;

  /**
   * Core's reference kernels with {@link FusedElementwise} as {@link ElementwiseProgram#evaluate}
   * defines it, element by element (every input element read before the outputs are written).
   */
  static final class Fusing extends HeapBackend {
    final FusedElementwise elementwise =
        new FusedElementwise() {
          @Override
          public boolean supports(DType dtype) {
            return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
          }

          @Override
          public void run(
              ElementwiseProgram program,
              double[] parameters,
              Buffer[] inputs,
              Buffer[] outputs,
              long count) {
            boolean f32 = inputs[0].dtype() == DType.FLOAT32;
            double[] x = new double[inputs.length];
            for (int e = 0; e < count; e++) {
              for (int k = 0; k < x.length; k++) {
                HeapBuffer b = (HeapBuffer) inputs[k];
                x[k] = f32 ? b.floats()[e] : b.doubles()[e];
              }
              double[] y = program.evaluate(x, parameters, f32);
              for (int j = 0; j < y.length; j++) {
                HeapBuffer b = (HeapBuffer) outputs[j];
                if (f32) {
                  b.floats()[e] = (float) y[j];
                } else {
                  b.doubles()[e] = y[j];
                }
              }
            }
          }
        };

    @Override
    public String name() {
      return "fusing reference";
    }

    @Override
    public String deviceDescription() {
      return "core's reference kernels with a fused elementwise evaluation";
    }

    @Override
    public <T extends Capability> Optional<T> capability(Class<T> type) {
      return type == FusedElementwise.class
          ? Optional.of(type.cast(elementwise))
          : Optional.empty();
    }
  }

  private final Fusing be = new Fusing();
  private final SplittableRandom random = new SplittableRandom(7);
  private final Set<Buffer> owned = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<Buffer> all = new ArrayList<>();

  /** A buffer of {@code n} random values; owned ones are the step's own intermediates. */
  private Buffer buffer(DType dtype, int n, boolean mine) {
    HeapBuffer b = new HeapBuffer(be, dtype, n);
    for (int i = 0; i < n; i++) {
      if (dtype == F32) {
        b.floats()[i] = (float) random.nextGaussian();
      } else {
        b.doubles()[i] = random.nextGaussian();
      }
    }
    if (mine) {
      owned.add(b);
    }
    all.add(b);
    return b;
  }

  private Buffer ext() {
    return buffer(F32, N, false);
  }

  private Buffer own() {
    return buffer(F32, N, true);
  }

  private static Layout flat() {
    return Layout.contiguous(N);
  }

  private static Call unary(UnaryOp op, double a, Buffer x, Buffer y) {
    return new Call.Unary(op, a, 0, x, flat(), y, flat());
  }

  private static Call unary(UnaryOp op, Buffer x, Buffer y) {
    return unary(op, 0, x, y);
  }

  private static Call binary(BinaryOp op, Buffer a, Buffer b, Buffer y) {
    return new Call.Binary(op, a, flat(), b, flat(), y, flat());
  }

  /** A later, non-elementwise use of {@code x}: its sum into a buffer of its own. */
  private Call sum(Buffer x) {
    return new Call.Reduce(ReduceOp.SUM, x, Layout.contiguous(1, N, 1), buffer(F32, 1, true));
  }

  private static double[] values(Buffer b) {
    HeapBuffer h = (HeapBuffer) b;
    if (h.dtype() == F32) {
      float[] f = h.floats();
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return d;
    }
    return h.doubles().clone();
  }

  /**
   * Fuses {@code calls}, then runs them one by one on copies of every buffer and fused on the
   * buffers themselves; asserts that every buffer the fused calls still use, and every buffer the
   * step does not own, ends bit for bit the same. Returns the fused calls.
   */
  private List<Call> fuseAndCompare(List<Call> calls) {
    List<Call> fused = Fusion.fuse(calls, owned, be.elementwise);
    IdentityHashMap<Buffer, Buffer> copy = new IdentityHashMap<>();
    for (Buffer b : all) {
      HeapBuffer c = new HeapBuffer(be, b.dtype(), (int) b.size());
      System.arraycopy(((HeapBuffer) b).data(), 0, c.data(), 0, (int) b.size());
      copy.put(b, c);
    }
    for (Call c : calls) {
      c.with(copy::get).run(be, null, null);
    }
    for (Call c : fused) {
      c.run(be, null, null);
    }
    Set<Buffer> used = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Call c : fused) {
      c.with(b -> {
        used.add(b);
        return b;
      });
    }
    for (Buffer b : all) {
      if (!owned.contains(b) || used.contains(b)) {
        assertArrayEquals(values(copy.get(b)), values(b), "buffer " + all.indexOf(b));
      }
    }
    return fused;
  }

  private static Call.Elementwise only(List<Call> fused, int index) {
    return assertInstanceOf(Call.Elementwise.class, fused.get(index));
  }

  @Test
  void aLossDerivativeBecomesOneProgramAndItsIntermediateVanishes() {
    // d = p - t; sq = d²; g = (2/n)·d, then sq and g are read by later kernels
    Buffer p = ext();
    Buffer t = ext();
    Buffer d = own();
    Buffer sq = own();
    Buffer g = own();
    List<Call> fused =
        fuseAndCompare(
            List.of(
                binary(BinaryOp.SUB, p, t, d),
                unary(UnaryOp.SQUARE, d, sq),
                unary(UnaryOp.AFFINE, 2.0 / N, d, g),
                sum(sq),
                sum(g)));
    assertEquals(3, fused.size());
    Call.Elementwise e = only(fused, 0);
    assertEquals(List.of(p, t), Arrays.asList(e.inputs()));
    assertEquals(List.of(sq, g), Arrays.asList(e.outputs()), "d is never written");
    assertEquals(3, e.program().stepCount());
    assertEquals(N, e.count());
  }

  @Test
  void anIntermediateReadAfterTheRunIsStillWritten() {
    // d is read by a reduction after the run: dropping its write would leave its old values
    Buffer p = ext();
    Buffer t = ext();
    Buffer d = own();
    Buffer sq = own();
    List<Call> calls =
        List.of(binary(BinaryOp.SUB, p, t, d), unary(UnaryOp.SQUARE, d, sq), sum(d), sum(sq));
    List<Call> fused = fuseAndCompare(calls);
    assertEquals(3, fused.size());
    assertEquals(List.of(d, sq), Arrays.asList(only(fused, 0).outputs()));
  }

  @Test
  void anInPlaceUpdateReadsTheParameterOnceAndWritesItBack() {
    // SGD: u = lr·g; w = w - u, with w a parameter (not the step's) and u the step's intermediate
    Buffer w = ext();
    Buffer g = own();
    Buffer u = own();
    List<Call> fused =
        fuseAndCompare(
            List.of(unary(UnaryOp.AFFINE, 0.1, g, u), binary(BinaryOp.SUB, w, u, w), sum(g)));
    assertEquals(2, fused.size());
    Call.Elementwise e = only(fused, 0);
    assertEquals(List.of(g, w), Arrays.asList(e.inputs()));
    assertEquals(List.of(w), Arrays.asList(e.outputs()));
  }

  @Test
  void laterCallsReadTheValueAsOfTheirPositionAndBuffersWrittenTwiceKeepTheLastValue() {
    Buffer x = ext();
    Buffer y = ext();
    Buffer a = own();
    Buffer b = own();
    List<Call> fused =
        fuseAndCompare(
            List.of(
                binary(BinaryOp.ADD, x, y, a), // a = x + y
                unary(UnaryOp.NEG, a, a), // a = -a, in place
                binary(BinaryOp.MUL, a, x, x), // x (outside) overwritten after it was read
                binary(BinaryOp.ADD, x, y, b), // reads the new x
                unary(UnaryOp.TANH, y, y), // y overwritten last
                sum(b)));
    assertEquals(2, fused.size());
    Call.Elementwise e = only(fused, 0);
    assertEquals(List.of(x, y), Arrays.asList(e.inputs()));
    assertEquals(List.of(x, b, y), Arrays.asList(e.outputs()), "a vanishes, x and y stay");
  }

  @Test
  void fusedProgramsMergeWithTheirParametersRenumbered() {
    ElementwiseProgram.Builder pb = ElementwiseProgram.builder(2);
    var lr = pb.parameter();
    ElementwiseProgram step =
        pb.output(
                pb.binary(BinaryOp.SUB, 0, pb.affine(1, lr, ElementwiseProgram.Scalar.constant(0))))
            .build();
    Buffer w1 = ext();
    Buffer w2 = ext();
    Buffer g1 = own();
    Buffer g2 = own();
    Buffer h = own();
    List<Call> fused =
        fuseAndCompare(
            List.of(
                unary(UnaryOp.TANH, w1, h),
                binary(BinaryOp.MUL, h, w2, g1),
                new Call.Elementwise(
                    be.elementwise,
                    step,
                    new double[] {0.5},
                    new Buffer[] {w1, g1},
                    new Buffer[] {w1},
                    N),
                new Call.Elementwise(
                    be.elementwise,
                    step,
                    new double[] {3.0},
                    new Buffer[] {w2, g2},
                    new Buffer[] {w2},
                    N)));
    assertEquals(1, fused.size());
    Call.Elementwise e = only(fused, 0);
    assertEquals(2, e.program().parameters());
    assertArrayEquals(new double[] {0.5, 3.0}, e.parameters());
    assertEquals(List.of(w1, w2, g2), Arrays.asList(e.inputs()));
    assertEquals(List.of(w1, w2), Arrays.asList(e.outputs()));
  }

  @Test
  void broadcastOperandsOffsetsAndOtherCountsEndARun() {
    Buffer x = ext();
    Buffer bias = buffer(F32, 1, false);
    Buffer h = own();
    Buffer z = own();
    Buffer r = own();
    Buffer half = own();
    Layout row = new Layout(new int[] {N}, new long[] {0}, 0);
    List<Call> calls =
        List.of(
            unary(UnaryOp.TANH, x, h),
            new Call.Binary(BinaryOp.ADD, h, flat(), bias, row, z, flat()),
            unary(UnaryOp.RELU, z, r),
            new Call.Unary(
                UnaryOp.NEG,
                0,
                0,
                r,
                Layout.contiguous(new int[] {N / 2}, 1),
                half,
                Layout.contiguous(N / 2)),
            unary(UnaryOp.EXP, r, r),
            sum(r),
            sum(half));
    assertEquals(calls, fuseAndCompare(calls), "no two adjacent calls fuse");
  }

  @Test
  void aZeroedIntermediateIsNeitherZeroedNorWrittenButAZeroedInputStaysZeroed() {
    // t was zeroed by allocate and then only carried a fused intermediate: both its calls go;
    // acc is read (as zeros) before the run writes it, so its zeroing stays
    Buffer x = ext();
    Buffer t = own();
    Buffer u = own();
    Buffer acc = own();
    List<Call> fused =
        fuseAndCompare(
            List.of(
                new Call.Zero(t),
                new Call.Zero(acc),
                unary(UnaryOp.TANH, x, t),
                unary(UnaryOp.EXP, t, u),
                binary(BinaryOp.ADD, acc, u, acc),
                sum(acc)));
    assertEquals(3, fused.size());
    assertEquals(new Call.Zero(acc), fused.get(0));
    assertEquals(List.of(x, acc), Arrays.asList(only(fused, 1).inputs()));
    assertEquals(List.of(acc), Arrays.asList(only(fused, 1).outputs()));
  }

  @Test
  void aRunOfOnlyDeadWritesStaysAsItIs() {
    Buffer x = ext();
    Buffer a = own();
    Buffer b = own();
    List<Call> calls = List.of(unary(UnaryOp.TANH, x, a), unary(UnaryOp.EXP, a, b));
    assertEquals(calls, Fusion.fuse(calls, owned, be.elementwise));
  }

  @Test
  void typesTheCapabilityDoesNotSupportAreNotFused() {
    FusedElementwise doublesOnly =
        new FusedElementwise() {
          @Override
          public boolean supports(DType dtype) {
            return dtype == DType.FLOAT64;
          }

          @Override
          public void run(
              ElementwiseProgram program,
              double[] parameters,
              Buffer[] inputs,
              Buffer[] outputs,
              long count) {
            be.elementwise.run(program, parameters, inputs, outputs, count);
          }
        };
    Buffer x = ext();
    Buffer a = own();
    Buffer b = own();
    List<Call> calls = List.of(unary(UnaryOp.TANH, x, a), unary(UnaryOp.EXP, a, b), sum(b));
    assertEquals(calls, Fusion.fuse(calls, owned, doublesOnly));
    Buffer dx = buffer(DType.FLOAT64, N, false);
    Buffer da = buffer(DType.FLOAT64, N, true);
    Buffer db = buffer(DType.FLOAT64, N, true);
    List<Call> doubles =
        List.of(
            unary(UnaryOp.TANH, dx, da),
            unary(UnaryOp.EXP, da, db),
            new Call.Reduce(ReduceOp.SUM, db, Layout.contiguous(1, N, 1), dx));
    assertEquals(2, Fusion.fuse(doubles, owned, doublesOnly).size());
    assertEquals(2, fuseAndCompare(doubles).size(), "FLOAT64 fuses too, bit for bit");
  }

  @Test
  void longRunsAreCutAtTheBufferLimit() {
    Buffer acc = own();
    List<Call> calls = new ArrayList<>();
    calls.add(unary(UnaryOp.NEG, ext(), acc));
    for (int i = 0; i < 3 * Fusion.MAX_BUFFERS; i++) {
      calls.add(binary(BinaryOp.ADD, acc, ext(), acc));
    }
    calls.add(sum(acc));
    List<Call> fused = fuseAndCompare(calls);
    assertTrue(fused.size() > 2 && fused.size() < 8, "cut into a few programs: " + fused.size());
    for (Call c : fused) {
      if (c instanceof Call.Elementwise e) {
        assertTrue(e.inputs().length + e.outputs().length <= Fusion.MAX_BUFFERS + 1);
      }
    }
  }

  // --- a whole training step captured and replayed --------------------------------------------

  private static final int BATCH = 8;
  private static final int IN = 5;
  private static final int HIDDEN = 7;
  private static final int OUT = 3;

  /** A tanh MLP trained by SGD on an MSE loss, written with core's tensors alone. */
  private record Net(Backend backend, Tensor[] params) {
    static Net of(Backend be) {
      int[][] shapes = {{HIDDEN, IN}, {HIDDEN}, {OUT, HIDDEN}, {OUT}};
      Tensor[] p = new Tensor[shapes.length];
      for (int i = 0; i < p.length; i++) {
        int[] shape = shapes[i];
        long seed = i + 1;
        p[i] =
            Scope.outside(
                () -> Tensors.normal(be, Shape.of(shape), F32, 0, 0.5, seed).requiresGrad(true));
      }
      return new Net(be, p);
    }

    /** One step on inputs {@code in[0]} and targets {@code in[1]}; the loss out. */
    @SuppressWarnings("try")
    Object[] step(Object[] in) {
      float[] loss;
      try (Scope s = Scope.open()) {
        Tensor x = Tensors.of(backend, F32, (float[]) in[0], BATCH, IN);
        Tensor y = Tensors.of(backend, F32, (float[]) in[1], BATCH, OUT);
        Tensor h = Linalg.linear(x, params[0], params[1]).tanh();
        Tensor l = Elementwise.sub(Linalg.linear(h, params[2], params[3]), y).square().mean();
        l.backward();
        try (GradMode off = GradMode.disable()) {
          for (Tensor p : params) {
            Elementwise.applyInPlace(BinaryOp.SUB, p, p.grad().mul(0.05));
          }
        }
        loss = l.toFloatArray();
      }
      // the gradients end with the step, so that nothing it allocated outlives it
      for (Tensor p : params) {
        p.clearGrad();
      }
      return new Object[] {loss};
    }
  }

  private static Object[] batch(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[BATCH * IN];
    float[] y = new float[BATCH * OUT];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) r.nextGaussian();
    }
    return new Object[] {x, y};
  }

  /**
   * Trains two copies of the net, one eagerly on {@code eagerBackend} and one captured on {@code
   * replayOver} and replayed; asserts bit-for-bit equal losses and parameters; returns the plan's
   * size and recorded size.
   */
  private static int[] trainBoth(Backend eagerBackend, Backend replayOver) {
    try (ReplayBackend be = ReplayBackend.borrowing(replayOver)) {
      Net eager = Net.of(eagerBackend);
      Net replayed = Net.of(be);
      Object[] b0 = batch(0);
      Plan first;
      try (Capture c = be.capture(b0)) {
        first = c.finish(replayed.step(b0)).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      Object[] b1 = batch(1);
      Plan plan;
      try (first;
          Capture c = be.recapture(first, b1)) {
        plan = c.finish(replayed.step(b1)).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      try (plan) {
        eager.step(b0);
        eager.step(b1);
        for (long step = 2; step <= 6; step++) {
          Object[] b = batch(step);
          float[] want = (float[]) eager.step(b)[0];
          Object[] got = plan.newOutputs();
          plan.replay(b, got);
          assertArrayEquals(want, (float[]) got[0], "loss of step " + step);
        }
        for (int i = 0; i < eager.params().length; i++) {
          assertArrayEquals(
              eager.params()[i].toFloatArray(),
              replayed.params()[i].toFloatArray(),
              "parameter " + i + " after 7 steps");
        }
        return new int[] {plan.size(), plan.recordedSize()};
      }
    }
  }

  @Test
  void aFusedTrainingStepReplaysTheEagerStepBitForBit() {
    int[] sizes = trainBoth(new Fusing(), new Fusing());
    assertTrue(
        sizes[0] < sizes[1], "fused: " + sizes[0] + " calls of the " + sizes[1] + " recorded");
  }

  @Test
  void aBackendWithoutFusedElementwiseGetsTheUnfusedPlan() {
    int[] sizes = trainBoth(new ReplayTest.Reference(), new ReplayTest.Reference());
    assertEquals(sizes[1], sizes[0]);
  }
}
