package dev.heed.backend.simd;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.HeapBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedElementwise} for FLOAT32: the elements are taken in chunks of {@link #CHUNK} that
 * stay in cache; for each chunk every step runs as the same vector kernel that {@code unary} and
 * {@code binary} use ({@link VecUnary}, {@link VecBinary}), reading the inputs where they lie and
 * writing per-thread register arrays, and the output registers are copied out. Every step is
 * rounded to float as the step-by-step composite rounds it, so the results are those of the
 * composite on this backend (an element that a different split of the work moves between a vector
 * loop and its scalar tail may differ by an ulp per step); only the memory traffic and the
 * intermediate arrays go. Chunks are split over the threads for long operands. Outputs may alias
 * inputs: the last step writes its output directly, element by element after reading that element's
 * operands (every earlier step of the chunk has run), and the other outputs are copied from the
 * per-thread arrays once the chunk is done.
 *
 * <p>A few short programs that training steps make at every step (an SGD update {@code w + lr·g},
 * the tanh backward {@code g·(1 - y²)}, the MSE difference and its square, a scaled product) run
 * instead as one vector loop ({@link #fused}) that keeps the intermediate values in registers: the
 * same vector operations in the same order as the step-by-step kernels, so the same bits, with one
 * pass over the operands instead of one per step, and their elements past the last whole vector
 * computed as the chunked path's scalar tails compute them.
 */
final class SimdElementwise implements FusedElementwise {
  /**
   * Elements per chunk: 4 KiB per register, so a short chain's registers stay in the level-1 cache
   * and a long one's (Adam: 17 registers) in level 2; smaller chunks add per-chunk overhead and
   * larger ones spill out of the cache (both make a training step slower on the machines measured).
   */
  static final int CHUNK = 1024;

  /** Elements below which a program runs on the calling thread. */
  private static final int PARALLEL_GRAIN = 1 << 15;

  private static final ThreadLocal<float[][]> REGISTERS = ThreadLocal.withInitial(() -> null);

  private final SimdBackend backend;

  SimdElementwise(SimdBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32;
  }

  @Override
  public void run(
      ElementwiseProgram program,
      double[] parameters,
      Buffer[] inputs,
      Buffer[] outputs,
      long count) {
    float[][] in = arrays(inputs);
    float[][] out = arrays(outputs);
    if (backend.workers().serial(count, PARALLEL_GRAIN)) {
      range(program, parameters, in, out, 0, (int) count);
      return;
    }
    backend
        .workers()
        .parallelRange(
            count,
            PARALLEL_GRAIN,
            (from, to) -> range(program, parameters, in, out, (int) from, (int) to));
  }

  private static float[][] arrays(Buffer[] buffers) {
    float[][] a = new float[buffers.length][];
    for (int i = 0; i < buffers.length; i++) {
      a[i] = ((HeapBuffer) buffers[i]).floats();
    }
    return a;
  }

  /**
   * Elements {@code [from, to)}; the unary steps' scalars are resolved against {@code parameters}
   * where they are applied (once per chunk: no per-call arrays of them).
   */
  private static void range(
      ElementwiseProgram program,
      double[] parameters,
      float[][] in,
      float[][] out,
      int from,
      int to) {
    if (fused(program, parameters, in, out, from, to)) {
      return;
    }
    int inputs = program.inputs();
    int steps = program.stepCount();
    float[][] r = registers(program.registers());
    // register k of the current chunk is arr[k] from element off[k]: the inputs are read where
    // they lie, the steps' results live in the per-thread arrays
    float[][] arr = new float[program.registers()][];
    int[] off = new int[program.registers()];
    for (int s = 0; s < steps; s++) {
      arr[inputs + s] = r[inputs + s];
    }
    for (int i = 0; i < inputs; i++) {
      arr[i] = in[i];
    }
    // the last step writes straight into its output when exactly one output takes it and no
    // output is an input register: nothing reads a register after the last step, and the other
    // outputs come from per-thread arrays (an input copied out after the chunk could be the array
    // the last step has just written)
    int last = inputs + steps - 1;
    int direct = -1;
    for (int j = 0; j < out.length && steps > 0; j++) {
      if (program.output(j) == last) {
        direct = direct == -1 ? j : -2;
      } else if (program.output(j) < inputs) {
        direct = -2;
        break;
      }
    }
    for (int c = from; c < to; c += CHUNK) {
      int n = Math.min(CHUNK, to - c);
      for (int i = 0; i < inputs; i++) {
        off[i] = c;
      }
      for (int s = 0; s < steps; s++) {
        ElementwiseProgram.Step st = program.step(s);
        boolean straight = s == steps - 1 && direct >= 0;
        float[] dst = straight ? out[direct] : arr[inputs + s];
        int dOff = straight ? c : 0;
        int x = st.x();
        if (st.unary() != null) {
          VecUnary.apply(
              st.unary(),
              st.a().resolve(parameters),
              st.b().resolve(parameters),
              arr[x],
              off[x],
              dst,
              dOff,
              n);
        } else if (VecBinary.vectorised(st.binary())) {
          int y = st.y();
          VecBinary.dense(st.binary(), arr[x], off[x], arr[y], off[y], dst, dOff, 0, n);
        } else {
          int y = st.y();
          scalar(st.binary(), arr[x], off[x], arr[y], off[y], dst, dOff, n);
        }
      }
      // outputs only after every step of the chunk has read its inputs (an output may be an input)
      for (int j = 0; j < out.length; j++) {
        if (j != direct) {
          int o = program.output(j);
          System.arraycopy(arr[o], off[o], out[j], c, n);
        }
      }
    }
  }

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /**
   * Runs elements {@code [from, to)} of one of the short programs named in the class comment as a
   * single vector loop and returns true, or returns false (nothing done) for any other program.
   * Each step is the vector operation that {@link VecUnary} or {@link VecBinary} applies for it
   * (AFFINE a product then a sum, SQUARE a product), in the program's order, and the elements past
   * the last whole vector are those kernels' scalar tails ({@link UnaryOp#applyFloat32}, float
   * arithmetic), so the results are those of the chunked path.
   */
  private static boolean fused(
      ElementwiseProgram program,
      double[] parameters,
      float[][] in,
      float[][] out,
      int from,
      int to) {
    if (program.inputs() != 2) {
      return false;
    }
    int steps = program.stepCount();
    int outputs = program.outputCount();
    int l = S.length();
    int end = from + S.loopBound(to - from);
    if (steps == 2 && outputs == 1 && program.output(0) == 3) {
      ElementwiseProgram.Step s0 = program.step(0);
      ElementwiseProgram.Step s1 = program.step(1);
      // r2 = AFFINE(r1, a, b); r3 = ADD or MUL(r0, r2)
      if (s0.unary() != UnaryOp.AFFINE
          || s0.x() != 1
          || s1.x() != 0
          || s1.y() != 2
          || (s1.binary() != BinaryOp.ADD && s1.binary() != BinaryOp.MUL)) {
        return false;
      }
      float[] x0 = in[0];
      float[] x1 = in[1];
      float[] y = out[0];
      double a = s0.a().resolve(parameters);
      double b = s0.b().resolve(parameters);
      FloatVector va = FloatVector.broadcast(S, (float) a);
      FloatVector vb = FloatVector.broadcast(S, (float) b);
      boolean add = s1.binary() == BinaryOp.ADD;
      if (add) {
        // an SGD update: w + (lr·g + 0)
        for (int i = from; i < end; i += l) {
          FloatVector r2 = FloatVector.fromArray(S, x1, i).mul(va).add(vb);
          FloatVector.fromArray(S, x0, i).add(r2).intoArray(y, i);
        }
      } else {
        for (int i = from; i < end; i += l) {
          FloatVector r2 = FloatVector.fromArray(S, x1, i).mul(va).add(vb);
          FloatVector.fromArray(S, x0, i).mul(r2).intoArray(y, i);
        }
      }
      for (int i = end; i < to; i++) {
        float r2 = UnaryOp.AFFINE.applyFloat32(x1[i], a, b);
        y[i] = add ? x0[i] + r2 : x0[i] * r2;
      }
      return true;
    }
    if (steps == 3 && outputs == 1 && program.output(0) == 4) {
      ElementwiseProgram.Step s0 = program.step(0);
      ElementwiseProgram.Step s1 = program.step(1);
      ElementwiseProgram.Step s2 = program.step(2);
      // the tanh backward: r2 = SQUARE(r1); r3 = AFFINE(r2, a, b); r4 = MUL(r0, r3)
      if (s0.unary() != UnaryOp.SQUARE
          || s0.x() != 1
          || s1.unary() != UnaryOp.AFFINE
          || s1.x() != 2
          || s2.binary() != BinaryOp.MUL
          || s2.x() != 0
          || s2.y() != 3) {
        return false;
      }
      float[] x0 = in[0];
      float[] x1 = in[1];
      float[] y = out[0];
      double a = s1.a().resolve(parameters);
      double b = s1.b().resolve(parameters);
      FloatVector va = FloatVector.broadcast(S, (float) a);
      FloatVector vb = FloatVector.broadcast(S, (float) b);
      for (int i = from; i < end; i += l) {
        FloatVector v = FloatVector.fromArray(S, x1, i);
        FloatVector r3 = v.mul(v).mul(va).add(vb);
        FloatVector.fromArray(S, x0, i).mul(r3).intoArray(y, i);
      }
      double sa = s0.a().resolve(parameters);
      double sb = s0.b().resolve(parameters);
      for (int i = end; i < to; i++) {
        float r2 = UnaryOp.SQUARE.applyFloat32(x1[i], sa, sb);
        y[i] = x0[i] * UnaryOp.AFFINE.applyFloat32(r2, a, b);
      }
      return true;
    }
    if (steps == 2
        && outputs == 2
        && program.output(0) == 2
        && program.output(1) == 3
        && program.step(0).binary() == BinaryOp.SUB
        && program.step(0).x() == 0
        && program.step(0).y() == 1
        && program.step(1).unary() == UnaryOp.SQUARE
        && program.step(1).x() == 2) {
      // the MSE difference and its square: r2 = SUB(r0, r1); r3 = SQUARE(r2)
      float[] x0 = in[0];
      float[] x1 = in[1];
      float[] d = out[0];
      float[] q = out[1];
      for (int i = from; i < end; i += l) {
        FloatVector r2 = FloatVector.fromArray(S, x0, i).sub(FloatVector.fromArray(S, x1, i));
        r2.intoArray(d, i);
        r2.mul(r2).intoArray(q, i);
      }
      double sa = program.step(1).a().resolve(parameters);
      double sb = program.step(1).b().resolve(parameters);
      for (int i = end; i < to; i++) {
        float r2 = x0[i] - x1[i];
        d[i] = r2;
        q[i] = UnaryOp.SQUARE.applyFloat32(r2, sa, sb);
      }
      return true;
    }
    return false;
  }

  /** As the reference binary kernel: float64 of the float operands, rounded once. */
  private static void scalar(
      BinaryOp op, float[] x, int xo, float[] y, int yo, float[] o, int oo, int n) {
    for (int i = 0; i < n; i++) {
      o[oo + i] = (float) op.apply(x[xo + i], y[yo + i]);
    }
  }

  private static float[][] registers(int count) {
    float[][] r = REGISTERS.get();
    if (r == null || r.length < count) {
      r = new float[Math.max(count, 16)][CHUNK];
      REGISTERS.set(r);
    }
    return r;
  }
}
