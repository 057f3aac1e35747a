package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.Layout;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.AttentionCases.Case;
import dev.heed.testkit.AttentionCases.Inputs;
import dev.heed.testkit.AttentionOracle.Operands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link FusedAttention}: scaled dot-product attention through {@code
 * AttentionOps.attention} on the backend under test, which takes the fused kernel, agrees with the
 * composite of primitive operations on the reference backend (which offers no fused attention),
 * computed in FLOAT64 from the same values: the output, the gradients of q, k and v (or of the
 * tensors they are views of), and the weights when asked for, with gradients through them. The
 * calls cover awkward sizes ({@code Tq ≠ Tk}, one query, 300 keys, {@code d} of 1 and 13), views
 * (head splits of a packed projection, permuted and transposed views, slices at offsets), additive
 * masks broadcast from {@code [Tk]}, {@code [B, 1, 1, Tk]} and {@code [B, H, Tq, Tk]} with {@code
 * -∞}, boolean masks, the causal rule aligned to the bottom right, grouped-query heads and dropout
 * (deterministic by seed). Two calls go to the capability directly with hand-made layouts, so a
 * kernel is checked on its {@code lse}, its weights and its untouched elements too.
 *
 * <p>A backend that does not offer the capability, or does not {@link FusedAttention#supports} a
 * call, skips it. Extend it in a JUnit 5 test:
 *
 * <pre>{@code
 * class OpenClFusedAttentionTest extends FusedAttentionContract {
 *   protected Backend backend() { return TestBackends.open("opencl"); }
 * }
 * }</pre>
 *
 * {@link BackendContract} runs this contract on its backend too (unless it turns that off).
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each run's tensors
public abstract class FusedAttentionContract {
  private static final double SENTINEL = 7.0;
  private static final int SLACK = 2;
  private static final long SEED = 4242;

  private Backend device;
  private DeviceBuffers buffers;

  /** For subclasses. */
  protected FusedAttentionContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /**
   * The relative tolerance of results of type {@code dtype} against the FLOAT64 composite: {@code
   * |actual - expected| <= tol·(1 + |expected|)}. Default {@code 1e-4} for FLOAT32 and {@code
   * 1e-10} for FLOAT64.
   */
  protected double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-10 : 1e-4;
  }

  /** The reference backend ({@code cpu}), which computes the composite. */
  protected final Backend reference() {
    return TestBackends.reference();
  }

  /** Opens the backend under test for one test. */
  @BeforeEach
  public final void openFusedAttentionBackend() {
    device = backend();
    assertNotNull(device, "backend() returned null");
    buffers = new DeviceBuffers(device);
  }

  /** Releases every buffer the test allocated. */
  @AfterEach
  public final void releaseFusedAttentionBuffers() {
    if (buffers != null) {
      buffers.close();
    }
  }

  private String on() {
    return "backend '" + device.name() + "' fused attention: ";
  }

  /** The capability, when the backend offers it for this call; otherwise the test is skipped. */
  private FusedAttention fused(DType t, AttentionProblem p, boolean masked) {
    assumeTrue(device.supports(t), "backend '" + device.name() + "' does not support " + t);
    Optional<FusedAttention> f = device.capability(FusedAttention.class);
    assumeTrue(f.isPresent(), "backend '" + device.name() + "' offers no FusedAttention");
    assumeTrue(
        f.get().supports(t, p, masked),
        "backend '" + device.name() + "' does not fuse " + p + " in " + t);
    return f.get();
  }

  private void assertClose(String what, DType t, double[] actual, double[] expected) {
    Compare.assertClose(on() + what, actual, expected, tolerance(t));
  }

  // ------------------------------------------------------------------ through AttentionOps

  /**
   * What one call through {@code AttentionOps.attention} gives.
   *
   * @param out the output {@code [B, H, Tq, dv]}
   * @param weights the weights, when asked for (else null)
   * @param grads the gradient of each leaf
   */
  private record Run(double[] out, double[] weights, List<double[]> grads) {}

  /**
   * Runs {@code c} on {@code be} in {@code t}: forward, then backward from {@code Σ out·G} (plus
   * {@code Σ weights·W} when {@code withWeights}) with fixed random {@code G} and {@code W}.
   */
  private static Run run(Case c, Backend be, DType t, long seed, boolean withWeights) {
    try (Scope scope = Scope.open()) {
      Inputs in = AttentionCases.inputs(c, be, t, seed);
      AttentionOps.Attended a = AttentionOps.attention(in.q(), in.k(), in.v(), in.options());
      Tensor out = a.output();
      Tensor weights = withWeights ? a.weights() : null;
      Tensor y =
          withWeights
              ? Shapes.concat(0, List.of(Shapes.reshape(out, -1), Shapes.reshape(weights, -1)))
              : out;
      double[] g = Samples.float32(Samples.normal(99, (int) y.size()));
      y.backward(Tensors.of(be, t, g, y.shape().dims()));
      List<double[]> grads = new ArrayList<>();
      for (Tensor leaf : in.leaves()) {
        grads.add(
            leaf.grad() == null ? new double[(int) leaf.size()] : leaf.grad().toDoubleArray());
      }
      return new Run(out.toDoubleArray(), weights == null ? null : weights.toDoubleArray(), grads);
    }
  }

  private void compare(String what, DType t, Run actual, Run expected) {
    assertClose(what + ": output", t, actual.out(), expected.out());
    if (expected.weights() != null) {
      assertClose(what + ": weights", t, actual.weights(), expected.weights());
    }
    for (int i = 0; i < expected.grads().size(); i++) {
      assertClose(
          what + ": gradient of input " + i + " (q, k, v or what they view)",
          t,
          actual.grads().get(i),
          expected.grads().get(i));
    }
  }

  /** The output and the gradients of q, k and v agree with the composite. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.AttentionCases#cases")
  public void valuesAndGradientsMatchTheComposite(String name, DType t) {
    Case c = AttentionCases.byName(name);
    fused(t, c.problem(SEED), c.mask() != AttentionCases.Mask.NONE);
    compare(
        name + " (" + t + ") vs the composite",
        t,
        run(c, device, t, SEED, false),
        run(c, reference(), DType.FLOAT64, SEED, false));
  }

  /**
   * The weights asked for after a fused forward equal the composite's, and gradients flow through
   * them as well as through the output.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.AttentionCases#cases")
  public void weightsOnRequestMatchTheComposite(String name, DType t) {
    Case c = AttentionCases.byName(name);
    fused(t, c.problem(SEED), c.mask() != AttentionCases.Mask.NONE);
    compare(
        name + " (" + t + ") with the weights vs the composite",
        t,
        run(c, device, t, SEED, true),
        run(c, reference(), DType.FLOAT64, SEED, true));
  }

  /**
   * {@code AttentionOps.selfAttention} on a packed projection {@code [B, T, 3·H·d]} (the heads read
   * where they lie, the gradient written back packed): output, weights and the projection's
   * gradient agree with the composite, with and without dropout, for a contiguous projection and
   * for a strided one.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.heed.testkit.BackendCases#floatTypes")
  public void packedSelfAttentionMatchesTheComposite(DType t) {
    int b = 2;
    int time = 5;
    int h = 3;
    int d = 4;
    for (double dropout : new double[] {0, 0.25}) {
      for (boolean strided : new boolean[] {false, true}) {
        AttentionProblem p =
            new AttentionProblem(b, h, h, time, time, d, d, 0.4, false, dropout, 9);
        fused(t, p, false);
        String what =
            "selfAttention B=2 T=5 H=3 d=4 dropout "
                + dropout
                + (strided ? " on a strided projection" : "")
                + " ("
                + t
                + ")";
        double[][] got = packedSelfAttention(device, t, b, time, h, d, dropout, strided);
        double[][] want =
            packedSelfAttention(reference(), DType.FLOAT64, b, time, h, d, dropout, strided);
        assertClose(what + ": output", t, got[0], want[0]);
        assertClose(what + ": weights", t, got[1], want[1]);
        assertClose(what + ": gradient of the projection", t, got[2], want[2]);
      }
    }
  }

  /** Output, weights and the projection's gradient of one packed self-attention on {@code be}. */
  private static double[][] packedSelfAttention(
      Backend be, DType t, int b, int time, int h, int d, double dropout, boolean strided) {
    try (Scope scope = Scope.open()) {
      int e = 3 * h * d;
      double[] values = Samples.float32(Samples.normal(31, b * time * e * (strided ? 2 : 1)));
      Tensor leaf =
          strided
              ? Tensors.of(be, t, values, b, time, 2 * e).requiresGrad(true)
              : Tensors.of(be, t, values, b, time, e).requiresGrad(true);
      Tensor qkv = strided ? Shapes.slice(leaf, 2, e, 2 * e) : leaf;
      AttentionOps.Attended a = AttentionOps.selfAttention(qkv, h, 0.4, dropout, dropout > 0, 9);
      Tensor out = a.output();
      Tensor weights = a.weights();
      Tensor y = Shapes.concat(0, List.of(Shapes.reshape(out, -1), Shapes.reshape(weights, -1)));
      y.backward(
          Tensors.of(be, t, Samples.float32(Samples.normal(5, (int) y.size())), y.shape().dims()));
      return new double[][] {
        out.toDoubleArray(), weights.toDoubleArray(), leaf.grad().toDoubleArray()
      };
    }
  }

  /**
   * A query whose every key is masked gives NaN, as the composite (and PyTorch) does; the other
   * rows are unaffected. (Gradients through such a row are not compared.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.heed.testkit.BackendCases#floatTypes")
  public void fullyMaskedRowGivesNaN(DType t) {
    Case c = AttentionCases.fullyMaskedRow();
    fused(t, c.problem(SEED), true);
    double[] actual;
    double[] expected;
    try (Scope scope = Scope.open()) {
      Inputs in = AttentionCases.inputs(c, device, t, SEED);
      actual =
          AttentionOps.attention(in.q(), in.k(), in.v(), in.options()).output().toDoubleArray();
      Inputs ref = AttentionCases.inputs(c, reference(), DType.FLOAT64, SEED);
      expected =
          AttentionOps.attention(ref.q(), ref.k(), ref.v(), ref.options()).output().toDoubleArray();
    }
    int row = (1 * c.heads() + 0) * c.queries() + 2; // batch 1, head 0, query 2
    assertTrue(
        Double.isNaN(expected[row * c.valueDim()]), "the composite gives NaN for the hidden row");
    assertClose(c.name() + " (" + t + ")", t, actual, expected);
  }

  /**
   * Dropout is a function of the seed: the same seed gives the same output and gradients bit for
   * bit, run after run; the result agrees with the composite under the same seed; another seed
   * gives another output.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.heed.testkit.BackendCases#floatTypes")
  public void dropoutIsAFunctionOfTheSeed(DType t) {
    Case c = AttentionCases.byName("dropout 0.3");
    fused(t, c.problem(SEED), false);
    fused(t, c.problem(SEED + 1), false);
    Run first = run(c, device, t, SEED, false);
    Run again = run(c, device, t, SEED, false);
    Compare.assertExact(on() + "dropout output, same seed twice", again.out(), first.out());
    for (int i = 0; i < first.grads().size(); i++) {
      Compare.assertExact(
          on() + "dropout gradient " + i + ", same seed twice",
          again.grads().get(i),
          first.grads().get(i));
    }
    compare("dropout vs the composite", t, first, run(c, reference(), DType.FLOAT64, SEED, false));
    Run other = run(c, device, t, SEED + 1, false);
    assertFalse(
        Arrays.equals(first.out(), other.out()),
        on() + "dropout with seeds " + SEED + " and " + (SEED + 1) + " gave the same output");
    compare(
        "dropout with another seed vs the composite",
        t,
        other,
        run(c, reference(), DType.FLOAT64, SEED + 1, false));
  }

  // ------------------------------------------------------------------ direct calls

  /**
   * A direct call: the problem and hand-made layouts of q, k, v, the mask (or null), the output and
   * the output gradient, each over a buffer of {@code size} elements.
   */
  private record Direct(
      String name,
      AttentionProblem problem,
      Layout q,
      Layout k,
      Layout v,
      Layout mask,
      Layout out,
      Layout gOut) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Layout view(int[] shape, long[] strides, long offset) {
    return new Layout(shape, strides, offset);
  }

  private static List<Direct> directs() {
    // grouped heads, a broadcast key mask, q from [B, Tq, H, d], k from a packed projection, v
    // transposed, out into padded rows, gOut broadcast over the batch
    int b = 2;
    int h = 4;
    int hkv = 2;
    int tq = 5;
    int tk = 7;
    int d = 6;
    int dv = 3;
    AttentionProblem gqa = new AttentionProblem(b, h, hkv, tq, tk, d, dv, 0.4, false, 0, 0);
    int[] qs = {b, h, tq, d};
    int[] ks = {b, hkv, tk, d};
    int[] vs = {b, hkv, tk, dv};
    int[] os = {b, h, tq, dv};
    int row = 2 * hkv * d + 1;
    Direct first =
        new Direct(
            "grouped heads, mask [B, 1, 1, Tk], permuted, packed and transposed views",
            gqa,
            view(qs, new long[] {tq * h * d, d, h * d, 1}, 0),
            view(ks, new long[] {(long) tk * row, d, row, 1}, 1),
            view(vs, new long[] {hkv * dv * tk, dv * tk, 1, tk}, 0),
            view(new int[] {b, h, tq, tk}, new long[] {tk, 0, 0, 1}, 0),
            view(os, new long[] {tq * h * (dv + 1), dv + 1, h * (dv + 1), 1}, 0),
            view(os, new long[] {0, tq * dv, dv, 1}, 0));
    // causal with Tq < Tk, dropout, offsets, k a slice of wider rows
    tq = 3;
    tk = 8;
    d = 9;
    dv = 4;
    h = 2;
    AttentionProblem causal = new AttentionProblem(b, h, h, tq, tk, d, dv, 0.3, true, 0.2, 77);
    Direct second =
        new Direct(
            "causal Tq 3 < Tk 8, dropout 0.2, offsets",
            causal,
            Layout.contiguous(new int[] {b, h, tq, d}, 2),
            view(new int[] {b, h, tk, d}, new long[] {h * tk * (d + 2), tk * (d + 2), d + 2, 1}, 1),
            Layout.contiguous(new int[] {b, h, tk, dv}, 5),
            null,
            Layout.contiguous(new int[] {b, h, tq, dv}, 3),
            Layout.contiguous(new int[] {b, h, tq, dv}, 3));
    return List.of(first, second);
  }

  static Stream<Arguments> directCases() {
    List<Arguments> list = new ArrayList<>();
    for (Direct c : directs()) {
      for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
        list.add(Arguments.of(c.name(), t));
      }
    }
    return list.stream();
  }

  private static Direct direct(String name) {
    return directs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static int size(Layout l) {
    return (int) l.extent() + SLACK;
  }

  private static double[] host(DType t, long seed, int n) {
    return KernelOracle.convert(t, Samples.normal(seed, n));
  }

  /** Host values of the operands of {@code c}, in type {@code t}. */
  private static Operands operands(Direct c, DType t) {
    double[] mask = null;
    if (c.mask() != null) {
      mask = host(t, 24, size(c.mask()));
      for (int j = 0; j < mask.length; j++) {
        if (j % 3 == 2) {
          mask[j] = Double.NEGATIVE_INFINITY;
        }
      }
    }
    return new Operands(
        host(t, 21, size(c.q())),
        c.q(),
        host(t, 22, size(c.k())),
        c.k(),
        host(t, 23, size(c.v())),
        c.v(),
        mask,
        c.mask());
  }

  /** The buffers of a forward call and what it wrote. */
  private record Forwarded(
      Buffer q, Buffer k, Buffer v, Buffer mask, Buffer out, Buffer lse, double[] outBefore) {}

  private Forwarded forward(FusedAttention fused, Direct c, DType t, Operands o, Buffer weights) {
    AttentionProblem p = c.problem();
    Buffer q = buffers.upload(t, o.q());
    Buffer k = buffers.upload(t, o.k());
    Buffer v = buffers.upload(t, o.v());
    Buffer mask = o.mask() == null ? null : buffers.upload(t, o.mask());
    double[] outBefore = new double[size(c.out())];
    Arrays.fill(outBefore, SENTINEL);
    Buffer out = buffers.upload(t, outBefore);
    Buffer lse = buffers.filled(t, p.batch() * p.heads() * p.queries() + SLACK, SENTINEL);
    fused.forward(p, q, c.q(), k, c.k(), v, c.v(), mask, c.mask(), out, c.out(), lse, weights);
    return new Forwarded(q, k, v, mask, out, lse, outBefore);
  }

  private static double[] withSentinels(double[] values, int total) {
    double[] v = Arrays.copyOf(values, total);
    Arrays.fill(v, values.length, total, SENTINEL);
    return v;
  }

  /**
   * {@code forward} called directly with hand-made layouts writes the output into its view and
   * nowhere else, each row's log-sum-exp, and the weights before dropout, as {@link
   * AttentionProblem} defines them.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedAttentionContract#directCases")
  public void forwardWithHandMadeLayouts(String name, DType t) {
    Direct c = direct(name);
    AttentionProblem p = c.problem();
    FusedAttention fused = fused(t, p, c.mask() != null);
    Operands o = operands(c, t);
    AttentionOracle.Forward want = AttentionOracle.forward(p, o);
    Buffer weights = buffers.filled(t, want.weights().length + SLACK, SENTINEL);
    Forwarded f = forward(fused, c, t, o, weights);
    assertClose(
        name + " (" + t + "): out in its view",
        t,
        buffers.download(f.out()),
        KernelOracle.write(f.outBefore(), c.out(), KernelOracle.convert(t, want.out())));
    assertClose(
        name + " (" + t + "): lse",
        t,
        buffers.download(f.lse()),
        withSentinels(KernelOracle.convert(t, want.lse()), (int) f.lse().size()));
    assertClose(
        name + " (" + t + "): weights",
        t,
        buffers.download(weights),
        withSentinels(KernelOracle.convert(t, want.weights()), (int) weights.size()));
    Buffer out2 = buffers.filled(t, size(c.out()), SENTINEL);
    Buffer lse2 = buffers.filled(t, (int) f.lse().size(), SENTINEL);
    fused.forward(
        p, f.q(), c.q(), f.k(), c.k(), f.v(), c.v(), f.mask(), c.mask(), out2, c.out(), lse2, null);
    Compare.assertExact(
        on() + name + " (" + t + "): out without the weights vs with them",
        buffers.download(out2),
        buffers.download(f.out()));
  }

  /**
   * {@code backward} called directly, on what {@code forward} wrote, overwrites the gradients of q,
   * k and v (contiguous) with {@code FusedAttention.backward}'s definition, for an output gradient
   * with hand-made strides (broadcast over the batch in one case), and skips the ones passed as
   * null.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedAttentionContract#directCases")
  public void backwardWithHandMadeLayouts(String name, DType t) {
    Direct c = direct(name);
    AttentionProblem p = c.problem();
    FusedAttention fused = fused(t, p, c.mask() != null);
    Operands o = operands(c, t);
    Forwarded f = forward(fused, c, t, o, null);
    double[] g = host(t, 25, size(c.gOut()));
    Buffer gOut = buffers.upload(t, g);
    AttentionOracle.Gradients want = AttentionOracle.backward(p, o, g, c.gOut());
    int nq = want.gq().length;
    int nk = want.gk().length;
    int nv = want.gv().length;
    Buffer gq = buffers.filled(t, nq + SLACK, SENTINEL);
    Buffer gk = buffers.filled(t, nk + SLACK, SENTINEL);
    Buffer gv = buffers.filled(t, nv + SLACK, SENTINEL);
    fused.backward(
        p, f.q(), c.q(), f.k(), c.k(), f.v(), c.v(), f.mask(), c.mask(), f.out(), c.out(), f.lse(),
        null, gOut, c.gOut(), gq, gk, gv);
    String what = name + " (" + t + "): ";
    assertClose(
        what + "gq",
        t,
        buffers.download(gq),
        withSentinels(KernelOracle.convert(t, want.gq()), nq + SLACK));
    assertClose(
        what + "gk",
        t,
        buffers.download(gk),
        withSentinels(KernelOracle.convert(t, want.gk()), nk + SLACK));
    assertClose(
        what + "gv",
        t,
        buffers.download(gv),
        withSentinels(KernelOracle.convert(t, want.gv()), nv + SLACK));
    Buffer gkOnly = buffers.filled(t, nk + SLACK, -SENTINEL);
    fused.backward(
        p, f.q(), c.q(), f.k(), c.k(), f.v(), c.v(), f.mask(), c.mask(), f.out(), c.out(), f.lse(),
        null, gOut, c.gOut(), null, gkOnly, null);
    double[] onlyK = KernelOracle.convert(t, want.gk());
    double[] expectedOnlyK = Arrays.copyOf(onlyK, nk + SLACK);
    Arrays.fill(expectedOnlyK, nk, nk + SLACK, -SENTINEL);
    assertClose(what + "gk alone (gq and gv null)", t, buffers.download(gkOnly), expectedOnlyK);
    // with the weights the forward wrote, which a kernel may read instead of recomputing them
    Buffer weights = buffers.filled(t, p.batch() * p.heads() * p.queries() * p.keys(), SENTINEL);
    Forwarded fw = forward(fused, c, t, o, weights);
    Buffer gq2 = buffers.filled(t, nq + SLACK, SENTINEL);
    Buffer gk2 = buffers.filled(t, nk + SLACK, SENTINEL);
    Buffer gv2 = buffers.filled(t, nv + SLACK, SENTINEL);
    fused.backward(
        p, fw.q(), c.q(), fw.k(), c.k(), fw.v(), c.v(), fw.mask(), c.mask(), fw.out(), c.out(),
        fw.lse(), weights, gOut, c.gOut(), gq2, gk2, gv2);
    assertClose(
        what + "gq with the forward's weights",
        t,
        buffers.download(gq2),
        withSentinels(KernelOracle.convert(t, want.gq()), nq + SLACK));
    assertClose(
        what + "gk with the forward's weights",
        t,
        buffers.download(gk2),
        withSentinels(KernelOracle.convert(t, want.gk()), nk + SLACK));
    assertClose(
        what + "gv with the forward's weights",
        t,
        buffers.download(gv2),
        withSentinels(KernelOracle.convert(t, want.gv()), nv + SLACK));
  }
}
