package dev.heed.backend.opencl;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedLayerNorm;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@link FusedLayerNorm} on the opencl backend ({@code layernorm.cl}). The forward sums each row
 * first for the mean, then for the variance as the mean of the squared centred values (two passes,
 * as the simd backend and the composite), so rows with a large mean keep their digits; it writes y
 * and each row's mean and rstd. The backward computes {@code gx} per row the same way (the row sums
 * of {@code gy·w} and {@code gy·w·x̂} in one pass), and the parameter gradients as column sums in a
 * second pass without atomics: items over (chunk of rows, column) sum their rows in order, then one
 * item per column adds the chunks in order. Every sum therefore has one order for given sizes and
 * device, and the results are the same run to run.
 *
 * <p>A row takes a power-of-two number of work items of one work-group (several rows per group when
 * rows are short), which read the row's elements side by side, each summing its share in order
 * (compensated), and add their partial sums in a fixed tree in local memory. How many depends on
 * the device: on a GPU as many as the row has elements, up to the group's 256; on a CPU device
 * (PoCL), which runs a work-group's items as vector lanes and pays for every barrier, one item per
 * 64 elements of the row, in groups of 64: on the build machine's PoCL the GPU geometry (groups of
 * 256, an item per element) took 2 to 7 times as long for rows of 16 to 1,000 elements.
 *
 * <p>One program per element type, built on first use; arguments go through {@link Launch}, so a
 * replayed call with the same buffers sets none.
 */
final class ClLayerNorm implements FusedLayerNorm {
  /** Fewest rows a chunk of the parameter-gradient pass sums. */
  static final int MIN_SPAN = 16;

  /** Items the parameter-gradient pass aims for (chunks × columns) when the rows allow. */
  static final int PARAM_ITEMS = 16384;

  private final OpenClBackend backend;
  private final int group;
  // elements of a row each item aims to sum (1 on GPUs: one item per element, up to the group)
  private volatile int perItem;
  private final Map<DType, ClProgram> programs = new EnumMap<>(DType.class);
  private long forwards;
  private long backwards;

  ClLayerNorm(OpenClBackend backend) {
    this.backend = backend;
    boolean gpu = backend.device().gpu();
    this.perItem = gpu ? 1 : 64;
    int most = gpu ? 256 : 64;
    this.group =
        (int) Long.highestOneBit(Math.min(most, Math.max(1, backend.device().maxWorkGroup())));
  }

  /**
   * Takes as many items per row as a GPU does (up to the work-group size), whatever the device (for
   * tests of that geometry on PoCL).
   */
  void asOnGpu() {
    perItem = 1;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32 || dtype == DType.FLOAT64 && backend.device().fp64();
  }

  /** Fused forward and backward calls so far (for tests: whether core took the fused path). */
  long[] calls() {
    synchronized (programs) {
      return new long[] {forwards, backwards};
    }
  }

  /** The work-group size of the row kernels. */
  int group() {
    return group;
  }

  /** Work items per row: a power of two, at most the work-group size. */
  int lanes(int d) {
    return Math.min(group, Integer.highestOneBit(Math.max(1, d / perItem)));
  }

  /** The chunks the parameter-gradient pass splits {@code rows} into, and the rows of each. */
  static int[] chunks(int rows, int d) {
    if (rows <= 0) {
      return new int[] {1, 0};
    }
    long wanted = Math.max(1, (PARAM_ITEMS + (long) d - 1) / d);
    int chunks = (int) Math.min((rows + (long) MIN_SPAN - 1) / MIN_SPAN, wanted);
    chunks = Math.max(1, chunks);
    int span = (int) ((rows + (long) chunks - 1) / chunks);
    chunks = (int) ((rows + (long) span - 1) / span);
    return new int[] {chunks, span};
  }

