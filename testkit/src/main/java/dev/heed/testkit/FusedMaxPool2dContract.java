package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.core.tensor.Windows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link FusedMaxPool2d}: max pooling over tiling windows, through {@code
 * Windows.maxPool2d} on the backend under test (which takes the fused kernel) and by direct calls,
 * agrees with {@link MaxPool2dOracle}, computed on the host from the same values, in the output and
 * the input's gradient. Kernels 1×1, 2×2, 3×2, 2×3, 3×3 and one window over the whole image; images
 * whose height and width are not multiples of the kernel (floor mode: the rows and columns past the
 * last whole window hold NaN and 10³⁰, which must be neither read nor given gradient); windows with
 * ties (the gradient goes to the first maximum in row-major window order), NaN (the window's
 * result; with several NaNs, the last NaN takes the gradient, as in PyTorch), infinities and signed
 * zeros; a non-contiguous input. A window's maximum and the placement of its gradient are exact, so
 * the comparison is exact. The direct calls write every output element (the buffers start out
 * holding a sentinel), nothing past the outputs' ends, and leave their inputs as they were. A
 * backend that does not offer the capability, or not for a type, skips these.
 *
 * <p>{@link #agreesWithPyTorch} runs {@code Windows.maxPool2d} on the backend under test whether it
 * offers the capability or not (the composite runs where it does not, and for windows that overlap
 * or are padded) against PyTorch 1.13's {@code max_pool2d} output and input gradient, saved in
 * {@code maxpool2d_pytorch.safetensors} by {@code
 * testkit/src/test/fixtures/make_maxpool2d_fixture.py}: images full of NaNs, ties, infinities and
 * signed zeros; tiling windows 2×2, 3×2 and 3×3, overlapping ones (3×3 at stride 2, 2×2 at stride
 * 1), padded and dilated ones.
 *
 * <pre>{@code
 * class SimdFusedMaxPool2dTest extends FusedMaxPool2dContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 *
 * {@link BackendContract} runs this contract on its backend too (unless it turns that off).
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each run's tensors
public abstract class FusedMaxPool2dContract {
  private static final double SENTINEL = 7.0;
  private static final int SLACK = 2;

  /** The values past the last whole window: a kernel that reads them takes them as maxima. */
  private static final double[] UNREAD = {Double.NaN, 1e30};

  private Backend device;
  private DeviceBuffers buffers;

  /** For subclasses. */
  protected FusedMaxPool2dContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /** Opens the backend under test for one test. */
  @BeforeEach
  public final void openFusedMaxPool2dBackend() {
    device = backend();
    assertNotNull(device, "backend() returned null");
    buffers = new DeviceBuffers(device);
  }

  /** Releases every buffer the test allocated. */
  @AfterEach
  public final void releaseFusedMaxPool2dBuffers() {
    if (buffers != null) {
      buffers.close();
    }
  }

  private String on() {
    return "backend '" + device.name() + "' fused max pooling: ";
  }

  private FusedMaxPool2d fused(DType t) {
    assumeTrue(device.supports(t), "backend '" + device.name() + "' does not support " + t);
    Optional<FusedMaxPool2d> f = device.capability(FusedMaxPool2d.class);
    assumeTrue(f.isPresent(), "backend '" + device.name() + "' offers no FusedMaxPool2d");
    assumeTrue(
        f.get().supports(t), "backend '" + device.name() + "' fuses no " + t + " max pooling");
    return f.get();
  }

  /** Exact agreement (NaN meets NaN, an infinity the same infinity, -0 meets 0). */
  private void assertSame(String what, double[] actual, double[] expected) {
    Compare.assertClose(on() + what, actual, expected, 0);
  }

  /** What the image holds. */
  enum Values {
    /** Normal samples: one maximum per window. */
    DISTINCT,
    /** Samples from {-1, 0, 1}: most windows tie. */
    TIES,
    /** Ties, and windows with NaN, two NaNs, two +∞, only -∞ and signed zeros. */
    SPECIAL
  }

  /**
   * One call on {@code [n, c, h, w]} with {@code kh x kw} windows.
   *
   * @param transposed whether the input is the transpose of a stored {@code [n, c, w, h]} tensor
   */
  record Case(
      String name, int n, int c, int h, int w, int kh, int kw, Values values, boolean transposed) {
    @Override
    public String toString() {
      return name;
    }

    int planes() {
      return n * c;
    }

    int oh() {
      return h / kh;
    }

    int ow() {
      return w / kw;
    }
  }

  static List<Case> all() {
    Values d = Values.DISTINCT;
    Values t = Values.TIES;
    Values s = Values.SPECIAL;
    return List.of(
        new Case("1x1 [2, 3, 4, 5]", 2, 3, 4, 5, 1, 1, s, false),
        new Case("2x2 [2, 3, 8, 8]", 2, 3, 8, 8, 2, 2, d, false),
        new Case("2x2 ties [2, 3, 8, 8]", 2, 3, 8, 8, 2, 2, t, false),
        new Case("2x2 NaN and infinities [2, 2, 6, 20]", 2, 2, 6, 20, 2, 2, s, false),
        new Case("2x2 floor [1, 2, 7, 37]", 1, 2, 7, 37, 2, 2, s, false),
        new Case("2x2 wide rows [1, 2, 6, 130]", 1, 2, 6, 130, 2, 2, t, false),
        new Case("2x2 many planes [4, 16, 12, 12]", 4, 16, 12, 12, 2, 2, t, false),
        new Case("3x2 [2, 2, 9, 10]", 2, 2, 9, 10, 3, 2, s, false),
        new Case("3x2 floor [1, 3, 11, 7]", 1, 3, 11, 7, 3, 2, d, false),
        new Case("2x3 [1, 3, 6, 12]", 1, 3, 6, 12, 2, 3, t, false),
        new Case("2x3 floor [2, 1, 7, 11]", 2, 1, 7, 11, 2, 3, s, false),
        new Case("3x3 floor [1, 2, 10, 10]", 1, 2, 10, 10, 3, 3, s, false),
        new Case("one 4x5 window [2, 2, 4, 5]", 2, 2, 4, 5, 4, 5, s, false),
        new Case("2x2 input a transposed view [2, 3, 9, 6]", 2, 3, 9, 6, 2, 2, s, true));
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

  /** The image {@code [n, c, h, w]}, dense, with the unread rows and columns filled. */
  static double[] x(Case c) {
    int size = Samples.size(c.n(), c.c(), c.h(), c.w());
    double[] v =
        c.values() == Values.DISTINCT
            ? Samples.float32(Samples.normal(71, size))
            : Samples.uniform(71, size, -1, 2);
    if (c.values() != Values.DISTINCT) {
      for (int i = 0; i < size; i++) {
        v[i] = Math.floor(v[i]);
      }
    }
    int window = 0;
    int kk = c.kh() * c.kw();
    for (int p = 0; p < c.planes(); p++) {
      for (int i = 0; i < c.oh(); i++) {
        for (int j = 0; j < c.ow(); j++, window++) {
          if (c.values() != Values.SPECIAL) {
            continue;
          }
          int[] at = new int[kk]; // the window's elements in row-major window order
          for (int e = 0; e < kk; e++) {
            at[e] = (p * c.h() + i * c.kh() + e / c.kw()) * c.w() + j * c.kw() + e % c.kw();
          }
          int k = (window / 10) % kk;
          switch (window % 10) {
            case 0 -> v[at[k]] = Double.NaN;
            case 1 -> { // two NaNs: the last takes the gradient
              v[at[kk - 1]] = Double.NaN;
              v[at[k / 2]] = Double.NaN;
            }
            case 2 -> { // two +∞: a tie
              v[at[kk - 1 - k]] = Double.POSITIVE_INFINITY;
              v[at[(kk - 1 - k) / 2]] = Double.POSITIVE_INFINITY;
            }
            case 3 -> {
              for (int e : at) {
                v[e] = Double.NEGATIVE_INFINITY;
              }
            }
            case 4 -> {
              for (int e = 0; e < kk; e++) {
                v[at[e]] = (e + k) % 3 == 0 ? -0.0 : 0.0;
              }
            }
            case 5 -> { // a NaN before larger numbers
              v[at[0]] = Double.NaN;
              v[at[kk - 1]] = 5;
            }
            case 6 -> { // two NaNs side by side in a row (or across rows), then a larger number
              v[at[k]] = Double.NaN;
              v[at[(k + 1) % kk]] = Double.NaN;
              v[at[(k + 2) % kk]] = 1e6;
            }
            case 7 -> { // two NaNs one above the other, the rest +∞
              for (int e : at) {
                v[e] = Double.POSITIVE_INFINITY;
              }
              v[at[k]] = Double.NaN;
              v[at[(k + c.kw()) % kk]] = Double.NaN;
            }
            default -> {}
          }
        }
      }
    }
    int unread = 0;
    for (int p = 0; p < c.planes(); p++) {
      for (int i = 0; i < c.h(); i++) {
        for (int j = 0; j < c.w(); j++) {
          if (i >= c.oh() * c.kh() || j >= c.ow() * c.kw()) {
            v[(p * c.h() + i) * c.w() + j] = UNREAD[unread++ % UNREAD.length];
          }
        }
      }
    }
    return v;
  }

  /** The output gradient {@code [n, c, h/kh, w/kw]}: distinct values, so misplaced ones show. */
  static double[] gy(Case c) {
    return Samples.float32(Samples.normal(72, c.planes() * c.oh() * c.ow()));
  }

  /** {@code [planes, a, b]} as {@code [planes, b, a]}. */
  private static double[] transposePlanes(double[] v, int planes, int a, int b) {
    double[] out = new double[v.length];
    for (int p = 0; p < planes; p++) {
      for (int i = 0; i < a; i++) {
        for (int j = 0; j < b; j++) {
          out[(p * b + j) * a + i] = v[(p * a + i) * b + j];
        }
      }
    }
    return out;
  }

  /** The output, then the gradient of x (in the layout x is stored in). */
  static List<double[]> run(Case c, Backend be, DType t) {
    try (Scope scope = Scope.open()) {
      Tensor leaf;
      Tensor x;
      if (c.transposed()) {
        double[] stored = transposePlanes(x(c), c.planes(), c.h(), c.w());
        leaf = Tensors.of(be, t, stored, c.n(), c.c(), c.w(), c.h()).requiresGrad(true);
        x = Shapes.transpose(leaf, 2, 3);
      } else {
        leaf = Tensors.of(be, t, x(c), c.n(), c.c(), c.h(), c.w()).requiresGrad(true);
        x = leaf;
      }
      int[] kernel = {c.kh(), c.kw()};
      Tensor y = Windows.maxPool2d(x, kernel, kernel, new int[2], new int[] {1, 1});
      y.backward(Tensors.of(be, t, gy(c), c.n(), c.c(), c.oh(), c.ow()));
      return List.of(y.toDoubleArray(), leaf.grad().toDoubleArray());
    }
  }

  /** {@code Windows.maxPool2d} with its gradient, through the fused kernel, as the oracle says. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedMaxPool2dContract#cases")
  public void valuesAndGradientsThroughCore(String name, DType t) {
    Case c = byName(name);
    fused(t);
    List<double[]> actual = run(c, device, t);
    List<double[]> expected = expected(c, t);
    String what = name + " (" + t + ") through Windows.maxPool2d: ";
    assertSame(what + "output", actual.get(0), expected.get(0));
    assertSame(what + "gradient of x", actual.get(1), expected.get(1));
  }

  /** What {@link #run} should give, from {@link MaxPool2dOracle}. */
  static List<double[]> expected(Case c, DType t) {
    double[] xv = KernelOracle.convert(t, x(c));
    double[] gv = KernelOracle.convert(t, gy(c));
    double[] y = MaxPool2dOracle.forward(xv, c.planes(), c.h(), c.w(), c.kh(), c.kw());
    double[] gx = MaxPool2dOracle.backward(gv, xv, c.planes(), c.h(), c.w(), c.kh(), c.kw());
    if (c.transposed()) {
      gx = transposePlanes(gx, c.planes(), c.h(), c.w());
    }
    return List.of(y, gx);
  }

  private static double[] withSentinels(DType t, double[] values) {
    double[] v = Arrays.copyOf(KernelOracle.convert(t, values), values.length + SLACK);
    Arrays.fill(v, values.length, v.length, SENTINEL);
    return v;
  }

  /**
   * {@code forward} and {@code backward} called directly: y and gx as {@code FusedMaxPool2d}
   * defines them, every element written over a sentinel (gx's zeros included) and nothing past
   * their ends; x, y and gy unchanged.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedMaxPool2dContract#cases")
  public void directForwardAndBackward(String name, DType t) {
    Case c = byName(name);
    FusedMaxPool2d fused = fused(t);
    int planes = c.planes();
    int in = planes * c.h() * c.w();
    int out = planes * c.oh() * c.ow();
    double[] xv = KernelOracle.convert(t, x(c));
    double[] gv = KernelOracle.convert(t, gy(c));
    Buffer x = buffers.upload(t, xv);
    Buffer y = buffers.filled(t, out + SLACK, SENTINEL);
    fused.forward(x, planes, c.h(), c.w(), c.kh(), c.kw(), y);
    double[] yWant = MaxPool2dOracle.forward(xv, planes, c.h(), c.w(), c.kh(), c.kw());
    String what = name + " (" + t + ") direct ";
    assertSame(what + "forward y", buffers.download(y), withSentinels(t, yWant));
    assertSame(what + "forward: x unchanged", buffers.download(x), xv);

    Buffer gy = buffers.upload(t, gv);
    Buffer gx = buffers.filled(t, in + SLACK, SENTINEL);
    fused.backward(gy, x, y, planes, c.h(), c.w(), c.kh(), c.kw(), gx);
    double[] gxWant = MaxPool2dOracle.backward(gv, xv, planes, c.h(), c.w(), c.kh(), c.kw());
    assertSame(what + "backward gx", buffers.download(gx), withSentinels(t, gxWant));
    assertSame(what + "backward: x unchanged", buffers.download(x), xv);
    assertSame(what + "backward: gy unchanged", buffers.download(gy), gv);
    assertSame(what + "backward: y unchanged", buffers.download(y), withSentinels(t, yWant));
  }

  /** The PyTorch fixture's resource (next to this class) and the script that writes it. */
  private static final String FIXTURE = "maxpool2d_pytorch";

  private static final String GENERATOR =
      "testkit/src/test/fixtures/make_maxpool2d_fixture.py (with /usr/bin/python3, PyTorch 1.13)";

  /** The cases of the PyTorch fixture, as its metadata {@code cases} lists them. */
  static final List<String> PYTORCH_CASES =
      List.of(
          "tile2x2",
          "tile3x2",
          "tile3x3",
          "overlap3s2",
          "overlap2s1",
          "overlap3s2pad1",
          "overlap2s1dil2");

  static Stream<Arguments> pyTorchCases() {
    List<Arguments> list = new ArrayList<>();
    for (String c : PYTORCH_CASES) {
      for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
        list.add(Arguments.of(c, t));
      }
    }
    return list.stream();
  }

  /** Metadata {@code key} of the fixture, {@code "h,w"}, as two integers. */
  private static int[] pair(TorchFixture f, String key) {
    String v = f.metadata.get(key);
    assertNotNull(v, "fixture " + FIXTURE + ": no metadata '" + key + "'");
    String[] parts = v.split(",");
    return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
  }

  /**
   * {@code Windows.maxPool2d} on the backend under test (fused where it offers the capability for
   * the type and the windows tile the image, the composite otherwise) gives PyTorch's output and
   * input gradient exactly: each window's gradient at its first maximum, or at its last NaN, summed
   * where windows overlap. The inputs are float32-exact and the output gradients small integers, so
   * both types must agree exactly; a zero maximum may differ in sign only (PyTorch keeps the first
   * zero of a window, Heed's MAX puts {@code +0} above {@code -0}).
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedMaxPool2dContract#pyTorchCases")
  public void agreesWithPyTorch(String name, DType t) {
    assumeTrue(device.supports(t), "backend '" + device.name() + "' does not support " + t);
    Path tmp;
    try {
      tmp = Files.createTempDirectory("heed-maxpool2d");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Scope scope = Scope.open()) {
      TorchFixture f =
          new TorchFixture(
              FIXTURE,
              FusedMaxPool2dContract.class.getResourceAsStream(FIXTURE + ".safetensors"),
              GENERATOR,
              device,
              t,
              tmp);
      assertEquals(
          String.join(",", PYTORCH_CASES),
          f.metadata.get("cases"),
          "fixture " + FIXTURE + ": its cases (regenerated? update PYTORCH_CASES)");
      Tensor x = f.get(name + ".x").requiresGrad(true);
      Tensor y =
          Windows.maxPool2d(
              x,
              pair(f, name + ".kernel"),
              pair(f, name + ".stride"),
              pair(f, name + ".padding"),
              pair(f, name + ".dilation"));
      y.backward(f.get(name + ".gy"));
      String what = name + " (" + t + ", PyTorch " + f.metadata.get("torch") + ") ";
      assertEquals(f.get(name + ".y").shape(), y.shape(), on() + what + "output shape");
      assertSame(what + "output", y.toDoubleArray(), f.get(name + ".y").toDoubleArray());
      assertSame(
          what + "gradient of x", x.grad().toDoubleArray(), f.get(name + ".gx").toDoubleArray());
    } finally {
      try (Stream<Path> files = Files.walk(tmp)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
