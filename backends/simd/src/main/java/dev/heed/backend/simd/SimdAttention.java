package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.support.KernelChecks;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedAttention} for FLOAT32. The batch entries (batch × heads) are spread over the
 * threads; each entry runs, on one thread, the packed {@link Gemm} for {@code scale·q·kᵀ} straight
 * into the weights, a vector row softmax in place, and {@code weights·v}. The backward pass works
 * the same way, with the score gradient of one entry in a per-thread scratch array that is reused.
 */
final class SimdAttention implements FusedAttention {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final String K = "scaledDotProduct";
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  private final SimdBackend backend;

  SimdAttention(SimdBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32;
  }

  private float[] check(String role, Buffer b, long size) {
    return Checks.floats(backend, K, role, b, size);
  }

  private static MatmulSpec spec(
      int m, int n, int k, boolean ta, boolean tb, long ao, long bo, long co, double alpha) {
    return new MatmulSpec(1, m, n, k, ta, tb, ao, 0, bo, 0, co, 0, alpha, 0);
  }

  @Override
  public void forward(
      Buffer q,
      Buffer k,
      Buffer v,
      int batch,
      int tq,
      int tk,
      int d,
      int dv,
      double scale,
      Buffer weights,
      Buffer out) {
    float[] qs = check("q", q, KernelChecks.elements(K, "q [batch, tq, d]", batch, tq, d));
    float[] ks = check("k", k, KernelChecks.elements(K, "k [batch, tk, d]", batch, tk, d));
    float[] vs = check("v", v, KernelChecks.elements(K, "v [batch, tk, dv]", batch, tk, dv));
    float[] ws = check("weights", weights, KernelChecks.elements(K, "weights", batch, tq, tk));
    float[] os = check("out", out, KernelChecks.elements(K, "out", batch, tq, dv));
    backend
        .workers()
        .parallelFor(
            work(batch, tq, tk, d, dv),
            batch,
            b ->
                forwardEntry(
                    qs,
                    (long) b * tq * d,
                    ks,
                    (long) b * tk * d,
                    vs,
                    (long) b * tk * dv,
                    ws,
                    (long) b * tq * tk,
                    os,
                    (long) b * tq * dv,
                    tq,
                    tk,
                    d,
                    dv,
                    scale));
  }

  /**
   * One problem, on the calling thread: {@code w = softmax(scale·q·kᵀ)} row by row and {@code o =
   * w·v}, each operand a row-major matrix at its offset ({@code q [tq, d]}, {@code k [tk, d]},
   * {@code v [tk, dv]}, {@code w [tq, tk]}, {@code o [tq, dv]}).
   */
  static void forwardEntry(
      float[] qs,
      long qo,
      float[] ks,
      long ko,
      float[] vs,
      long vo,
      float[] ws,
      long wo,
      float[] os,
      long oo,
      int tq,
      int tk,
      int d,
      int dv,
      double scale) {
    Gemm.serial(spec(tq, tk, d, false, true, qo, ko, wo, scale), qs, ks, ws);
    int row = (int) (wo / tk);
    VecSoftmax.rows(ws, ws, tk, false, row, row + tq);
    Gemm.serial(spec(tq, dv, tk, false, false, wo, vo, oo, 1), ws, vs, os);
  }

  /** Whether the whole call is worth more than one thread (about 2M multiply-adds). */
  static boolean work(int batch, int tq, int tk, int d, int dv) {
    return (long) batch * tq * tk * (d + dv) >= 1 << 21;
  }

