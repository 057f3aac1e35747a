package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.Layout;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.AttentionOptions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The opencl {@link FusedAttention} through core's {@code AttentionOps.attention}, against the
 * composite of primitive kernels on the reference backend: the output and the gradients of q, k and
 * v, with the causal rule (as many queries as keys, and fewer), additive masks that broadcast,
 * dropout, grouped-query heads, queries that are a permuted view and keys a slice at an offset,
 * several key tiles and query blocks, and both floating-point types.
 */
class FusedAttentionTest {

  /** One case: sizes and options. Mask: 0 none, 1 {@code [B, 1, Tq, Tk]}, 2 {@code [Tk]}. */
  record Case(
      int batch,
      int heads,
      int kvHeads,
      int queries,
      int keys,
      int headDim,
      int valueDim,
      boolean causal,
      int mask,
      double dropout,
      DType dtype) {
    @Override
    public String toString() {
      return String.format(
          "B%d H%d/%d Tq%d Tk%d d%d dv%d%s%s%s %s",
          batch,
          heads,
          kvHeads,
          queries,
          keys,
          headDim,
          valueDim,
          causal ? " causal" : "",
          mask == 0 ? "" : " mask" + mask,
          dropout > 0 ? " dropout " + dropout : "",
          dtype);
    }
  }

  static Stream<Arguments> cases() {
    DType f = DType.FLOAT32;
    DType d = DType.FLOAT64;
    return Stream.of(
            new Case(2, 2, 2, 5, 7, 4, 3, false, 0, 0, f),
            new Case(2, 4, 2, 9, 9, 8, 8, true, 0, 0, f),
            new Case(1, 4, 1, 3, 11, 6, 5, true, 0, 0, f),
            new Case(2, 2, 1, 70, 90, 16, 12, true, 1, 0, f),
            new Case(1, 3, 3, 130, 75, 8, 8, false, 2, 0, f),
            new Case(2, 2, 2, 6, 40, 8, 4, false, 1, 0.3, f),
            new Case(1, 4, 2, 33, 33, 16, 16, true, 0, 0.2, f),
            new Case(2, 2, 2, 9, 13, 5, 7, true, 1, 0.25, d),
            new Case(1, 2, 1, 66, 70, 8, 8, false, 0, 0, d))
        .map(Arguments::of);
  }

  private static Tensor random(Backend b, DType t, long seed, int... shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return Tensors.of(b, t, v, shape).requiresGrad(true);
  }

  /** The mask of a case: a few keys hidden ({@code -∞}), the rest small additive values. */
  private static Tensor mask(Backend b, Case c) {
    if (c.mask() == 0) {
      return null;
    }
    int[] shape =
        c.mask() == 1 ? new int[] {c.batch(), 1, c.queries(), c.keys()} : new int[] {c.keys()};
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    double[] m = new double[n];
    Random r = new Random(9);
    for (int i = 0; i < n; i++) {
      m[i] =
          i % c.keys() == 0
              ? 0
              : r.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : 0.5 * r.nextGaussian();
    }
    return Tensors.of(b, c.dtype(), m, shape);
  }

