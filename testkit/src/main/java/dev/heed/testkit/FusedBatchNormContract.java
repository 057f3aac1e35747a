package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
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
 * The contract of {@link FusedBatchNorm}: batch normalisation in training mode, through {@code
 * NeuralOps.batchNorm} on the backend under test (which takes the fused kernel) and by direct
 * calls, agrees with {@link BatchNormOracle}, computed in float64 on the host from the same values:
 * the output, the channels' mean and biased variance, and the gradients of the input (through the
 * batch statistics), the weight and the bias. Over a batch of one, one position per channel ({@code
 * BatchNorm1d} on {@code [N, C]}), odd sizes, with and without weight and bias, another {@code
 * eps}, a constant channel (variance 0), a non-contiguous input, and channels whose mean is large
 * against their spread (where a one-pass variance loses its digits). The direct calls write every
 * output element (the buffers start out holding a sentinel), nothing past the outputs' ends, skip
 * the null gradient outputs (gx included, as core passes when the input needs no gradient), and
 * leave their inputs as they were. A backend that does not offer the capability, or not for a type,
 * skips.
 *
 * <pre>{@code
 * class SimdFusedBatchNormTest extends FusedBatchNormContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 *
 * {@link BackendContract} runs this contract on its backend too (unless it turns that off).
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each run's tensors
public abstract class FusedBatchNormContract {
  private static final double SENTINEL = 7.0;
  private static final int SLACK = 2;

  private Backend device;
  private DeviceBuffers buffers;

  /** For subclasses. */
  protected FusedBatchNormContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /**
   * The relative tolerance of results of type {@code dtype} against the float64 oracle: {@code
   * |actual - expected| <= tol·(1 + |expected|)}. Default {@code 1e-4} for FLOAT32 and {@code
   * 1e-10} for FLOAT64.
   */
  protected double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-10 : 1e-4;
  }

  /** Opens the backend under test for one test. */
  @BeforeEach
  public final void openFusedBatchNormBackend() {
    device = backend();
    assertNotNull(device, "backend() returned null");
    buffers = new DeviceBuffers(device);
  }

  /** Releases every buffer the test allocated. */
  @AfterEach
  public final void releaseFusedBatchNormBuffers() {
    if (buffers != null) {
      buffers.close();
    }
  }

  private String on() {
    return "backend '" + device.name() + "' fused batch norm: ";
  }

  private FusedBatchNorm fused(DType t) {
    assumeTrue(device.supports(t), "backend '" + device.name() + "' does not support " + t);
    Optional<FusedBatchNorm> f = device.capability(FusedBatchNorm.class);
    assumeTrue(f.isPresent(), "backend '" + device.name() + "' offers no FusedBatchNorm");
    assumeTrue(
        f.get().supports(t), "backend '" + device.name() + "' fuses no " + t + " batch norm");
    return f.get();
  }

  private void assertClose(String what, DType t, double[] actual, double[] expected) {
    Compare.assertClose(on() + what, actual, expected, tolerance(t));
  }

  /** Exact agreement, for inputs that must come back as they went in. */
  private void assertUnchanged(String what, Buffer b, double[] values) {
    Compare.assertExact(on() + what + " unchanged", buffers.download(b), values);
  }

  /**
   * One call on {@code [n, c, s]}.
   *
   * @param mean added to every input value
   * @param constantChannel a channel (or -1) whose values are all equal: variance 0
   * @param transposed whether the input is the transpose of a stored {@code [n, s, c]} tensor
   */
  record Case(
      String name,
      int n,
      int c,
      int s,
      boolean weight,
      boolean bias,
      double mean,
      double eps,
      int constantChannel,
      boolean transposed) {
    @Override
    public String toString() {
      return name;
    }

    int size() {
      return n * c * s;
    }
  }

  static List<Case> all() {
    return List.of(
        new Case("[2, 3, 5]", 2, 3, 5, true, true, 0, 1e-5, -1, false),
        new Case("one position [8, 4, 1]", 8, 4, 1, true, true, 0, 1e-5, -1, false),
        new Case("a batch of one [1, 3, 17]", 1, 3, 17, true, true, 0, 1e-5, -1, false),
        new Case("[3, 5, 7], no weight", 3, 5, 7, false, true, 0, 1e-5, -1, false),
        new Case("[2, 4, 33], no bias", 2, 4, 33, true, false, 0, 1e-5, -1, false),
        new Case("[4, 2, 9], neither", 4, 2, 9, false, false, 0, 1e-5, -1, false),
        new Case("[2, 6, 64], eps 0.1", 2, 6, 64, true, true, 0, 0.1, -1, false),
        new Case("[3, 2, 10], a constant channel", 3, 2, 10, true, true, 0, 1e-5, 1, false),
        new Case("[5, 3, 129], channels of mean 300", 5, 3, 129, true, true, 300, 1e-5, -1, false),
        new Case("[4, 8, 196]", 4, 8, 196, true, true, 0, 1e-5, -1, false),
        new Case("input a transposed view [3, 4, 6]", 3, 4, 6, true, true, 0, 1e-5, -1, true));
  }

  private static Case byName(String name) {
    return all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  static Stream<Arguments> cases() {
    List<Arguments> list = new ArrayList<>();
    for (Case c : all()) {
      for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
        list.add(Arguments.of(c.name(), t));
      }
    }
    return list.stream();
  }

  /** The input {@code [n, c, s]}, dense: channels of different spreads around {@code mean}. */
  static double[] x(Case c) {
    double[] v = Samples.normal(81, c.size());
    for (int e = 0; e < v.length; e++) {
      int ch = (e / c.s()) % c.c();
      v[e] = (float) (ch == c.constantChannel() ? 2.5 : c.mean() + (0.5 + 0.25 * (ch % 4)) * v[e]);
    }
    return v;
  }

  static double[] weight(Case c) {
    double[] w = Samples.normal(82, c.c());
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (1 + 0.5 * w[i]);
    }
    return w;
  }

  static double[] bias(Case c) {
    return Samples.float32(Samples.normal(83, c.c()));
  }

  static double[] gy(Case c) {
    return Samples.float32(Samples.normal(84, c.size()));
  }

  /** {@code [n, a, b]} as {@code [n, b, a]}. */
  private static double[] transposeInner(double[] v, int n, int a, int b) {
    double[] out = new double[v.length];
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < a; i++) {
        for (int j = 0; j < b; j++) {
          out[(p * b + j) * a + i] = v[(p * a + i) * b + j];
        }
      }
    }
    return out;
  }

  /**
   * The output, mean, variance, then the gradients of x (in the layout x is stored in), the weight
   * and the bias (empty when absent).
   */
  static List<double[]> run(Case c, Backend be, DType t) {
    try (Scope scope = Scope.open()) {
      Tensor leaf;
      Tensor x;
      if (c.transposed()) {
        double[] stored = transposeInner(x(c), c.n(), c.c(), c.s());
        leaf = Tensors.of(be, t, stored, c.n(), c.s(), c.c()).requiresGrad(true);
        x = Shapes.transpose(leaf, 1, 2);
      } else {
        leaf = Tensors.of(be, t, x(c), c.n(), c.c(), c.s()).requiresGrad(true);
        x = leaf;
      }
      Tensor w = c.weight() ? Tensors.of(be, t, weight(c), c.c()).requiresGrad(true) : null;
      Tensor b = c.bias() ? Tensors.of(be, t, bias(c), c.c()).requiresGrad(true) : null;
      Tensor[] out = NeuralOps.batchNorm(x, w, b, c.eps());
      out[0].backward(Tensors.of(be, t, gy(c), c.n(), c.c(), c.s()));
      List<double[]> list = new ArrayList<>();
      list.add(out[0].toDoubleArray());
      list.add(out[1].toDoubleArray());
      list.add(out[2].toDoubleArray());
      list.add(leaf.grad().toDoubleArray());
      list.add(w == null ? new double[0] : w.grad().toDoubleArray());
      list.add(b == null ? new double[0] : b.grad().toDoubleArray());
      return list;
    }
  }

  /**
   * {@code NeuralOps.batchNorm} with its gradients, through the fused kernel, as the oracle says.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedBatchNormContract#cases")
  public void valuesAndGradientsThroughCore(String name, DType t) {
    Case c = byName(name);
    fused(t);
    List<double[]> actual = run(c, device, t);
    List<double[]> expected = expected(c, t);
    for (int i = 0; i < WHAT.length; i++) {
      assertClose(
          name + " (" + t + ") through NeuralOps.batchNorm: " + WHAT[i],
          t,
          actual.get(i),
          expected.get(i));
    }
  }

  /** What {@link #run} gives, in order. */
  static final String[] WHAT = {
    "output", "mean", "variance", "gradient of x", "gradient of the weight", "gradient of the bias"
  };

  /** What {@link #run} should give, from {@link BatchNormOracle}. */
  static List<double[]> expected(Case c, DType t) {
    double[] xv = KernelOracle.convert(t, x(c));
    double[] wv = c.weight() ? KernelOracle.convert(t, weight(c)) : null;
    double[] bv = c.bias() ? KernelOracle.convert(t, bias(c)) : null;
    double[] gv = KernelOracle.convert(t, gy(c));
    BatchNormOracle.Forward f = BatchNormOracle.forward(xv, wv, bv, c.n(), c.c(), c.s(), c.eps());
    BatchNormOracle.Gradients g =
        BatchNormOracle.backward(gv, xv, wv, f.mean(), f.var(), c.n(), c.c(), c.s(), c.eps());
    double[] gx = c.transposed() ? transposeInner(g.gx(), c.n(), c.c(), c.s()) : g.gx();
    return List.of(
        f.y(),
        f.mean(),
        f.var(),
        gx,
        wv == null ? new double[0] : g.gWeight(),
        bv == null ? new double[0] : g.gBias());
  }

  private static double[] withSentinels(DType t, double[] values) {
    double[] v = Arrays.copyOf(KernelOracle.convert(t, values), values.length + SLACK);
    Arrays.fill(v, values.length, v.length, SENTINEL);
    return v;
  }

  /**
   * {@code forward} and {@code backward} called directly: y, the channels' mean and variance, and
   * the gradients as {@code FusedBatchNorm} defines them, written over a sentinel (not added to it)
   * and nothing past their ends; null gradient outputs skipped; the inputs unchanged.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedBatchNormContract#cases")
  public void directForwardAndBackward(String name, DType t) {
    Case c = byName(name);
    FusedBatchNorm fused = fused(t);
    int n = c.n();
    int ch = c.c();
    int s = c.s();
    int size = c.size();
    double[] xv = KernelOracle.convert(t, x(c));
    double[] wv = c.weight() ? KernelOracle.convert(t, weight(c)) : null;
    double[] bv = c.bias() ? KernelOracle.convert(t, bias(c)) : null;
    double[] gv = KernelOracle.convert(t, gy(c));
    Buffer x = buffers.upload(t, xv);
    Buffer w = wv == null ? null : buffers.upload(t, wv);
    Buffer b = bv == null ? null : buffers.upload(t, bv);
    Buffer y = buffers.filled(t, size + SLACK, SENTINEL);
    Buffer mean = buffers.filled(t, ch + SLACK, SENTINEL);
    Buffer var = buffers.filled(t, ch + SLACK, SENTINEL);
    fused.forward(x, w, b, n, ch, s, c.eps(), y, mean, var);
    BatchNormOracle.Forward f = BatchNormOracle.forward(xv, wv, bv, n, ch, s, c.eps());
    String what = name + " (" + t + ") direct ";
    assertClose(what + "forward y", t, buffers.download(y), withSentinels(t, f.y()));
    assertClose(what + "forward mean", t, buffers.download(mean), withSentinels(t, f.mean()));
    assertClose(what + "forward var", t, buffers.download(var), withSentinels(t, f.var()));
    assertUnchanged(what + "forward: x", x, xv);
    if (w != null) {
      assertUnchanged(what + "forward: weight", w, wv);
    }
    if (b != null) {
      assertUnchanged(what + "forward: bias", b, bv);
    }

    // The backward reads the statistics the backend wrote, as core passes them on.
    double[] meanGot = Arrays.copyOf(buffers.download(mean), ch);
    double[] varGot = Arrays.copyOf(buffers.download(var), ch);
    BatchNormOracle.Gradients g =
        BatchNormOracle.backward(gv, xv, wv, meanGot, varGot, n, ch, s, c.eps());
    Buffer gy = buffers.upload(t, gv);
    Buffer gx = buffers.filled(t, size + SLACK, SENTINEL);
    Buffer gw = buffers.filled(t, ch + SLACK, SENTINEL);
    Buffer gb = buffers.filled(t, ch + SLACK, SENTINEL);
    fused.backward(gy, x, w, mean, var, n, ch, s, c.eps(), gx, gw, gb);
    assertClose(what + "backward gx", t, buffers.download(gx), withSentinels(t, g.gx()));
    assertClose(what + "backward gWeight", t, buffers.download(gw), withSentinels(t, g.gWeight()));
    assertClose(what + "backward gBias", t, buffers.download(gb), withSentinels(t, g.gBias()));
    assertUnchanged(what + "backward: gy", gy, gv);
    assertUnchanged(what + "backward: x", x, xv);
    assertUnchanged(what + "backward: mean", mean, withSentinels(t, meanGot));
    assertUnchanged(what + "backward: var", var, withSentinels(t, varGot));
    if (w != null) {
      assertUnchanged(what + "backward: weight", w, wv);
    }

    Buffer gxOnly = buffers.filled(t, size + SLACK, SENTINEL);
    fused.backward(gy, x, w, mean, var, n, ch, s, c.eps(), gxOnly, null, null);
    assertClose(
        what + "backward gx without gWeight and gBias",
        t,
        buffers.download(gxOnly),
        withSentinels(t, g.gx()));

    Buffer gwOnly = buffers.filled(t, ch + SLACK, SENTINEL);
    Buffer gbOnly = buffers.filled(t, ch + SLACK, SENTINEL);
    fused.backward(gy, x, w, mean, var, n, ch, s, c.eps(), null, gwOnly, gbOnly);
    assertClose(
        what + "backward gWeight without gx",
        t,
        buffers.download(gwOnly),
        withSentinels(t, g.gWeight()));
    assertClose(
        what + "backward gBias without gx",
        t,
        buffers.download(gbOnly),
        withSentinels(t, g.gBias()));
  }
}
