package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.tensor.AttentionOps;
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
 * The contract of {@link FusedLayerNorm}: layer normalisation through {@code
 * AttentionOps.layerNorm} on the backend under test, which takes the fused kernel, agrees with the
 * composite of primitive operations on the reference backend computed in FLOAT64 from the same
 * values, in value and in the gradients of the input, the weight and the bias; over awkward widths
 * ({@code d} of 1, 7, 31, 129, 1000) and row counts, with and without weight and bias, a
 * non-contiguous input, another {@code eps}, and rows whose mean is large against their spread
 * (where a one-pass variance loses its digits). The kernels are also called directly: the forward's
 * mean and rstd, and a backward that overwrites (does not add to) its outputs and skips the null
 * ones. A backend that does not offer the capability, or not for a type, skips.
 *
 * <pre>{@code
 * class SimdFusedLayerNormTest extends FusedLayerNormContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 *
 * {@link BackendContract} runs this contract on its backend too (unless it turns that off).
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each run's tensors
public abstract class FusedLayerNormContract {
  private static final double SENTINEL = 7.0;
  private static final int SLACK = 2;

  private Backend device;
  private DeviceBuffers buffers;

  /** For subclasses. */
  protected FusedLayerNormContract() {}

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
  public final void openFusedLayerNormBackend() {
    device = backend();
    assertNotNull(device, "backend() returned null");
    buffers = new DeviceBuffers(device);
  }

  /** Releases every buffer the test allocated. */
  @AfterEach
  public final void releaseFusedLayerNormBuffers() {
    if (buffers != null) {
      buffers.close();
    }
  }

  private String on() {
    return "backend '" + device.name() + "' fused layer norm: ";
  }

  private FusedLayerNorm fused(DType t) {
    assumeTrue(device.supports(t), "backend '" + device.name() + "' does not support " + t);
    Optional<FusedLayerNorm> f = device.capability(FusedLayerNorm.class);
    assumeTrue(f.isPresent(), "backend '" + device.name() + "' offers no FusedLayerNorm");
    assumeTrue(
        f.get().supports(t), "backend '" + device.name() + "' fuses no " + t + " layer norm");
    return f.get();
  }

  private void assertClose(String what, DType t, double[] actual, double[] expected) {
    Compare.assertClose(on() + what, actual, expected, tolerance(t));
  }

  /**
   * One call.
   *
   * @param shape the input's shape; the last extent is {@code d}
   * @param transposed whether the input is the transpose of a stored {@code [d, rows]} tensor
   * @param mean added to every input value
   */
  record Case(
      String name,
      int[] shape,
      boolean weight,
      boolean bias,
      boolean transposed,
      double mean,
      double eps) {
    @Override
    public String toString() {
      return name;
    }

    int d() {
      return shape[shape.length - 1];
    }

    int rows() {
      return Samples.size(shape) / d();
    }
  }

  private static List<Case> all() {
    return List.of(
        new Case("one row, d 1", new int[] {1, 1}, true, true, false, 0, 1e-5),
        new Case("3 rows, d 7", new int[] {3, 7}, true, true, false, 0, 1e-5),
        new Case("17 rows, d 31, no weight", new int[] {17, 31}, false, true, false, 0, 1e-5),
        new Case("5 rows, d 64, no bias", new int[] {5, 64}, true, false, false, 0, 1e-5),
        new Case("4 rows, d 129, neither", new int[] {4, 129}, false, false, false, 0, 1e-5),
        new Case("2 rows, d 1000", new int[] {2, 1000}, true, true, false, 0, 1e-5),
        new Case("[2, 3, 33], eps 0.1", new int[] {2, 3, 33}, true, true, false, 0, 0.1),
        new Case("rows of mean 300, d 129", new int[] {6, 129}, true, true, false, 300, 1e-5),
        new Case("input a transposed view [7, 13]", new int[] {7, 13}, true, true, true, 0, 1e-5));
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

  private static double[] x(Case c) {
    double[] v = Samples.normal(61, Samples.size(c.shape()));
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (c.mean() + v[i]);
    }
    return v;
  }

  private static double[] weight(Case c) {
    double[] w = Samples.normal(62, c.d());
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (1 + 0.5 * w[i]);
    }
    return w;
  }

  private static double[] bias(Case c) {
    return Samples.float32(Samples.normal(63, c.d()));
  }

  private static double[] gy(Case c) {
    return Samples.float32(Samples.normal(64, Samples.size(c.shape())));
  }

  /** The output, then the gradients of x, the weight and the bias (empty when absent). */
  private static List<double[]> run(Case c, Backend be, DType t) {
    try (Scope scope = Scope.open()) {
      Tensor leaf;
      Tensor x;
      if (c.transposed()) {
        int rows = c.rows();
        double[] stored = new double[rows * c.d()];
        double[] v = x(c);
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < c.d(); j++) {
            stored[j * rows + r] = v[r * c.d() + j];
          }
        }
        leaf = Tensors.of(be, t, stored, c.d(), rows).requiresGrad(true);
        x = Shapes.transpose(leaf, 0, 1);
      } else {
        leaf = Tensors.of(be, t, x(c), c.shape()).requiresGrad(true);
        x = leaf;
      }
      Tensor w = c.weight() ? Tensors.of(be, t, weight(c), c.d()).requiresGrad(true) : null;
      Tensor b = c.bias() ? Tensors.of(be, t, bias(c), c.d()).requiresGrad(true) : null;
      Tensor y = AttentionOps.layerNorm(x, w, b, c.eps());
      y.backward(Tensors.of(be, t, gy(c), c.shape()));
      List<double[]> out = new ArrayList<>();
      out.add(y.toDoubleArray());
      out.add(leaf.grad().toDoubleArray());
      out.add(w == null ? new double[0] : w.grad().toDoubleArray());
      out.add(b == null ? new double[0] : b.grad().toDoubleArray());
      return out;
    }
  }

  /** Values and gradients agree with the composite. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedLayerNormContract#cases")
  public void valuesAndGradientsMatchTheComposite(String name, DType t) {
    Case c = byName(name);
    fused(t);
    List<double[]> actual = run(c, device, t);
    List<double[]> expected = run(c, reference(), DType.FLOAT64);
    String[] what = {"output", "gradient of x", "gradient of the weight", "gradient of the bias"};
    for (int i = 0; i < what.length; i++) {
      assertClose(
          name + " (" + t + ") vs the composite: " + what[i], t, actual.get(i), expected.get(i));
    }
  }

  private static double[] withSentinels(DType t, double[] values) {
    double[] v = Arrays.copyOf(KernelOracle.convert(t, values), values.length + SLACK);
    Arrays.fill(v, values.length, v.length, SENTINEL);
    return v;
  }

  /**
   * {@code forward} and {@code backward} called directly: y, the rows' mean and rstd, and the
   * gradients as {@code FusedLayerNorm} defines them, written over garbage (not added to it) and
   * nothing past their ends; with null gradient outputs skipped.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedLayerNormContract#cases")
  public void directForwardAndBackward(String name, DType t) {
    Case c = byName(name);
    FusedLayerNorm fused = fused(t);
    int rows = c.rows();
    int d = c.d();
    double[] xv = KernelOracle.convert(t, x(c));
    double[] wv = c.weight() ? KernelOracle.convert(t, weight(c)) : null;
    double[] bv = c.bias() ? KernelOracle.convert(t, bias(c)) : null;
    double[] gv = KernelOracle.convert(t, gy(c));
    Buffer x = buffers.upload(t, xv);
    Buffer w = wv == null ? null : buffers.upload(t, wv);
    Buffer b = bv == null ? null : buffers.upload(t, bv);
    Buffer y = buffers.filled(t, rows * d + SLACK, SENTINEL);
    Buffer mean = buffers.filled(t, rows + SLACK, SENTINEL);
    Buffer rstd = buffers.filled(t, rows + SLACK, SENTINEL);
    fused.forward(x, w, b, rows, d, c.eps(), y, mean, rstd);
    LayerNormOracle.Forward f = LayerNormOracle.forward(xv, wv, bv, rows, d, c.eps());
    String what = name + " (" + t + ") direct ";
    assertClose(what + "forward y", t, buffers.download(y), withSentinels(t, f.y()));
    assertClose(what + "forward mean", t, buffers.download(mean), withSentinels(t, f.mean()));
    double[] rstdWant = withSentinels(t, f.rstd());
    double[] rstdGot = buffers.download(rstd);
    for (int r = 0; r < rows; r++) { // rstd can be as large as 1/√eps: compare relatively
      rstdGot[r] /= f.rstd()[r];
      rstdWant[r] = KernelOracle.convert(t, f.rstd()[r]) / f.rstd()[r];
    }
    assertClose(what + "forward rstd (relative)", t, rstdGot, rstdWant);

    LayerNormOracle.Gradients g = LayerNormOracle.backward(gv, xv, wv, f.mean(), f.rstd(), rows, d);
    Buffer gy = buffers.upload(t, gv);
    Buffer gx = buffers.filled(t, rows * d + SLACK, SENTINEL);
    Buffer gw = buffers.filled(t, d + SLACK, SENTINEL);
    Buffer gb = buffers.filled(t, d + SLACK, SENTINEL);
    fused.backward(gy, x, w, mean, rstd, rows, d, gx, gw, gb);
    assertClose(what + "backward gx", t, buffers.download(gx), withSentinels(t, g.gx()));
    assertClose(what + "backward gWeight", t, buffers.download(gw), withSentinels(t, g.gWeight()));
    assertClose(what + "backward gBias", t, buffers.download(gb), withSentinels(t, g.gBias()));

    Buffer gxOnly = buffers.filled(t, rows * d + SLACK, SENTINEL);
    fused.backward(gy, x, w, mean, rstd, rows, d, gxOnly, null, null);
    assertClose(
        what + "backward gx without gWeight and gBias",
        t,
        buffers.download(gxOnly),
        withSentinels(t, g.gx()));
  }
}