  /** Output, then the gradients of q, k and v, as double arrays. */
  @SuppressWarnings("try") // the scope only frees what the case makes
  private static List<double[]> run(Backend b, Case c) {
    List<double[]> result = new ArrayList<>();
    try (Scope s = Scope.open()) {
      // q: a [B, H, Tq, d] view of a [B, Tq, H, d] tensor; k: rows 1..Tk of Tk + 2
      Tensor qRaw = random(b, c.dtype(), 1, c.batch(), c.queries(), c.heads(), c.headDim());
      Tensor kRaw = random(b, c.dtype(), 2, c.batch(), c.kvHeads(), c.keys() + 2, c.headDim());
      Tensor v = random(b, c.dtype(), 3, c.batch(), c.kvHeads(), c.keys(), c.valueDim());
      Tensor q = Shapes.permute(qRaw, 0, 2, 1, 3);
      Tensor k = Shapes.slice(kRaw, 2, 1, c.keys() + 1);
      AttentionOptions o =
          AttentionOptions.defaults()
              .withCausal(c.causal())
              .withMask(mask(b, c))
              .withDropout(c.dropout(), true, 77);
      Tensor out = AttentionOps.attention(q, k, v, o).output();
      Tensor g = random(b, c.dtype(), 4, c.batch(), c.heads(), c.queries(), c.valueDim());
      out.backward(g.detach());
      result.add(out.toDoubleArray());
      result.add(qRaw.grad().toDoubleArray());
      result.add(kRaw.grad().toDoubleArray());
      result.add(v.grad().toDoubleArray());
    }
    return result;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheCompositeOnTheReference(Case c) {
    OpenClBackend cl = OpenClTests.backend();
    if (!cl.supports(c.dtype())) {
      return;
    }
    ClAttention fused = (ClAttention) cl.capability(FusedAttention.class).orElseThrow();
    long before = fused.forwards();
    List<double[]> actual = run(cl, c);
    assertEquals(before + 1, fused.forwards(), "core took the fused kernel");
    List<double[]> expected = run(TestBackends.reference(), c);
    String[] names = {"output", "gradient of q", "gradient of k", "gradient of v"};
    double tol = c.dtype() == DType.FLOAT32 ? 2e-5 : 1e-11;
    for (int i = 0; i < names.length; i++) {
      assertClose(c + " " + names[i], expected.get(i), actual.get(i), tol);
    }
  }

  private static void assertClose(String what, double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Double.isFinite(e) ? Math.abs(e) : 0);
    }
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      boolean ok =
          Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= tol * (Math.abs(e) + scale + 1);
      assertTrue(ok, what + ": element " + i + " is " + a + ", expected " + e);
    }
  }

  /**
   * Rows that see no key (a mask row of {@code -∞}, and the first queries under the causal rule
   * with more queries than keys) give NaN outputs and a log-sum-exp of {@code -∞}; the weights the
   * kernel writes when asked are the composite's.
   */
  @ParameterizedTest(name = "causal={0}")
  @MethodSource("hiddenRowCases")
  @SuppressWarnings("try") // the scope only frees what the test makes
  void rowsThatSeeNoKeyAndTheWeights(boolean causal) {
    OpenClBackend cl = OpenClTests.backend();
    Backend ref = TestBackends.reference();
    int b = 1;
    int h = 2;
    int tq = 6;
    int tk = causal ? 4 : 5;
    int d = 3;
    double[] m = new double[tq * tk];
    for (int j = 0; j < tk; j++) {
      m[2 * tk + j] = Double.NEGATIVE_INFINITY; // row 2 sees nothing
      m[4 * tk + j] = j == 1 ? 0 : Double.NEGATIVE_INFINITY;
    }
    AttentionProblem p = new AttentionProblem(b, h, h, tq, tk, d, d, 0.5, causal, 0, 0);
    try (Scope s = Scope.open()) {
      double[][] got = new double[3][];
      double[][] want = new double[3][];
      for (Backend be : new Backend[] {cl, ref}) {
        Tensor q = random(be, DType.FLOAT32, 5, b, h, tq, d);
        Tensor k = random(be, DType.FLOAT32, 6, b, h, tk, d);
        Tensor v = random(be, DType.FLOAT32, 7, b, h, tk, d);
        Tensor mask = Tensors.of(be, DType.FLOAT32, m, tq, tk);
        AttentionOptions o =
            AttentionOptions.defaults().withScale(0.5).withCausal(causal).withMask(mask);
        AttentionOps.Attended a = AttentionOps.attention(q, k, v, o);
        double[][] r = be == cl ? got : want;
        r[0] = a.output().toDoubleArray();
        r[1] = a.weights().toDoubleArray();
        if (be == cl) {
          // the kernel's own weights and log-sum-exps
          FusedAttention f = cl.capability(FusedAttention.class).orElseThrow();
          Layout maskLayout = new Layout(new int[] {b, h, tq, tk}, new long[] {0, 0, tk, 1}, 0);
          try (Buffer out = cl.allocate(DType.FLOAT32, (long) b * h * tq * d);
              Buffer lse = cl.allocate(DType.FLOAT32, (long) b * h * tq);
              Buffer w = cl.allocate(DType.FLOAT32, (long) b * h * tq * tk)) {
            f.forward(
                p,
                q.buffer(),
                q.layout(),
                k.buffer(),
                k.layout(),
                v.buffer(),
                v.layout(),
                mask.buffer(),
                maskLayout,
                out,
                Layout.contiguous(b, h, tq, d),
                lse,
                w);
            float[] wf = new float[(int) w.size()];
            cl.download(w, 0, wf.length, MemorySegment.ofArray(wf));
            float[] lf = new float[(int) lse.size()];
            cl.download(lse, 0, lf.length, MemorySegment.ofArray(lf));
            r[2] = new double[wf.length];
            for (int i = 0; i < wf.length; i++) {
              r[2][i] = wf[i];
            }
            for (int hh = 0; hh < h; hh++) {
              assertEquals(Float.NEGATIVE_INFINITY, lf[hh * tq + 2], "lse of a row with no key");
            }
          }
        }
      }
      assertTrue(Double.isNaN(got[0][2 * d]), "the output of a row with no key is NaN");
      assertClose("output", want[0], got[0], 2e-5);
      assertClose("weights through core", want[1], got[1], 2e-5);
      assertClose("weights written by the kernel", want[1], got[2], 2e-5);
    }
  }

  static Stream<Boolean> hiddenRowCases() {
    return Stream.of(false, true);
  }
}
