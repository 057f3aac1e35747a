package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedSelfAttention;
import dev.heed.core.backend.support.KernelChecks;

/**
 * {@link FusedSelfAttention} for FLOAT32. The (batch entry, head) problems are spread over the
 * threads; each copies its head's queries, keys and values out of the packed projection into
 * per-thread scratch matrices (rows of {@code d} contiguous floats, in cache), runs the very
 * computation of {@link SimdAttention} on them, and copies its result rows to where they belong in
 * the merged output. The backward pass gathers the same way and scatters the three gradients into
 * their places in the packed gradient. So the head split and merge cost a pass over data that is in
 * cache anyway, instead of permuting copies and slices of whole tensors (and their adjoints: a
 * zero-filled packed gradient per slice, summed).
 */
final class SimdSelfAttention implements FusedSelfAttention {
  private static final String K = "selfAttention";
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[8][0]);

  private final SimdBackend backend;

  SimdSelfAttention(SimdBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32;
  }

  private float[] check(String role, Buffer b, long size) {
    return Checks.floats(backend, K, role, b, size);
  }

  /** Per-thread scratch matrix {@code i} of at least {@code size} floats. */
  private static float[] scratch(int i, int size) {
    float[][] s = SCRATCH.get();
    if (s[i].length < size) {
      s[i] = new float[size];
    }
    return s[i];
  }

  /**
   * Copies part {@code part} (0 queries, 1 keys, 2 values) of head {@code h} of batch entry {@code
   * b} out of {@code qkv [batch, t, 3, heads, d]} into {@code dst [t, d]}.
   */
  private static void gather(
      float[] qkv, int b, int h, int part, int t, int heads, int d, float[] dst) {
    for (int i = 0; i < t; i++) {
      System.arraycopy(qkv, (((b * t + i) * 3 + part) * heads + h) * d, dst, i * d, d);
    }
  }

  /** The queries, keys and values of head {@code h} of batch entry {@code b}. */
  private static void gatherHead(
      float[] qkv, int b, int h, int t, int heads, int d, float[] q, float[] k, float[] v) {
    gather(qkv, b, h, 0, t, heads, d, q);
    gather(qkv, b, h, 1, t, heads, d, k);
    gather(qkv, b, h, 2, t, heads, d, v);
  }

  /** The inverse of {@link #gather}: {@code src [t, d]} into part {@code part} of {@code qkv}. */
  private static void scatter(
      float[] src, int b, int h, int part, int t, int heads, int d, float[] qkv) {
    for (int i = 0; i < t; i++) {
      System.arraycopy(src, i * d, qkv, (((b * t + i) * 3 + part) * heads + h) * d, d);
    }
  }

  @Override
  public void forward(
      Buffer qkv, int batch, int t, int heads, int d, double scale, Buffer weights, Buffer out) {
    long packed = KernelChecks.elements(K, "qkv [batch, t, 3, heads, d]", batch, t, 3 * heads, d);
    float[] in = check("qkv", qkv, packed);
    float[] ws =
        check("weights", weights, KernelChecks.elements(K, "weights", batch * heads, t, t));
    float[] os = check("out", out, KernelChecks.elements(K, "out", batch, t, heads * d));
    int n = t * d;
    backend
        .workers()
        .parallelFor(
            SimdAttention.work(batch * heads, t, t, d, d),
            batch * heads,
            e -> {
              int b = e / heads;
              int h = e % heads;
              float[] q = scratch(0, n);
              float[] k = scratch(1, n);
              float[] v = scratch(2, n);
              float[] o = scratch(3, n);
              gatherHead(in, b, h, t, heads, d, q, k, v);
              SimdAttention.forwardEntry(
                  q, 0, k, 0, v, 0, ws, (long) e * t * t, o, 0, t, t, d, d, scale);
              // out [batch, t, heads, d] is qkv's layout with one part
              for (int i = 0; i < t; i++) {
                System.arraycopy(o, i * d, os, ((b * t + i) * heads + h) * d, d);
              }
            });
  }

  @Override
  public void backward(
      Buffer gOut,
      Buffer qkv,
      Buffer weights,
      int batch,
      int t,
      int heads,
      int d,
      double scale,
      Buffer gQkv) {
    long packed = KernelChecks.elements(K, "qkv [batch, t, 3, heads, d]", batch, t, 3 * heads, d);
    float[] in = check("qkv", qkv, packed);
    float[] go = check("gOut", gOut, KernelChecks.elements(K, "gOut", batch, t, heads * d));
    float[] ws =
        check("weights", weights, KernelChecks.elements(K, "weights", batch * heads, t, t));
    float[] g = check("gQkv", gQkv, packed);
    int n = t * d;
    backend
        .workers()
        .parallelFor(
            SimdAttention.work(batch * heads, t, t, d, d),
            batch * heads,
            e -> {
              int b = e / heads;
              int h = e % heads;
              float[] q = scratch(0, n);
              float[] k = scratch(1, n);
              float[] v = scratch(2, n);
              float[] gO = scratch(3, n);
              float[] gq = scratch(4, n);
              float[] gk = scratch(5, n);
              float[] gv = scratch(6, n);
              gatherHead(in, b, h, t, heads, d, q, k, v);
              for (int i = 0; i < t; i++) {
                System.arraycopy(go, ((b * t + i) * heads + h) * d, gO, i * d, d);
              }
              SimdAttention.backwardEntry(
                  gO,
                  0,
                  q,
                  0,
                  k,
                  0,
                  v,
                  0,
                  ws,
                  (long) e * t * t,
                  gq,
                  0,
                  gk,
                  0,
                  gv,
                  0,
                  t,
                  t,
                  d,
                  d,
                  scale);
              scatter(gq, b, h, 0, t, heads, d, g);
              scatter(gk, b, h, 1, t, heads, d, g);
              scatter(gv, b, h, 2, t, heads, d, g);
            });
  }
}
