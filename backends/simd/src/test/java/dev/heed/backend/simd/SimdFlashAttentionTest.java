package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.Layout;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.AttentionOptions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simd backend's {@link FusedAttention} ({@link SimdFlashAttention}) through {@code
 * AttentionOps.attention}, against the composite of primitive operations on the reference backend,
 * in FLOAT32 and in FLOAT64: the output and the gradients of q, k and v of the loss {@code sum(out
 * ∘ r)}; the same call on one and on two threads must give the same bits. Direct calls of the
 * kernel check the log-sum-exps and the weights.
 */
@SuppressWarnings("try")
class SimdFlashAttentionTest {
  private static final String[] WHAT = {"output", "grad q", "grad k", "grad v"};

  /** Relative tolerance, on top of a floor of {@code TOLERANCE} times the largest magnitude. */
  private static final double TOLERANCE = 1e-5;

  /**
   * Absolute tolerance: the inputs are of order 1, so a gradient that is exactly 0 (a single key)
   * comes out as the float rounding of a difference of products of order 1.
   */
  private static final double ABSOLUTE = 1e-7;

  /**
   * One call: sizes, options, and the mask's shape as a comma-separated list of {@code B}, {@code
   * H}, {@code Tq}, {@code Tk} or {@code 1} (right-aligned to {@code [B, H, Tq, Tk]}), or "none".
   */
  record Case(
      int b,
      int h,
      int hkv,
      int tq,
      int tk,
      int d,
      int dv,
      boolean causal,
      String mask,
      double dropout) {

    int[] maskShape() {
      String[] parts = mask.split(";");
      int[] shape = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        shape[i] =
            switch (parts[i].trim()) {
              case "B" -> b;
              case "H" -> h;
              case "Tq" -> tq;
              case "Tk" -> tk;
              default -> Integer.parseInt(parts[i].trim());
            };
      }
      return shape;
    }

