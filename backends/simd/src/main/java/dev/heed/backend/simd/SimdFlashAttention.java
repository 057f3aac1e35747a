package dev.heed.backend.simd;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.support.HeapBuffer;
import jdk.incubator.vector.FloatVector;

/**
 * {@link FusedAttention} for FLOAT32.
 *
 * <p>Forward: with at most {@link SimdFlashDenseForward#MAX_KEYS} keys, a block of query rows takes
 * every key at once ({@link SimdFlashDenseForward}: packed products, an exact row softmax). Longer
 * sequences, and calls where few query rows share a key head, run flash-style: a thread holds one
 * tile of {@code BQ × BK} scores at a time ({@link SimdFlashCall}), the keys first transposed to
 * {@code [d, Tk]} per key head so that the score tile {@code q·kᵀ} is a product whose vectors run
 * over keys ({@link SimdFlashGemm}), or, when few query rows share a key head, as when one new
 * query attends to a cache of keys (the copy would cost more than the scores), dot products of rows
 * ({@link SimdFlashCall#byRows}); each task, one block of query rows of one query head, streams
 * over the key blocks with an online softmax ({@link SimdFlashForward}). Either writes the weights
 * when they are asked for.
 *
 * <p>Backward: from the weights the forward kept, when core passes them, by packed products ({@link
 * SimdFlashKeptBackward}); otherwise flash-style, the keys and values transposed likewise (or not,
 * by rows) and the tiles recomputing the weights from the log-sum-exps ({@link SimdFlashBackward}).
 * Both take {@code D = rowsum(gOut∘out)}. Queries, the mask and the output gradient are read
 * through their strides; operands whose rows are read as vectors or as the rows of a packed product
 * are copied first when their rows are not contiguous.
 *
 * <p>Results do not depend on the number of threads: every task computes the same elements the same
 * way whoever runs it.
 */
final class SimdFlashAttention implements FusedAttention {
  /**
   * Multiply-adds ({@code B·H·Tq·Tk·(d + dv)}) below which a call stays on the calling thread: a
   * worker's hand-off costs microseconds, a woken one tens.
   */
  static final long PARALLEL_MIN_FMAS = 1L << 20;

  /** Transposed operands up to this many floats keep their arrays for the next call. */
  private static final int KEEP_MAX = 1 << 20;

  private static final ThreadLocal<float[][]> TRANSPOSED =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private final Workers workers;

  SimdFlashAttention(Workers workers) {
    this.workers = workers;
  }

  @Override
  public boolean supports(DType dtype, AttentionProblem problem, boolean masked) {
    return dtype == DType.FLOAT32;
  }

  private static float[] floats(Buffer b) {
    return ((HeapBuffer) b).floats();
  }

  private static SimdFlashView view(Buffer b, Layout layout) {
    return b == null ? null : SimdFlashView.of(floats(b), layout);
  }

  /** A per-thread array of at least {@code size} floats for transposed operand {@code slot}. */
  private static float[] transposed(int slot, int size) {
    if (size > KEEP_MAX) {
      return new float[size];
    }
    float[][] kept = TRANSPOSED.get();
    if (kept[slot].length < size) {
      kept[slot] = new float[size];
    }
    return kept[slot];
  }

  private static long work(AttentionProblem p) {
    return (long) p.batch() * p.heads() * p.queries() * p.keys() * (p.headDim() + p.valueDim());
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
    if ((long) problem.batch() * problem.heads() * problem.queries() == 0) {
      return;
    }
    boolean parallel = work(problem) >= PARALLEL_MIN_FMAS;
    if (SimdFlashDenseForward.takes(problem)) {
      SimdFlashCall c =
          new SimdFlashCall(
              problem, view(q, qLayout).gemmRows(), view(mask, maskLayout), null, null);
      SimdFlashDenseForward f =
          new SimdFlashDenseForward(
              c,
              view(k, kLayout).gemmRows(),
              view(v, vLayout).gemmRows(),
              view(out, outLayout),
              floats(lse),
              weights == null ? null : floats(weights));
      workers.parallelFor(parallel, f.tasks(), f::run);
      return;
    }
    boolean byRows = SimdFlashCall.byRows(problem);
    SimdFlashView queries = view(q, qLayout);
    SimdFlashView keys = view(k, kLayout);
    SimdFlashView values = view(v, vLayout).contiguousRows();
    SimdFlashCall c =
        byRows
            ? new SimdFlashCall(
                problem,
                queries.contiguousRows(),
                view(mask, maskLayout),
                null,
                keys.contiguousRows())
            : new SimdFlashCall(
                problem, queries, view(mask, maskLayout), transposeHeads(keys, 0, parallel), null);
    SimdFlashForward f =
        new SimdFlashForward(
            c, values, view(out, outLayout), floats(lse), weights == null ? null : floats(weights));
    workers.parallelFor(parallel, problem.batch() * problem.heads() * c.queryBlocks(), f::run);
  }

