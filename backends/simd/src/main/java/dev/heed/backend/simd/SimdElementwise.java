package dev.heed.backend.simd;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.support.HeapBuffer;

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