    boolean masked() {
      return !mask.equals("none");
    }
  }

  private static float[] random(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  private static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static int count(int... shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    return n;
  }

  private static Tensor tensor(Backend be, DType dtype, float[] values, int... shape) {
    return Tensors.of(be, dtype, widen(values), shape);
  }

  /**
   * A mask of {@code shape}: values in [-1, 1), and {@code -∞} at about a third of the positions
   * except key 0, so that every query sees a key (the first key is always visible under the causal
   * rule when there are at least as many keys as queries).
   */
  private static float[] mask(int[] shape) {
    float[] m = random(5, count(shape));
    int keys = shape[shape.length - 1];
    for (int i = 0; i < m.length; i++) {
      if (keys > 1 && i % keys != 0 && m[i] > 0.35f) {
        m[i] = Float.NEGATIVE_INFINITY;
      }
    }
    return m;
  }

  /** Output, then the gradients of q, k and v ({@code null} where not asked for). */
  private static List<double[]> run(
      Backend be, DType dtype, Case c, boolean gradQ, boolean gradKv, float[] maskValues) {
    return run(be, dtype, c, Double.NaN, gradQ, gradKv, maskValues);
  }

  /** As above, with the scale of the scores ({@code NaN} for the default {@code 1/√d}). */
  private static List<double[]> run(
      Backend be,
      DType dtype,
      Case c,
      double scale,
      boolean gradQ,
      boolean gradKv,
      float[] maskValues) {
    try (Scope s = Scope.open()) {
      Tensor q =
          tensor(be, dtype, random(1, count(c.b, c.h, c.tq, c.d)), c.b, c.h, c.tq, c.d)
              .requiresGrad(gradQ);
      Tensor k =
          tensor(be, dtype, random(2, count(c.b, c.hkv, c.tk, c.d)), c.b, c.hkv, c.tk, c.d)
              .requiresGrad(gradKv);
      Tensor v =
          tensor(be, dtype, random(3, count(c.b, c.hkv, c.tk, c.dv)), c.b, c.hkv, c.tk, c.dv)
              .requiresGrad(gradKv);
      AttentionOptions o =
          AttentionOptions.defaults()
              .withCausal(c.causal)
              .withDropout(c.dropout, c.dropout > 0, 1234);
      if (!Double.isNaN(scale)) {
        o = o.withScale(scale);
      }
      if (c.masked()) {
        int[] shape = c.maskShape();
        o = o.withMask(tensor(be, dtype, maskValues == null ? mask(shape) : maskValues, shape));
      }
      Tensor out = AttentionOps.attention(q, k, v, o).output();
      Tensor r = tensor(be, dtype, random(4, count(c.b, c.h, c.tq, c.dv)), c.b, c.h, c.tq, c.dv);
      out.mul(r).sum().backward();
      List<double[]> result = new ArrayList<>();
      result.add(out.toDoubleArray());
      result.add(gradQ ? q.grad().toDoubleArray() : null);
      result.add(gradKv ? k.grad().toDoubleArray() : null);
      result.add(gradKv ? v.grad().toDoubleArray() : null);
      return result;
    }
  }

  private static List<double[]> run(Backend be, DType dtype, Case c) {
    return run(be, dtype, c, true, true, null);
  }

  /**
   * Whether {@code actual} is within the tolerance of {@code expected} elementwise: {@code |a - e|
   * <= tol·(|e| + max|e|) + ABSOLUTE}, equal infinities, and NaN exactly where expected is NaN.
   */
  static void assertClose(String what, double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    double max = 0;
    for (double e : expected) {
      if (!Double.isNaN(e)) {
        max = Math.max(max, Math.abs(e));
      }
    }
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (e == a) {
        continue;
      }
      if (Double.isNaN(e) || Double.isNaN(a)) {
        if (Double.isNaN(e) != Double.isNaN(a)) {
          fail(what + " at " + i + ": expected " + e + ", got " + a);
        }
        continue;
      }
      if (!(Math.abs(a - e) <= tol * (Math.abs(e) + max) + ABSOLUTE)) {
        fail(what + " at " + i + ": expected " + e + ", got " + a + " (largest " + max + ")");
      }
    }
  }

  private static void compare(Case c, boolean gradQ, boolean gradKv, float[] maskValues) {
    List<double[]> one =
        run(SimdBackends.withThreads(1), DType.FLOAT32, c, gradQ, gradKv, maskValues);
    List<double[]> two =
        run(SimdBackends.withThreads(2), DType.FLOAT32, c, gradQ, gradKv, maskValues);
    List<double[]> f32 = run(TestBackends.reference(), DType.FLOAT32, c, gradQ, gradKv, maskValues);
    List<double[]> f64 = run(TestBackends.reference(), DType.FLOAT64, c, gradQ, gradKv, maskValues);
    for (int i = 0; i < WHAT.length; i++) {
      if (one.get(i) == null) {
        continue;
      }
      assertArrayEquals(one.get(i), two.get(i), WHAT[i] + ": 1 and 2 threads differ");
      assertClose(WHAT[i] + " against the FLOAT32 composite", f32.get(i), one.get(i), TOLERANCE);
      assertClose(WHAT[i] + " against the FLOAT64 composite", f64.get(i), one.get(i), TOLERANCE);
    }
  }

  @ParameterizedTest(name = "B={0} H={1} Hkv={2} Tq={3} Tk={4} d={5} dv={6} causal={7} mask={8}")
  @CsvSource({
    "1, 1, 1, 1, 1, 1, 1, false, none",
    "2, 2, 2, 5, 7, 4, 3, false, none",
    "2, 4, 4, 1, 9, 8, 8, false, none",
    "2, 2, 2, 6, 1, 3, 2, false, none",
    "1, 2, 2, 4, 5, 1, 1, false, none",
    "2, 2, 2, 5, 7, 3, 3, false, none",
    "1, 2, 2, 33, 300, 64, 64, false, none",
    "2, 2, 2, 40, 40, 16, 16, true, none",
    "2, 2, 2, 20, 70, 8, 8, true, none",
    "2, 2, 1, 1, 70, 8, 8, true, none",
    "2, 2, 2, 20, 70, 8, 8, false, Tq;Tk",
    "2, 2, 2, 20, 70, 8, 8, false, B;1;1;Tk",
    "2, 2, 2, 20, 70, 8, 8, false, 1;H;Tq;Tk",
    "2, 2, 2, 20, 70, 8, 8, false, B;H;Tq;1",
    "2, 3, 3, 20, 70, 5, 9, true, Tk",
    "2, 4, 1, 37, 130, 32, 16, false, none",
    "2, 4, 2, 37, 130, 32, 16, true, B;1;Tq;Tk",
    "1, 4, 1, 64, 64, 64, 64, false, none",
    "1, 2, 2, 100, 100, 32, 32, true, none",
    "4, 4, 4, 64, 96, 32, 48, false, none",
  })
  void matchesTheComposite(
      int b, int h, int hkv, int tq, int tk, int d, int dv, boolean causal, String mask) {
    assertTrue(
        SimdBackends.withThreads(1).capability(FusedAttention.class).isPresent(),
        "simd offers FusedAttention");
    compare(new Case(b, h, hkv, tq, tk, d, dv, causal, mask, 0), true, true, null);
  }

  @ParameterizedTest(name = "B={0} H={1} Hkv={2} Tq={3} Tk={4} causal={5} mask={6} p={7}")
  @CsvSource({
    "2, 2, 2, 5, 7, false, none, 0.5",
    "2, 4, 2, 37, 130, true, B;1;Tq;Tk, 0.3",
    "1, 4, 1, 64, 64, false, none, 0.1",
    "1, 2, 2, 3, 300, false, Tk, 0.9",
  })
  void dropoutKeepsTheCompositesWeights(
      int b, int h, int hkv, int tq, int tk, boolean causal, String mask, double p) {
    compare(new Case(b, h, hkv, tq, tk, 16, 8, causal, mask, p), true, true, null);
  }

  /**
   * The vectorised draws keep exactly the weights that {@link AttentionProblem#kept} keeps, for
   * probabilities whose {@code keep·2⁵³} is and is not an integer, any seed, and runs of draws with
   * a vector part and a scalar tail.
   */
  @Test
  void dropoutDrawsMatchTheProblemsKept() {
    double[] probabilities = {0.5, 0.1, 0.3, 0.9, 1e-9, 0.999999, 1.0 / 3};
    long[] seeds = {0, -1, 1234, Long.MIN_VALUE, 0x9E3779B97F4A7C15L};
    int kept = 0;
    int all = 0;
    for (double dropout : probabilities) {
      for (long seed : seeds) {
        AttentionProblem p = new AttentionProblem(3, 2, 1, 50, 77, 4, 4, 1, false, dropout, seed);
        float factor = (float) (1.0 / (1 - dropout));
        float[] z = new float[80];
        for (int b = 0; b < 3; b++) {
          for (int i = 0; i < 50; i += 7) {
            int j0 = (b * 13 + i) % 40;
            int n = 77 - j0;
            SimdFlashDropout.factors(
                seed,
                SimdFlashDropout.keptBelow(1 - dropout),
                factor,
                p.dropoutIndex(b, 1, i, j0),
                n,
                z,
                1);
            for (int j = 0; j < n; j++) {
              boolean expected = p.kept(b, 1, i, j0 + j);
              assertEquals(
                  expected ? factor : 0f,
                  z[1 + j],
                  "p=" + dropout + " seed=" + seed + " b=" + b + " i=" + i + " j=" + (j0 + j));
              kept += expected ? 1 : 0;
              all++;
            }
          }
        }
      }
    }
    assertTrue(kept > 0 && kept < all, "some weights kept, some dropped");
  }

  @Test
  void gradientsOfSomeInputsOnly() {
    Case c = new Case(2, 4, 2, 37, 70, 16, 8, true, "none", 0.2);
    compare(c, true, false, null);
    compare(c, false, true, null);
  }

  /**
   * Rows that see no key: the causal rule with more queries than keys hides every key from the
   * first queries, and a mask row of {@code -∞} hides every key from one more query. Their output
   * is NaN as in the composite, and the NaN reaches the same gradients.
   */
  @Test
  void rowsWithoutKeysGiveNaN() {
    Case causal = new Case(1, 2, 2, 70, 20, 8, 8, true, "none", 0);
    compare(causal, true, true, null);
    Case masked = new Case(2, 2, 1, 9, 70, 8, 8, false, "Tq;Tk", 0);
    float[] m = mask(masked.maskShape());
    Arrays.fill(m, 3 * 70, 4 * 70, Float.NEGATIVE_INFINITY);
    compare(masked, true, true, m);
    compare(masked, true, false, m);
    List<double[]> out = run(SimdBackends.withThreads(1), DType.FLOAT32, masked, true, true, m);
    assertTrue(Double.isNaN(out.get(0)[3 * 8]), "a row without keys gives NaN");
    assertFalse(Double.isNaN(out.get(0)[2 * 8]), "other rows are numbers");
  }

  /**
   * A NaN score (from a NaN in the mask) makes its row's output NaN and reaches the gradients as in
   * the composite: the row's query gradient and every key's and value's gradient of its head.
   */
  @Test
  void aNaNScoreGivesNaNWhereTheCompositeDoes() {
    Case c = new Case(2, 2, 2, 9, 70, 8, 8, false, "Tq;Tk", 0);
    float[] m = mask(c.maskShape());
    m[5 * 70 + 17] = Float.NaN;
    compare(c, true, true, m);
    List<double[]> out = run(SimdBackends.withThreads(1), DType.FLOAT32, c, true, true, m);
    assertTrue(Double.isNaN(out.get(0)[5 * 8]), "the row of the NaN score is NaN");
    assertFalse(Double.isNaN(out.get(0)[4 * 8]), "other rows are numbers");
  }

  /** The heads as strided views of a packed projection, as {@code selfAttention} makes them. */
  @Test
  void headsOfAPackedProjection() {
    int b = 2;
    int t = 40;
    int heads = 4;
    int d = 16;
    float[] x = random(7, count(b, t, 3 * heads * d));
    float[] r = random(8, count(b, t, heads * d));
    List<double[]> expected =
        selfAttention(TestBackends.reference(), DType.FLOAT64, x, r, t, heads);
    for (int threads = 1; threads <= 2; threads++) {
      List<double[]> actual =
          selfAttention(SimdBackends.withThreads(threads), DType.FLOAT32, x, r, t, heads);
      assertClose("output", expected.get(0), actual.get(0), TOLERANCE);
      assertClose("grad qkv", expected.get(1), actual.get(1), TOLERANCE);
    }
  }

  private static List<double[]> selfAttention(
      Backend be, DType dtype, float[] x, float[] r, int t, int heads) {
    int e = r.length / (2 * t);
    try (Scope s = Scope.open()) {
      Tensor qkv = tensor(be, dtype, x, 2, t, 3 * e).requiresGrad(true);
      Tensor out = AttentionOps.selfAttention(qkv, heads, 0.3, 0, false, 0).output();
      out.mul(tensor(be, dtype, r, 2, t, e)).sum().backward();
      return List.of(out.toDoubleArray(), qkv.grad().toDoubleArray());
    }
  }

  /**
   * Queries, keys, values and the output gradient whose last dimension is not contiguous
   * (transposed views), so the kernel reads them through their strides or copies their rows; with
   * 19 queries the scores are products with the transposed keys, with 3 dot products of rows.
   */
  @ParameterizedTest(name = "Tq={0}")
  @CsvSource({"19", "3"})
  void operandsWithStridedRows(int tq) {
    int b = 2;
    int h = 2;
    int tk = 33;
    int d = 5;
    int dv = 7;
    float[] q = random(1, count(b, h, d, tq));
    float[] k = random(2, count(b, h, d, tk));
    float[] v = random(3, count(b, h, dv, tk));
    float[] r = random(4, count(b, h, dv, tq));
    List<double[]> expected = strided(TestBackends.reference(), DType.FLOAT64, q, k, v, r, tq, tk);
    for (int threads = 1; threads <= 2; threads++) {
      List<double[]> actual =
          strided(SimdBackends.withThreads(threads), DType.FLOAT32, q, k, v, r, tq, tk);
      for (int i = 0; i < WHAT.length; i++) {
        assertClose(WHAT[i], expected.get(i), actual.get(i), TOLERANCE);
      }
    }
  }

  private static List<double[]> strided(
      Backend be, DType dtype, float[] q, float[] k, float[] v, float[] r, int tq, int tk) {
    int d = q.length / (4 * tq);
    int dv = v.length / (4 * tk);
    try (Scope s = Scope.open()) {
      Tensor qt = tensor(be, dtype, q, 2, 2, d, tq).requiresGrad(true);
      Tensor kt = tensor(be, dtype, k, 2, 2, d, tk).requiresGrad(true);
      Tensor vt = tensor(be, dtype, v, 2, 2, dv, tk).requiresGrad(true);
      Tensor out =
          AttentionOps.attention(
                  Shapes.transpose(qt, 2, 3),
                  Shapes.transpose(kt, 2, 3),
                  Shapes.transpose(vt, 2, 3),
                  AttentionOptions.defaults().withCausal(true))
              .output();
      Shapes.transpose(out, 2, 3).mul(tensor(be, dtype, r, 2, 2, dv, tq)).sum().backward();
      return List.of(
          out.toDoubleArray(),
          qt.grad().toDoubleArray(),
          kt.grad().toDoubleArray(),
          vt.grad().toDoubleArray());
    }
  }

  /**
   * The kernel called directly: the log-sum-exps against a double-precision loop, and the weights
   * (before dropout) against the composite's.
   */
  @ParameterizedTest(name = "Tq={0} Tk={1} causal={2} mask={3}")
  @CsvSource({
    "7, 130, false, none",
    "30, 30, true, 1;H;Tq;Tk",
    "40, 10, true, Tk",
    "5, 70, false, B;1;1;Tk",
  })
  void logSumExpsAndWeights(int tq, int tk, boolean causal, String maskSpec) {
    Case c = new Case(2, 4, 2, tq, tk, 8, 6, causal, maskSpec, 0.25);
    int[] maskShape = c.masked() ? c.maskShape() : null;
    float[] m = c.masked() ? mask(maskShape) : null;
    float[] q = random(1, count(c.b, c.h, tq, c.d));
    float[] k = random(2, count(c.b, c.hkv, tk, c.d));
    float[] v = random(3, count(c.b, c.hkv, tk, c.dv));
    AttentionProblem p =
        new AttentionProblem(c.b, c.h, c.hkv, tq, tk, c.d, c.dv, 0.4, causal, 0.25, 99);
    Backend be = SimdBackends.withThreads(2);
    FusedAttention fused = be.capability(FusedAttention.class).orElseThrow();
    assertTrue(fused.supports(DType.FLOAT32, p, c.masked()));
    assertFalse(fused.supports(DType.FLOAT64, p, c.masked()), "FLOAT64 is left to the composite");
    try (Scope s = Scope.open()) {
      Tensor tq4 = tensor(be, DType.FLOAT32, q, c.b, c.h, tq, c.d);
      Tensor tk4 = tensor(be, DType.FLOAT32, k, c.b, c.hkv, tk, c.d);
      Tensor tv4 = tensor(be, DType.FLOAT32, v, c.b, c.hkv, tk, c.dv);
      Tensor tm = m == null ? null : tensor(be, DType.FLOAT32, m, maskShape);
      Tensor out = Tensors.zeros(be, Shape.of(c.b, c.h, tq, c.dv), DType.FLOAT32);
      Tensor lse = Tensors.zeros(be, Shape.of(c.b, c.h, tq), DType.FLOAT32);
      Tensor weights = Tensors.zeros(be, Shape.of(c.b, c.h, tq, tk), DType.FLOAT32);
      fused.forward(
          p,
          tq4.buffer(),
          tq4.layout(),
          tk4.buffer(),
          tk4.layout(),
          tv4.buffer(),
          tv4.layout(),
          tm == null ? null : tm.buffer(),
          tm == null ? null : broadcast(maskShape, c.b, c.h, tq, tk),
          out.buffer(),
          out.layout(),
          lse.buffer(),
          weights.buffer());
      assertClose("lse", logSumExps(p, q, k, m, maskShape), lse.toDoubleArray(), TOLERANCE);
      assertClose(
          "weights",
          compositeWeights(c, p.scale(), q, k, v, m, maskShape),
          weights.toDoubleArray(),
          TOLERANCE);
    }
  }

  /** The layout of a contiguous mask of {@code shape} broadcast to {@code [b, h, tq, tk]}. */
  private static Layout broadcast(int[] shape, int b, int h, int tq, int tk) {
    int[] full = {b, h, tq, tk};
    long[] strides = new long[4];
    long stride = 1;
    for (int i = 3, j = shape.length - 1; i >= 0; i--, j--) {
      int dim = j >= 0 ? shape[j] : 1;
      strides[i] = dim == 1 ? 0 : stride;
      stride *= dim;
    }
    return new Layout(full, strides, 0);
  }

  private static double[] logSumExps(
      AttentionProblem p, float[] q, float[] k, float[] m, int[] maskShape) {
    int b = p.batch();
    int h = p.heads();
    int tq = p.queries();
    int tk = p.keys();
    int d = p.headDim();
    Layout ml = m == null ? null : broadcast(maskShape, b, h, tq, tk);
    double[] lse = new double[b * h * tq];
    for (int bi = 0; bi < b; bi++) {
      for (int hi = 0; hi < h; hi++) {
        int kv = p.kvHead(hi);
        for (int i = 0; i < tq; i++) {
          double[] s = new double[tk];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < tk; j++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
              dot +=
                  (double) q[((bi * h + hi) * tq + i) * d + c]
                      * k[((bi * p.kvHeads() + kv) * tk + j) * d + c];
            }
            s[j] = dot * p.scale();
            if (ml != null) {
              s[j] +=
                  m[
                      (int)
                          (bi * ml.stride(0)
                              + hi * ml.stride(1)
                              + i * ml.stride(2)
                              + j * ml.stride(3))];
            }
            if (!p.visible(i, j)) {
              s[j] = Double.NEGATIVE_INFINITY;
            }
            max = Math.max(max, s[j]);
          }
          double sum = 0;
          for (double x : s) {
            sum += Math.exp(x - max);
          }
          lse[(bi * h + hi) * tq + i] = max == Double.NEGATIVE_INFINITY ? max : max + Math.log(sum);
        }
      }
    }
    return lse;
  }

  private static double[] compositeWeights(
      Case c, double scale, float[] q, float[] k, float[] v, float[] m, int[] maskShape) {
    Backend ref = TestBackends.reference();
    DType f64 = DType.FLOAT64;
    try (Scope s = Scope.open()) {
      AttentionOptions o = AttentionOptions.defaults().withCausal(c.causal).withScale(scale);
      if (m != null) {
        o = o.withMask(tensor(ref, f64, m, maskShape));
      }
      return AttentionOps.attention(
              tensor(ref, f64, q, c.b, c.h, c.tq, c.d),
              tensor(ref, f64, k, c.b, c.hkv, c.tk, c.d),
              tensor(ref, f64, v, c.b, c.hkv, c.tk, c.dv),
              o)
          .weights()
          .toDoubleArray();
    }
  }

  /**
   * The same call repeated until the JIT has compiled the kernels gives the same bits as its first
   * run (interpreted when this test runs first in its JVM): the kernel's arithmetic does not depend
   * on the stage of compilation.
   */
  @Test
  void sameBitsOnceCompiled() {
    Case c = new Case(1, 2, 1, 40, 70, 16, 16, true, "Tq;Tk", 0.2);
    float[] m = mask(c.maskShape());
    Backend be = SimdBackends.withThreads(1);
    List<double[]> first = run(be, DType.FLOAT32, c, true, true, m);
    for (int i = 0; i < 300; i++) {
      List<double[]> again = run(be, DType.FLOAT32, c, true, true, m);
      for (int j = 0; j < WHAT.length; j++) {
        assertArrayEquals(first.get(j), again.get(j), WHAT[j] + " changed in run " + i);
      }
    }
  }

  /** What one direct forward and backward call of the kernel wrote. */
  private record Direct(
      double[] out, double[] lse, double[] weights, double[] gq, double[] gk, double[] gv) {
    List<double[]> all() {
      List<double[]> list = new ArrayList<>(Arrays.asList(out, lse, gq, gk, gv));
      if (weights != null) {
        list.add(weights);
      }
      return list;
    }
  }

  /**
   * The kernel called directly on the inputs of {@link #run} (the output gradient is the {@code r}
   * of its loss): the forward, keeping the weights when {@code keep}, and the backward, given those
   * weights when {@code keep} and recomputing them otherwise.
   */
  private static Direct direct(Backend be, Case c, double scale, boolean keep) {
    AttentionProblem p =
        new AttentionProblem(
            c.b, c.h, c.hkv, c.tq, c.tk, c.d, c.dv, scale, c.causal, c.dropout, 1234);
    FusedAttention fused = be.capability(FusedAttention.class).orElseThrow();
    assertTrue(fused.supports(DType.FLOAT32, p, c.masked()));
    DType f32 = DType.FLOAT32;
    try (Scope s = Scope.open()) {
      Tensor q = tensor(be, f32, random(1, count(c.b, c.h, c.tq, c.d)), c.b, c.h, c.tq, c.d);
      Tensor k = tensor(be, f32, random(2, count(c.b, c.hkv, c.tk, c.d)), c.b, c.hkv, c.tk, c.d);
      Tensor v = tensor(be, f32, random(3, count(c.b, c.hkv, c.tk, c.dv)), c.b, c.hkv, c.tk, c.dv);
      Tensor g = tensor(be, f32, random(4, count(c.b, c.h, c.tq, c.dv)), c.b, c.h, c.tq, c.dv);
      int[] maskShape = c.masked() ? c.maskShape() : null;
      Tensor m = c.masked() ? tensor(be, f32, mask(maskShape), maskShape) : null;
      Layout ml = m == null ? null : broadcast(maskShape, c.b, c.h, c.tq, c.tk);
      Tensor out = Tensors.zeros(be, Shape.of(c.b, c.h, c.tq, c.dv), f32);
      Tensor lse = Tensors.zeros(be, Shape.of(c.b, c.h, c.tq), f32);
      Tensor w = keep ? Tensors.zeros(be, Shape.of(c.b, c.h, c.tq, c.tk), f32) : null;
      Tensor gq = Tensors.zeros(be, q.shape(), f32);
      Tensor gk = Tensors.zeros(be, k.shape(), f32);
      Tensor gv = Tensors.zeros(be, v.shape(), f32);
      fused.forward(
          p,
          q.buffer(),
          q.layout(),
          k.buffer(),
          k.layout(),
          v.buffer(),
          v.layout(),
          m == null ? null : m.buffer(),
          ml,
          out.buffer(),
          out.layout(),
          lse.buffer(),
          w == null ? null : w.buffer());
      fused.backward(
          p,
          q.buffer(),
          q.layout(),
          k.buffer(),
          k.layout(),
          v.buffer(),
          v.layout(),
          m == null ? null : m.buffer(),
          ml,
          out.buffer(),
          out.layout(),
          lse.buffer(),
          w == null ? null : w.buffer(),
          g.buffer(),
          g.layout(),
          gq.buffer(),
          gk.buffer(),
          gv.buffer());
      return new Direct(
          out.toDoubleArray(),
          lse.toDoubleArray(),
          w == null ? null : w.toDoubleArray(),
          gq.toDoubleArray(),
          gk.toDoubleArray(),
          gv.toDoubleArray());
    }
  }

  /**
   * The backward pass from the weights the forward kept, and the one that recomputes them, called
   * directly: both agree with the composite (output, weights, gradients), give the same bits on one
   * and on two threads (where two threads split the work of a single key head in two passes, by
   * keys and by query rows, when there are fewer key heads than threads), and the forward's output
   * is the same bits whether it keeps the weights or not. The cases cover the forward that takes
   * every key at once, the flash-style one (more than 1024 keys, or few query rows per key head),
   * grouped heads, dropout, the causal rule (with rows that see no key), masks of several shapes
   * and a negative scale.
   */
  @ParameterizedTest(
      name = "B={0} H={1} Hkv={2} Tq={3} Tk={4} d={5} dv={6} causal={7} mask={8} p={9} scale={10}")
  @CsvSource({
    "2, 4, 2, 37, 130, 16, 8, false, none, 0, 0.25",
    "1, 4, 1, 64, 96, 32, 32, false, none, 0, 0.2",
    "1, 4, 1, 64, 96, 32, 32, true, Tq;Tk, 0.3, 0.2",
    "2, 2, 2, 40, 40, 16, 16, true, none, 0, 0.25",
    "1, 2, 2, 70, 20, 8, 8, true, none, 0, 0.35",
    "2, 2, 2, 20, 70, 8, 8, false, B;1;1;Tk, 0, 0.35",
    "2, 2, 2, 20, 70, 8, 8, false, 1;H;Tq;Tk, 0.2, 0.35",
    "2, 3, 3, 20, 70, 5, 9, true, Tk, 0.5, 0.4",
    "2, 2, 2, 20, 70, 8, 8, false, B;H;Tq;1, 0, 0.35",
    "2, 2, 1, 3, 70, 8, 8, false, none, 0.1, 0.35",
    "1, 2, 1, 20, 1100, 8, 8, true, Tk, 0.2, 0.35",
    "1, 1, 1, 9, 1030, 16, 8, false, none, 0, 0.25",
    "2, 2, 2, 33, 50, 8, 8, false, none, 0, -0.3",
    "2, 2, 2, 33, 50, 8, 8, true, B;1;1;Tk, 0.2, -0.3",
  })
  void keptAndRecomputedBackwardsMatchTheComposite(
      int b,
      int h,
      int hkv,
      int tq,
      int tk,
      int d,
      int dv,
      boolean causal,
      String mask,
      double dropout,
      double scale) {
    Case c = new Case(b, h, hkv, tq, tk, d, dv, causal, mask, dropout);
    Direct kept1 = direct(SimdBackends.withThreads(1), c, scale, true);
    Direct kept2 = direct(SimdBackends.withThreads(2), c, scale, true);
    Direct recomputed1 = direct(SimdBackends.withThreads(1), c, scale, false);
    Direct recomputed2 = direct(SimdBackends.withThreads(2), c, scale, false);
    String[] what = {"output", "lse", "grad q", "grad k", "grad v", "weights"};
    for (int i = 0; i < kept1.all().size(); i++) {
      assertArrayEquals(
          kept1.all().get(i), kept2.all().get(i), what[i] + " (kept): 1 and 2 threads differ");
    }
    for (int i = 0; i < recomputed1.all().size(); i++) {
      assertArrayEquals(
          recomputed1.all().get(i),
          recomputed2.all().get(i),
          what[i] + " (recomputed): 1 and 2 threads differ");
    }
    assertArrayEquals(
        recomputed1.out(), kept1.out(), "the output with and without keeping the weights");
    assertArrayEquals(recomputed1.lse(), kept1.lse(), "lse with and without keeping the weights");
    float[] maskValues = c.masked() ? mask(c.maskShape()) : null;
    List<double[]> expected =
        run(TestBackends.reference(), DType.FLOAT64, c, scale, true, true, maskValues);
    for (Direct r : List.of(kept1, recomputed1)) {
      String how = r == kept1 ? " (kept weights)" : " (recomputed weights)";
      assertClose("output" + how, expected.get(0), r.out(), TOLERANCE);
      assertClose("grad q" + how, expected.get(1), r.gq(), TOLERANCE);
      assertClose("grad k" + how, expected.get(2), r.gk(), TOLERANCE);
      assertClose("grad v" + how, expected.get(3), r.gv(), TOLERANCE);
    }
    assertRelativelyClose(
        "weights",
        compositeWeights(
            c,
            scale,
            random(1, count(b, h, tq, d)),
            random(2, count(b, hkv, tk, d)),
            random(3, count(b, hkv, tk, dv)),
            maskValues,
            c.masked() ? c.maskShape() : null),
        kept1.weights());
  }

  /**
   * Each element within {@code TOLERANCE} of itself ({@code |a - e| <= tol·|e| + 1e-12}), NaN
   * exactly where expected is NaN: for weights, whose long rows are each small.
   */
  private static void assertRelativelyClose(String what, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) || Double.isNaN(a)) {
        assertEquals(Double.isNaN(e), Double.isNaN(a), what + " at " + i + ": NaN");
      } else if (!(Math.abs(a - e) <= TOLERANCE * Math.abs(e) + 1e-12)) {
        fail(what + " at " + i + ": expected " + e + ", got " + a);
      }
    }
  }
}