  private ClProgram program(DType dtype) {
    ClProgram p = programs.get(dtype);
    if (p == null) {
      boolean wide = dtype == DType.FLOAT64;
      String source =
          (wide ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" : "")
              + "#define T "
              + (wide ? "double" : "float")
              + "\n#define WG "
              + group
              + "\n"
              + ClProgram.resource("layernorm.cl");
      p =
          new ClProgram(
              backend.cl(), backend.context(), backend.device(), source, backend.kernelLimit());
      programs.put(dtype, p);
    }
    return p;
  }

  /** The global size of a row kernel over {@code rows} rows of {@code lanes} items. */
  private long rowItems(int rows, int lanes) {
    int perGroup = group / lanes;
    return (rows + (long) perGroup - 1) / perGroup * group;
  }

  @Override
  public void forward(
      Buffer x,
      Buffer weight,
      Buffer bias,
      int rows,
      int d,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer rstd) {
    DType dtype = x.dtype();
    boolean wide = dtype == DType.FLOAT64;
    ClBuffer cx = (ClBuffer) x;
    int lanes = lanes(d);
    synchronized (programs) {
      forwards++;
      ClProgram program = program(dtype);
      if (rows == 0 || d == 0) {
        return;
      }
      try (Launch l = backend.begin(program.kernel("layer_norm_forward"))) {
        l.i32(rows).i32(d).i32(lanes).real(wide, eps).mem(cx);
        l.i32(weight != null ? 1 : 0).mem(weight != null ? (ClBuffer) weight : cx);
        l.i32(bias != null ? 1 : 0).mem(bias != null ? (ClBuffer) bias : cx);
        l.mem((ClBuffer) y).mem((ClBuffer) mean).mem((ClBuffer) rstd);
        l.run(rowItems(rows, lanes), group);
      }
    }
  }

  @Override
  public void backward(
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer mean,
      Buffer rstd,
      int rows,
      int d,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias) {
    DType dtype = x.dtype();
    ClBuffer cg = (ClBuffer) gy;
    ClBuffer cx = (ClBuffer) x;
    ClBuffer cm = (ClBuffer) mean;
    ClBuffer cr = (ClBuffer) rstd;
    int lanes = lanes(d);
    synchronized (programs) {
      backwards++;
      ClProgram program = program(dtype);
      if (d == 0) {
        return;
      }
      if (rows > 0) {
        try (Launch l = backend.begin(program.kernel("layer_norm_backward"))) {
          l.i32(rows).i32(d).i32(lanes).mem(cg).mem(cx);
          l.i32(weight != null ? 1 : 0).mem(weight != null ? (ClBuffer) weight : cx);
          l.mem(cm).mem(cr).mem((ClBuffer) gx);
          l.run(rowItems(rows, lanes), group);
        }
      }
      if (gWeight == null && gBias == null) {
        return;
      }
      ClBuffer gw = gWeight != null ? (ClBuffer) gWeight : cx;
      ClBuffer gb = gBias != null ? (ClBuffer) gBias : cx;
      int wantW = gWeight != null ? 1 : 0;
      int wantB = gBias != null ? 1 : 0;
      int[] split = chunks(rows, d);
      int chunks = split[0];
      if (chunks == 1) { // rows of zero too: the sums are zeros
        partial(program, rows, d, split[1], 1, cg, cx, cm, cr, wantW, gw, wantB, gb, 0);
        return;
      }
      long size = (long) chunks * d;
      // the partial sums, back to the pool at once: a kernel that reuses it runs after these on the
      // in-order queue
      try (Buffer part = backend.allocateForOverwrite(dtype, 2 * size)) {
        ClBuffer cp = (ClBuffer) part;
        partial(program, rows, d, split[1], chunks, cg, cx, cm, cr, 1, cp, 1, cp, size);
        try (Launch l = backend.begin(program.kernel("layer_norm_param_sum"))) {
          l.i32(d).i32(chunks).mem(cp).i64(size);
          l.i32(wantW).mem(gw).i32(wantB).mem(gb).run(d);
        }
      }
    }
  }

  private void partial(
      ClProgram program,
      int rows,
      int d,
      int span,
      int chunks,
      ClBuffer gy,
      ClBuffer x,
      ClBuffer mean,
      ClBuffer rstd,
      int wantW,
      ClBuffer pw,
      int wantB,
      ClBuffer pb,
      long bOff) {
    try (Launch l = backend.begin(program.kernel("layer_norm_param_partial"))) {
      l.i32(rows).i32(d).i32(span).i32(chunks).mem(gy).mem(x).mem(mean).mem(rstd);
      l.i32(wantW).mem(pw).i32(wantB).mem(pb).i64(bOff).run((long) chunks * d);
    }
  }

  /** Releases the programs. */
  void release() {
    synchronized (programs) {
      programs.values().forEach(ClProgram::release);
      programs.clear();
    }
  }
}