  @Override
  public void backward(
      Buffer gOut,
      Buffer q,
      Buffer k,
      Buffer v,
      Buffer weights,
      int batch,
      int tq,
      int tk,
      int d,
      int dv,
      double scale,
      Buffer gq,
      Buffer gk,
      Buffer gv) {
    float[] go = check("gOut", gOut, KernelChecks.elements(K, "gOut", batch, tq, dv));
    float[] qs = check("q", q, KernelChecks.elements(K, "q [batch, tq, d]", batch, tq, d));
    float[] ks = check("k", k, KernelChecks.elements(K, "k [batch, tk, d]", batch, tk, d));
    float[] vs = check("v", v, KernelChecks.elements(K, "v [batch, tk, dv]", batch, tk, dv));
    float[] ws = check("weights", weights, KernelChecks.elements(K, "weights", batch, tq, tk));
    float[] gqs = gq == null ? null : check("gq", gq, (long) batch * tq * d);
    float[] gks = gk == null ? null : check("gk", gk, (long) batch * tk * d);
    float[] gvs = gv == null ? null : check("gv", gv, (long) batch * tk * dv);
    backend
        .workers()
        .parallelFor(
            work(batch, tq, tk, d, dv),
            batch,
            b ->
                backwardEntry(
                    go,
                    (long) b * tq * dv,
                    qs,
                    (long) b * tq * d,
                    ks,
                    (long) b * tk * d,
                    vs,
                    (long) b * tk * dv,
                    ws,
                    (long) b * tq * tk,
                    gqs,
                    (long) b * tq * d,
                    gks,
                    (long) b * tk * d,
                    gvs,
                    (long) b * tk * dv,
                    tq,
                    tk,
                    d,
                    dv,
                    scale));
  }

  /**
   * The gradients of one problem of {@link #forwardEntry}, on the calling thread: {@code gv =
   * wᵀ·gOut}, the score gradient in a per-thread scratch array, then {@code gq} and {@code gk}; a
   * null gradient array is skipped.
   */
  static void backwardEntry(
      float[] go,
      long goo,
      float[] qs,
      long qo,
      float[] ks,
      long ko,
      float[] vs,
      long vo,
      float[] ws,
      long wo,
      float[] gqs,
      long gqo,
      float[] gks,
      long gko,
      float[] gvs,
      long gvo,
      int tq,
      int tk,
      int d,
      int dv,
      double scale) {
    if (gvs != null) {
      Gemm.serial(spec(tk, dv, tq, true, false, wo, goo, gvo, 1), ws, go, gvs);
    }
    if (gqs == null && gks == null) {
      return;
    }
    float[] gs = scratch(tq * tk);
    // gW = gOut·vᵀ
    Gemm.serial(spec(tq, tk, dv, false, true, goo, vo, 0, 1), go, vs, gs);
    softmaxBackward(ws, (int) wo, gs, tq, tk, (float) scale);
    if (gqs != null) {
      Gemm.serial(spec(tq, d, tk, false, false, 0, ko, gqo, 1), gs, ks, gqs);
    }
    if (gks != null) {
      Gemm.serial(spec(tk, d, tq, true, false, 0, qo, gko, 1), gs, qs, gks);
    }
  }

  /** {@code g = w ∘ (g - rowsum(g ∘ w))·scale}, in place in {@code g}, rows of {@code n}. */
  private static void softmaxBackward(float[] w, int wo, float[] g, int rows, int n, float scale) {
    int bound = S.loopBound(n);
    for (int r = 0; r < rows; r++) {
      int gb = r * n;
      int wb = wo + r * n;
      FloatVector acc = FloatVector.zero(S);
      int i = 0;
      for (; i < bound; i += S.length()) {
        acc = FloatVector.fromArray(S, g, gb + i).fma(FloatVector.fromArray(S, w, wb + i), acc);
      }
      double dot = acc.reduceLanes(VectorOperators.ADD);
      for (; i < n; i++) {
        dot += g[gb + i] * w[wb + i];
      }
      FloatVector vd = FloatVector.broadcast(S, (float) dot);
      FloatVector vs = FloatVector.broadcast(S, scale);
      for (i = 0; i < bound; i += S.length()) {
        FloatVector.fromArray(S, g, gb + i)
            .sub(vd)
            .mul(FloatVector.fromArray(S, w, wb + i))
            .mul(vs)
            .intoArray(g, gb + i);
      }
      for (; i < n; i++) {
        g[gb + i] = (g[gb + i] - (float) dot) * w[wb + i] * scale;
      }
    }
  }

  private static float[] scratch(int size) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    return holder[0];
  }
}