  /**
   * Every head of {@code x} {@code [B, Hkv, T, n]} transposed to {@code [n, T]}, in slot {@code
   * slot}.
   */
  private float[] transposeHeads(SimdFlashView x, int slot, boolean parallel) {
    int heads = x.shape[0] * x.shape[1];
    int size = x.shape[2] * x.shape[3];
    float[] t = transposed(slot, heads * size);
    int h1 = x.shape[1];
    workers.parallelFor(parallel, heads, e -> x.transposeInto(e / h1, e % h1, t, e * size));
    return t;
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
    if (gq == null && gk == null && gv == null) {
      return;
    }
    boolean parallel = work(problem) >= PARALLEL_MIN_FMAS / 2;
    if (weights != null && problem.queries() > 0 && problem.keys() > 0) {
      keptBackward(
          problem,
          q,
          qLayout,
          k,
          kLayout,
          v,
          vLayout,
          out,
          outLayout,
          weights,
          gOut,
          gOutLayout,
          gq,
          gk,
          gv,
          parallel);
      return;
    }
    boolean byRows = SimdFlashCall.byRows(problem);
    SimdFlashView queries = view(q, qLayout);
    SimdFlashView queryRows = queries.contiguousRows();
    SimdFlashView keys = view(k, kLayout);
    SimdFlashView keyRows = keys.contiguousRows();
    SimdFlashView values = view(v, vLayout);
    SimdFlashView gradOut = view(gOut, gOutLayout);
    SimdFlashView gradOutRows = gradOut.contiguousRows();
    SimdFlashCall c =
        byRows
            ? new SimdFlashCall(problem, queryRows, view(mask, maskLayout), null, keyRows)
            : new SimdFlashCall(
                problem, queries, view(mask, maskLayout), transposeHeads(keys, 0, parallel), null);
    float[] vt = byRows ? null : transposeHeads(values, 1, parallel);
    float[] delta = delta(c, view(out, outLayout), gradOut, parallel);
    SimdFlashBackward bw =
        new SimdFlashBackward(
            c,
            vt,
            byRows ? values.contiguousRows() : null,
            keyRows,
            queryRows,
            byRows ? gradOutRows : gradOut,
            gradOutRows,
            floats(lse),
            delta,
            gq == null ? null : floats(gq),
            gk == null ? null : floats(gk),
            gv == null ? null : floats(gv));
    int keyHeads = problem.batch() * problem.kvHeads();
    if (!parallel || keyHeads >= workers.threads()) {
      workers.parallelFor(parallel, keyHeads, bw::keyHead);
      return;
    }
    if (gk != null || gv != null) {
      workers.parallelFor(bw.keyBlockTasks(), bw::keyBlock);
    }
    if (gq != null) {
      workers.parallelFor(problem.batch() * problem.heads() * c.queryBlocks(), bw::queryBlock);
    }
  }

  /** The backward pass from the weights the forward kept ({@link SimdFlashKeptBackward}). */
  private void keptBackward(
      AttentionProblem problem,
      Buffer q,
      Layout qLayout,
      Buffer k,
      Layout kLayout,
      Buffer v,
      Layout vLayout,
      Buffer out,
      Layout outLayout,
      Buffer weights,
      Buffer gOut,
      Layout gOutLayout,
      Buffer gq,
      Buffer gk,
      Buffer gv,
      boolean parallel) {
    SimdFlashCall c = new SimdFlashCall(problem, null, null, null, null);
    SimdFlashView gradOut = view(gOut, gOutLayout);
    float[] delta = delta(c, view(out, outLayout), gradOut, parallel);
    SimdFlashKeptBackward bw =
        new SimdFlashKeptBackward(
            c,
            floats(weights),
            view(q, qLayout).gemmRows(),
            view(k, kLayout).gemmRows(),
            view(v, vLayout).gemmRows(),
            gradOut.gemmRows(),
            delta,
            gq == null ? null : floats(gq),
            gk == null ? null : floats(gk),
            gv == null ? null : floats(gv));
    int keyHeads = problem.batch() * problem.kvHeads();
    int threads = workers.threads();
    if (!parallel || keyHeads >= threads) {
      workers.parallelFor(parallel, keyHeads, bw::keyHead);
      return;
    }
    if (gk != null || gv != null) {
      int keys = SimdFlashKeptBackward.keysPerTask(problem.keys(), keyHeads, threads);
      int blocks = (problem.keys() + keys - 1) / keys;
      workers.parallelFor(keyHeads * blocks, task -> bw.keyBlock(task, keys));
    }
    if (gq != null) {
      int rows = bw.rowsPerTask(threads);
      int blocks = (problem.queries() + rows - 1) / rows;
      workers.parallelFor(
          problem.batch() * problem.heads() * blocks, task -> bw.queryBlock(task, rows));
    }
  }

  /** {@code D[b, h, i] = Σ gOut[b, h, i]∘out[b, h, i]}, {@code [B, H, Tq]}. */
  private float[] delta(SimdFlashCall c, SimdFlashView out, SimdFlashView g, boolean parallel) {
    float[] delta = new float[c.batch * c.heads * c.tq];
    int dv = c.dv;
    workers.parallelFor(
        parallel,
        c.batch * c.heads,
        bh -> {
          int b = bh / c.heads;
          int h = bh % c.heads;
          for (int i = 0; i < c.tq; i++) {
            delta[c.rowIndex(b, h, i)] = dot(out, g, b, h, i, dv);
          }
        });
    return delta;
  }

  private static float dot(SimdFlashView x, SimdFlashView y, int b, int h, int i, int n) {
    int xo = x.at(b, h, i);
    int yo = y.at(b, h, i);
    float sum = 0f;
    int j = 0;
    if (x.col == 1 && y.col == 1) {
      FloatVector acc = FloatVector.zero(SimdFlashCall.S);
      for (int full = SimdFlashCall.S.loopBound(n); j < full; j += SimdFlashCall.L) {
        acc =
            FloatVector.fromArray(SimdFlashCall.S, x.a, xo + j)
                .fma(FloatVector.fromArray(SimdFlashCall.S, y.a, yo + j), acc);
      }
      sum = SimdFlashMath.sum(acc);
    }
    for (; j < n; j++) {
      sum += x.a[xo + j * x.col] * y.a[yo + j * y.col];
    }
    return sum;
  }
}
