package dev.heed.backend.opencl;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.Layout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link FusedAttention} on the opencl backend, flash-style ({@code attention.cl}): the forward
 * walks the keys in tiles with a running maximum and sum and writes the output and each row's
 * log-sum-exp, never the {@code [queries, keys]} weights; the backward recomputes the weights from
 * the log-sum-exp in two passes, one item per query row (query gradients) and one per key row (key
 * and value gradients, summed over the key head's group of query heads), so no gradient needs an
 * atomic addition and every sum has a fixed order. The causal rule, the additive mask (any strided
 * view), dropout from the counter-based stream and grouped-query heads are handled in the kernels.
 *
 * <p>The head sizes are compile-time constants of a program, built on first use for each element
 * type and pair of head sizes and cached (at most {@link #CAPACITY}). Head sizes up to {@link
 * #MAX_HEAD} are fused; larger ones are left to core's composite.
 */
final class ClAttention implements FusedAttention {
  /** Largest query, key or value head size that the kernels take. */
  static final int MAX_HEAD = 256;

  /** Programs kept built. */
  static final int CAPACITY = 16;

  /** Bytes of local memory a work-group's tiles may take. */
  private static final int TILE_BYTES = 16 * 1024;

  private record Key(DType dtype, int headDim, int valueDim) {}

  private final OpenClBackend backend;
  private final int group;
  private final Map<Key, ClProgram> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ClProgram> eldest) {
          if (size() > CAPACITY) {
            eldest.getValue().release();
            return true;
          }
          return false;
        }
      };
  private long forwards;
  // the program used last, found without a key object; always in the cache (only a new program
  // evicts one)
  private DType lastType;
  private int lastD;
  private int lastDv;
  private ClProgram last;

  ClAttention(OpenClBackend backend) {
    this.backend = backend;
    this.group =
        (int) Long.highestOneBit(Math.min(64, Math.max(1, backend.device().maxWorkGroup())));
  }

  @Override
  public boolean supports(DType dtype, AttentionProblem problem, boolean masked) {
    boolean type = dtype == DType.FLOAT32 || dtype == DType.FLOAT64 && backend.device().fp64();
    return type
        && problem.headDim() >= 1
        && problem.headDim() <= MAX_HEAD
        && problem.valueDim() >= 1
        && problem.valueDim() <= MAX_HEAD;
  }

  /** Number of fused forward calls so far (for tests: whether core took the fused path). */
  long forwards() {
    synchronized (cache) {
      return forwards;
    }
  }

  private ClProgram program(DType dtype, int d, int dv) {
    if (last != null && dtype == lastType && d == lastD && dv == lastDv) {
      return last;
    }
    Key key = new Key(dtype, d, dv);
    ClProgram p = cache.get(key);
    if (p == null) {
      boolean wide = dtype == DType.FLOAT64;
      int size = dtype.byteSize();
      int tile = Math.max(1, Math.min(32, TILE_BYTES / ((d + dv + 2) * size)));
      String t = wide ? "double" : "float";
      String source =
          (wide ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" : "")
              + "#define T "
              + t
              + "\n#define HD "
              + d
              + "\n#define VD "
              + dv
              + "\n#define WG "
              + group
              + "\n#define BK "
              + tile
              + "\n"
              + ClProgram.resource("bits.cl")
              + ClProgram.resource("attention.cl");
      p =
          new ClProgram(
              backend.cl(), backend.context(), backend.device(), source, backend.kernelLimit());
      cache.put(key, p);
    }
    lastType = dtype;
    lastD = d;
    lastDv = dv;
    last = p;
    return p;
  }

  /** The arguments every kernel starts with: sizes, scale and the causal flag. */
  private static void sizes(Launch l, AttentionProblem p, boolean wide) {
    l.i32(p.heads()).i32(p.group()).i32(p.queries()).i32(p.keys());
    l.real(wide, p.scale()).i32(p.causal() ? 1 : 0);
  }

  /** The mask and dropout arguments. */
  private static void maskAndDropout(
      Launch l, AttentionProblem p, boolean wide, ClBuffer mask, Layout maskLayout, ClBuffer any) {
    l.i32(mask != null ? 1 : 0).mem(mask != null ? mask : any).view4(maskLayout);
    // kept when the top 53 bits are below ceil((1 - p)·2^53), as Distribution.BERNOULLI draws
    double t = Math.ceil((1 - p.dropout()) * 0x1.0p53);
    long threshold = t >= 0x1.0p53 ? 1L << 53 : (long) t;
    l.i32(p.dropout() > 0 ? 1 : 0).i64(p.seed()).i64(threshold);
    l.real(wide, 1.0 / (1 - p.dropout()));
  }

  @Override
  public void forward(
      AttentionProblem problem,
      Buffer q,
      Layout qLayout,
      Buffer k,
      Layout kLayout,
      Buffer v,
      Layout vLayout,
      Buffer mask,
      Layout maskLayout,
      Buffer out,
      Layout outLayout,
      Buffer lse,
      Buffer weights) {
    DType dtype = q.dtype();
    boolean wide = dtype == DType.FLOAT64;
    AttentionProblem p = problem;
    long rows = roundUp(p.queries());
    synchronized (cache) {
      forwards++;
      ClProgram program = program(dtype, p.headDim(), p.valueDim());
      try (Launch l = backend.begin(program.kernel("attention_forward"))) {
        sizes(l, p, wide);
        l.mem((ClBuffer) q).view4(qLayout);
        l.mem((ClBuffer) k).view4(kLayout);
        l.mem((ClBuffer) v).view4(vLayout);
        maskAndDropout(l, p, wide, (ClBuffer) mask, maskLayout, (ClBuffer) q);
        l.mem((ClBuffer) out).view4(outLayout).mem((ClBuffer) lse);
        l.run(rows, (long) p.batch() * p.heads(), group, 1);
      }
      if (weights != null) {
        long n = (long) p.batch() * p.heads() * p.queries() * p.keys();
        try (Launch l = backend.begin(program.kernel("attention_weights"))) {
          sizes(l, p, wide);
          l.mem((ClBuffer) q).view4(qLayout);
          l.mem((ClBuffer) k).view4(kLayout);
          l.i32(mask != null ? 1 : 0);
          l.mem((ClBuffer) (mask != null ? mask : q)).view4(maskLayout);
          l.mem((ClBuffer) lse).mem((ClBuffer) weights).i64(n).run(n);
        }
      }
    }
  }

  @Override
  public void backward(
      AttentionProblem problem,
      Buffer q,
      Layout qLayout,
      Buffer k,
      Layout kLayout,
      Buffer v,
      Layout vLayout,
      Buffer mask,
      Layout maskLayout,
      Buffer out,
      Layout outLayout,
      Buffer lse,
      Buffer weights,
      Buffer gOut,
      Layout gOutLayout,
      Buffer gq,
      Buffer gk,
      Buffer gv) {
    DType dtype = q.dtype();
    boolean wide = dtype == DType.FLOAT64;
    AttentionProblem p = problem;
    ClBuffer cq = (ClBuffer) q;
    ClBuffer ck = (ClBuffer) k;
    ClBuffer cv = (ClBuffer) v;
    ClBuffer cm = (ClBuffer) mask;
    ClBuffer cg = (ClBuffer) gOut;
    long rows = (long) p.batch() * p.heads() * p.queries();
    synchronized (cache) {
      ClProgram program = program(dtype, p.headDim(), p.valueDim());
      // D = Σ gOut·out per row, from the first pass to the second; back to the pool at once, as
      // the kernel that reuses it runs after these on the in-order queue
      try (Buffer dsum = backend.allocateForOverwrite(dtype, rows)) {
        ClBuffer cd = (ClBuffer) dsum;
        try (Launch l = backend.begin(program.kernel("attention_dq"))) {
          sizes(l, p, wide);
          l.mem(cq).view4(qLayout).mem(ck).view4(kLayout);
          l.mem(cv).view4(vLayout);
          maskAndDropout(l, p, wide, cm, maskLayout, cq);
          l.mem((ClBuffer) out).view4(outLayout).mem((ClBuffer) lse);
          l.mem(cg).view4(gOutLayout).mem(cd);
          l.i32(gq != null ? 1 : 0).mem(gq != null ? (ClBuffer) gq : cd);
          l.run(roundUp(p.queries()), (long) p.batch() * p.heads(), group, 1);
        }
        if (gk == null && gv == null) {
          return;
        }
        try (Launch l = backend.begin(program.kernel("attention_dkv"))) {
          sizes(l, p, wide);
          l.mem(cq).view4(qLayout).mem(ck).view4(kLayout);
          l.mem(cv).view4(vLayout);
          maskAndDropout(l, p, wide, cm, maskLayout, cq);
          l.mem((ClBuffer) lse).mem(cg).view4(gOutLayout).mem(cd);
          l.i32(gk != null ? 1 : 0).mem(gk != null ? (ClBuffer) gk : cd);
          l.i32(gv != null ? 1 : 0).mem(gv != null ? (ClBuffer) gv : cd);
          l.run(roundUp(p.keys()), (long) p.batch() * p.kvHeads(), group, 1);
        }
      }
    }
  }

  private long roundUp(int n) {
    return (long) (n + group - 1) / group * group;
  }

  /** Releases every cached program. */
  void release() {
    synchronized (cache) {
      cache.values().forEach(ClProgram::release);
      cache.clear();
      last = null;
    }
  }
}
