package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.tensor.Scope;
import dev.heed.testkit.BackendCases.CopyCase;
import dev.heed.testkit.BackendCases.ElementwiseCase;
import dev.heed.testkit.BackendCases.UnaryCase;
import dev.heed.testkit.CompositePrograms.Program;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link Backend} meets: each kernel against its definition, over awkward sizes
 * (1, primes, sizes that are not a multiple of 8 or 16, an empty reduced axis) and views: unary,
 * binary, where and copy over offset, strided, transposed, permuted and broadcast operands, into
 * strided and transposed outputs and in place; reductions and softmax of rank-3 views with any
 * strides and offsets; matrix products whose A and B rows lie further apart than their length
 * ({@code lda}, {@code ldb}: a matrix read out of a wider one, the heads of a packed projection)
 * with batch strides, offsets and broadcasting; gather and scatter over contiguous operands with
 * valid indices. Composite programs run forward and backward through the tape against the reference
 * backend, and the capability contracts run as nested tests (see {@link
 * #runsCapabilityContracts()}). Every kernel call is one core could issue: valid arguments and a
 * non-empty output (matrix products with {@code k = 0} and a non-empty C included, as the kernel
 * allows), since kernels trust their arguments. Extend it in a JUnit 5 test:
 *
 * <pre>{@code
 * class SimdBackendTest extends BackendContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 *
 * <p>Kernel results are downloaded and compared with the normative float64 definitions ({@link
 * UnaryOp#apply}, {@link BinaryOp#apply}, {@link Distribution#sample} and the kernels' Javadoc,
 * which the reference backend implements; {@link UnaryOp#applyFloat32} for FLOAT32 unary results,
 * so that STEP's threshold and CLAMP's bounds are compared in float), computed on the host from the
 * same inputs. A value passes when {@code |actual - expected| <= tolerance(dtype)·(|expected| +
 * scale)}, where {@code scale} is 1, or for sums and products the sum of the magnitudes of the
 * terms. NaN must meet NaN and infinities must match. Cases in {@code FLOAT64} are skipped when the
 * backend does not support it.
 *
 * <p>{@link #backend()} is called once per test; return a shared instance when opening is costly.
 * The contract never closes the backend; it releases every buffer it allocates.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
public abstract class BackendContract {
  private static final double SENTINEL = 7.0;
  private static final int SLACK = 2;

  private Backend device;
  private final List<Buffer> buffers = new ArrayList<>();

  /** For subclasses. */
  protected BackendContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /**
   * The relative tolerance of results of type {@code dtype}. Default {@code 1e-5} for FLOAT32 and
   * {@code 1e-12} for FLOAT64.
   */
  protected double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
  }

  /**
   * Whether this contract also runs the capability contracts ({@link FusedElementwiseContract},
   * {@link FusedLayerNormContract}, {@link FusedAttentionContract}, {@link FusedMaxPool2dContract},
   * {@link FusedBatchNormContract}, with their default tolerances) on {@link #backend()}, as nested
   * tests; each skips what the backend does not offer. Return false when the backend's test suite
   * extends those contracts itself (for instance to change a tolerance). Default true.
   */
  protected boolean runsCapabilityContracts() {
    return true;
  }

  /** The reference backend ({@code cpu}, opened with its default options). */
  protected final Backend reference() {
    return TestBackends.reference();
  }

  /** Opens the backend under test for one test. */
  @BeforeEach
  public final void openBackendUnderTest() {
    device = backend();
    assertNotNull(device, "backend() returned null");
  }

  /** Releases every buffer the test allocated. */
  @AfterEach
  public final void releaseTestBuffers() {
    for (Buffer b : buffers) {
      b.close();
    }
    buffers.clear();
  }

  // ------------------------------------------------------------------ host transfer helpers

  private String on() {
    return "backend '" + device.name() + "' ";
  }

  private void assumeSupported(DType t) {
    assumeTrue(device.supports(t), on() + "does not support " + t);
  }

  private Buffer allocate(DType t, long size) {
    Buffer b = device.allocate(t, size);
    assertNotNull(b, on() + "allocate returned null");
    buffers.add(b);
    assertEquals(t, b.dtype(), on() + "allocate(" + t + ", " + size + ") buffer type");
    assertEquals(size, b.size(), on() + "allocate(" + t + ", " + size + ") buffer size");
    return b;
  }

  private Buffer upload(DType t, double[] values) {
    Buffer b = allocate(t, values.length);
    if (values.length > 0) {
      device.upload(segment(t, values), b, 0, values.length);
    }
    return b;
  }

  private double[] download(Buffer b) {
    return download(b, 0, b.size());
  }

  private double[] download(Buffer b, long offset, long count) {
    return DeviceBuffers.download(device, b, offset, count);
  }

  private static MemorySegment segment(DType t, double[] values) {
    return DeviceBuffers.segment(t, values);
  }

  /** Host values suited to {@code t}: integers for INT32, float32-exact for floats. */
  private static double[] values(DType t, long seed, int n) {
    double[] v = Samples.normal(seed, n);
    for (int i = 0; i < n; i++) {
      v[i] = t == DType.INT32 ? Math.rint(v[i] * 1000) : (float) (v[i] * 3);
    }
    return v;
  }

  private static double[] filled(int n, double value) {
    double[] v = new double[n];
    Arrays.fill(v, value);
    return v;
  }

  private static long size(Layout l) {
    return l.extent() + SLACK;
  }

  private void assertClose(String what, DType t, double[] actual, double[] expected) {
    Compare.assertClose(on() + what, actual, expected, tolerance(t));
  }

  private void assertClose(
      String what, DType t, double[] actual, double[] expected, double[] scale) {
    Compare.assertClose(on() + what, actual, expected, scale, tolerance(t));
  }

  // ------------------------------------------------------------------ identity and buffers

  /** The backend has a registered name, a description, and supports FLOAT32 and INT32. */
  @Test
  public void describesItself() {
    assertFalse(device.name().isBlank(), "backend name is blank");
    assertTrue(
        Plugins.shared().backends().find(device.name()).isPresent(),
        on()
            + "is not the name of a registered backend provider: "
            + Plugins.shared().backends().names());
    assertFalse(device.deviceDescription().isBlank(), on() + "deviceDescription() is blank");
    assertTrue(device.supports(DType.FLOAT32), on() + "must support FLOAT32");
    assertTrue(device.supports(DType.INT32), on() + "must support INT32");
  }

  /** Buffers report their type and size, and release idempotently. */
  @Test
  public void buffersReportTypeSizeAndRelease() {
    for (DType t : DType.values()) {
      if (!device.supports(t)) {
        continue;
      }
      Buffer b = device.allocate(t, 13);
      assertEquals(t, b.dtype());
      assertEquals(13, b.size());
      assertFalse(b.isReleased(), on() + "a new buffer is released");
      b.close();
      assertTrue(b.isReleased(), on() + "a closed buffer is not released");
      b.close();
    }
  }

  /** A new buffer holds zeros. */
  @ParameterizedTest(name = "{0} × {1}")
  @MethodSource("dev.heed.testkit.BackendCases#typesAndSizes")
  public void allocateGivesZeros(DType t, int n) {
    assumeSupported(t);
    Compare.assertExact(
        on() + "allocate(" + t + ", " + n + ")", download(allocate(t, n)), new double[n]);
  }

  /**
   * {@code allocateForOverwrite} gives a live buffer of the type and size asked for, also after
   * buffers of that size were written and released (whose memory a backend may hand out again), and
   * a kernel that writes every element leaves exactly its results there.
   */
  @ParameterizedTest(name = "{0} × {1}")
  @MethodSource("dev.heed.testkit.BackendCases#typesAndSizes")
  public void allocateForOverwriteThenWrite(DType t, int n) {
    assumeSupported(t);
    double[] v = values(t, n + 1, n);
    for (int i = 0; i < 3; i++) {
      upload(t, v).close();
    }
    Buffer b = device.allocateForOverwrite(t, n);
    assertNotNull(b, on() + "allocateForOverwrite returned null");
    buffers.add(b);
    assertEquals(t, b.dtype(), on() + "allocateForOverwrite(" + t + ", " + n + ") buffer type");
    assertEquals(n, b.size(), on() + "allocateForOverwrite(" + t + ", " + n + ") buffer size");
    assertFalse(b.isReleased(), on() + "a new buffer is released");
    double[] w = values(t, n + 2, n);
    if (n > 0) {
      device.upload(segment(t, w), b, 0, n);
    }
    Compare.assertExact(on() + "allocateForOverwrite then upload", download(b), w);
  }

  /** Uploads and downloads round-trip exactly, whole and in part at an offset. */
  @ParameterizedTest(name = "{0} × {1}")
  @MethodSource("dev.heed.testkit.BackendCases#typesAndSizes")
  public void uploadDownloadRoundTrip(DType t, int n) {
    assumeSupported(t);
    double[] v = values(t, n, n);
    Compare.assertExact(on() + "upload then download of " + n + " " + t, download(upload(t, v)), v);
    Buffer b = allocate(t, n);
    int offset = n / 3;
    int count = n / 2;
    if (count > 0) {
      device.upload(segment(t, Arrays.copyOf(v, count)), b, offset, count);
    }
    double[] expected = new double[n];
    System.arraycopy(v, 0, expected, offset, count);
    Compare.assertExact(
        on() + "upload of " + count + " at offset " + offset, download(b), expected);
    Compare.assertExact(
        on() + "download of " + count + " from offset " + offset,
        download(b, offset, count),
        Arrays.copyOf(v, count));
  }

  /** {@code fill} sets exactly its range. */
  @ParameterizedTest(name = "{0} × {1}")
  @MethodSource("dev.heed.testkit.BackendCases#typesAndSizes")
  public void fill(DType t, int n) {
    assumeSupported(t);
    double[] v = values(t, 7 + n, n);
    Buffer b = upload(t, v);
    int offset = n / 4;
    int count = n / 2;
    double value = t == DType.INT32 ? -7 : -2.5;
    if (count > 0) {
      device.fill(b, offset, count, value);
    }
    double[] expected = v.clone();
    Arrays.fill(expected, offset, offset + count, value);
    Compare.assertExact(on() + "fill of " + count + " at " + offset, download(b), expected);
    if (n > 0) {
      device.fill(b, 0, n, 0.1);
    }
    Compare.assertExact(
        on() + "fill with 0.1", download(b), filled(n, KernelOracle.convert(t, 0.1)));
  }

  // ------------------------------------------------------------------ copy

  /** {@code copy} between views, converting types; elements outside the view stay. */
  @ParameterizedTest(name = "{0}: {1} → {2}")
  @MethodSource("dev.heed.testkit.BackendCases#copyCases")
  public void copy(String layouts, DType from, DType to) {
    CopyCase c = BackendCases.copyCase(layouts);
    assumeSupported(from);
    assumeSupported(to);
    double[] src = values(from, 11, (int) size(c.src()));
    double[] dst = values(to, 12, (int) size(c.dst()));
    Buffer s = upload(from, src);
    Buffer d = upload(to, dst);
    device.copy(s, c.src(), d, c.dst());
    assertClose(
        "copy " + c + " " + from + " → " + to,
        to,
        download(d),
        KernelOracle.copy(src, c.src(), dst, c.dst(), to));
  }

  // ------------------------------------------------------------------ unary

  /**
   * The parameters of each operation. STEP's threshold and CLAMP's bounds are not representable in
   * float32, so that a FLOAT32 kernel must round them to float and compare in float ({@link
   * UnaryOp#applyFloat32}).
   */
  private static double[] unaryParameters(UnaryOp op) {
    return switch (op) {
      case AFFINE -> new double[] {1.5, -0.25};
      case POW -> new double[] {2.5, 0};
      case CLAMP -> new double[] {-0.1, 0.3};
      case STEP -> new double[] {0.1, 0};
      default -> new double[] {0, 0};
    };
  }

  /**
   * Inputs in the operation's domain. For STEP and CLAMP every third element is the threshold or a
   * bound as a float, as a double, or the floats next to it: where comparing in the wrong type
   * gives another answer.
   */
  private static double[] unaryDomain(UnaryOp op, long seed, int n) {
    double[] v =
        switch (op) {
          case LOG, SQRT, POW -> Samples.uniform(seed, n, 0.05, 4);
          case LOG1P -> Samples.uniform(seed, n, -0.9, 4);
          case RECIPROCAL -> Samples.awayFromZero(seed, n, 0.1, 4);
          default -> Samples.uniform(seed, n, -4, 4);
        };
    if (op == UnaryOp.STEP || op == UnaryOp.CLAMP) {
      double[] p = unaryParameters(op);
      double[] edges = new double[8];
      for (int e = 0; e < 2; e++) {
        float f = (float) p[e];
        edges[4 * e] = f;
        edges[4 * e + 1] = p[e];
        edges[4 * e + 2] = Math.nextUp(f);
        edges[4 * e + 3] = Math.nextDown(f);
      }
      for (int i = 0; i < n; i += 3) {
        v[i] = edges[(i / 3) % (op == UnaryOp.STEP ? 4 : 8)];
      }
    }
    return v;
  }

  /**
   * {@link UnaryOp#apply} in FLOAT64, {@link UnaryOp#applyFloat32} in FLOAT32 (parameters that are
   * compared with the element rounded to float first).
   */
  private static double unaryValue(UnaryOp op, DType t, double x, double a, double b) {
    return t == DType.FLOAT32 ? op.applyFloat32((float) x, a, b) : op.apply(x, a, b);
  }

  private static double[] unaryExpected(UnaryOp op, DType t, double[] x) {
    double[] p = unaryParameters(op);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = unaryValue(op, t, x[i], p[0], p[1]);
    }
    return y;
  }

  /**
   * Every unary operation on inputs in its domain (positive for LOG, SQRT and POW), over several
   * sizes, touching only {@code count} elements, and in place.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.BackendCases#unaryCases")
  public void unary(UnaryOp op, DType t) {
    assumeSupported(t);
    double[] p = unaryParameters(op);
    for (int n : new int[] {1, 7, 33, 129}) {
      double[] x = KernelOracle.convert(t, unaryDomain(op, 31L * n + op.ordinal(), n + SLACK));
      double[] expected = unaryExpected(op, t, x);
      Buffer xb = upload(t, x);
      Buffer yb = upload(t, filled(n + SLACK, SENTINEL));
      device.unary(op, p[0], p[1], xb, Layout.contiguous(n), yb, Layout.contiguous(n));
      double[] want = filled(n + SLACK, SENTINEL);
      System.arraycopy(expected, 0, want, 0, n);
      assertClose(op + " of " + n + " elements", t, download(yb), want);
      Layout all = Layout.contiguous(n + SLACK);
      device.unary(op, p[0], p[1], xb, all, xb, all);
      assertClose(op + " in place of " + (n + SLACK) + " elements", t, download(xb), expected);
    }
  }

  /**
   * Every unary operation over strided, offset, transposed, permuted and broadcast input views,
   * into strided and transposed outputs, and in place on non-contiguous views; elements outside the
   * output view stay.
   */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("dev.heed.testkit.BackendCases#unaryViewCases")
  public void unaryViews(UnaryOp op, DType t, String layouts) {
    UnaryCase c = BackendCases.unaryCase(layouts);
    assumeSupported(t);
    double[] p = unaryParameters(op);
    double[] x = KernelOracle.convert(t, unaryDomain(op, 57L + op.ordinal(), (int) size(c.x())));
    double[] values = unaryExpected(op, t, KernelOracle.read(x, c.x()));
    Buffer xb = upload(t, x);
    if (c.y() == null) {
      device.unary(op, p[0], p[1], xb, c.x(), xb, c.x());
      assertClose(
          op + " in place over " + c, t, download(xb), KernelOracle.write(x, c.x(), values));
      return;
    }
    double[] y = filled((int) size(c.y()), SENTINEL);
    Buffer yb = upload(t, y);
    device.unary(op, p[0], p[1], xb, c.x(), yb, c.y());
    assertClose(op + " over " + c, t, download(yb), KernelOracle.write(y, c.y(), values));
    Compare.assertExact(on() + op + " over " + c + " changed its input", download(xb), x);
  }

  /**
   * STEP and CLAMP compare in the element type: in FLOAT32 the threshold 0.1 is rounded to {@code
   * 0.1f} first, so {@code 0.1f > 0.1} is false there and true in FLOAT64 ({@link
   * UnaryOp#applyFloat32}), in vector lanes and scalar tails alike.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.heed.testkit.BackendCases#floatTypes")
  public void stepAndClampCompareInTheElementType(DType t) {
    assumeSupported(t);
    float f = 0.1f;
    double[] edges = {f, 0.1, Math.nextUp(f), Math.nextDown(f), -f, -0.1, 0.3f, 0.3};
    for (int n : new int[] {edges.length, 37}) {
      double[] x = KernelOracle.convert(t, Samples.tile(edges, n));
      Layout l = Layout.contiguous(n);
      for (double[] op : new double[][] {{0.1, 0}, {-0.1, 0.3}}) {
        UnaryOp u = op[1] == 0 ? UnaryOp.STEP : UnaryOp.CLAMP;
        Buffer yb = allocate(t, n);
        device.unary(u, op[0], op[1], upload(t, x), l, yb, l);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
          expected[i] = unaryValue(u, t, x[i], op[0], op[1]);
        }
        Compare.assertExact(
            on()
                + u
                + " with parameters "
                + Arrays.toString(op)
                + " in "
                + t
                + " of "
                + n
                + " elements (FLOAT32 compares with the parameters rounded to float)",
            download(yb),
            expected);
      }
    }
  }

  /** Every unary operation on NaN, ±∞, ±0 and ±1000 gives what the float64 definition gives. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.BackendCases#unaryCases")
  public void unarySpecialValues(UnaryOp op, DType t) {
    assumeSupported(t);
    double[] x = {
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1000, -1000, 0.5
    };
    double[] p = unaryParameters(op);
    Buffer xb = upload(t, x);
    Buffer yb = allocate(t, x.length);
    Layout all = Layout.contiguous(x.length);
    device.unary(op, p[0], p[1], xb, all, yb, all);
    assertClose(op + " of " + Arrays.toString(x), t, download(yb), unaryExpected(op, t, x));
  }

  // ------------------------------------------------------------------ binary and where

  private static double[] binaryOperand(BinaryOp op, boolean left, long seed, int n) {
    if (op.isComparison() || op == BinaryOp.MAX || op == BinaryOp.MIN) {
      double[] grid = {-1, -0.5, 0, 0.5, 1};
      double[] v = Samples.uniform(seed, n, 0, grid.length);
      for (int i = 0; i < n; i++) {
        v[i] = grid[(int) v[i]];
      }
      return v;
    }
    if (op == BinaryOp.POW) {
      return left ? Samples.uniform(seed, n, 0.1, 3) : Samples.uniform(seed, n, -2, 2);
    }
    if (op == BinaryOp.DIV && !left) {
      return Samples.awayFromZero(seed, n, 0.25, 3);
    }
    return Samples.uniform(seed, n, -3, 3);
  }

  private static double[] binaryExpected(BinaryOp op, DType t, double[] a, double[] b) {
    double[] y = new double[a.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = KernelOracle.convert(t, op.apply(a[i], b[i]));
    }
    return y;
  }

  /** Every binary operation over broadcast, transposed, offset and strided views. */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("dev.heed.testkit.BackendCases#binaryCases")
  public void binary(BinaryOp op, DType t, String layouts) {
    ElementwiseCase c = BackendCases.elementwiseCase(layouts);
    assumeSupported(t);
    Layout outLayout = c.out() != null ? c.out() : Layout.contiguous(c.a().shape());
    double[] a = KernelOracle.convert(t, binaryOperand(op, true, 1, (int) size(c.a())));
    double[] b = KernelOracle.convert(t, binaryOperand(op, false, 2, (int) size(c.b())));
    double[] out = filled((int) size(outLayout), SENTINEL);
    Buffer ob = upload(t, out);
    device.binary(op, upload(t, a), c.a(), upload(t, b), c.b(), ob, outLayout);
    double[] values =
        binaryExpected(op, t, KernelOracle.read(a, c.a()), KernelOracle.read(b, c.b()));
    assertClose(op + " over " + c, t, download(ob), KernelOracle.write(out, outLayout, values));
  }

  /**
   * Every binary operation in place, on contiguous and non-contiguous views: the output is the
   * first or the second operand's buffer with the same view; the other operand is contiguous.
   */
  @ParameterizedTest(name = "{0} {1} {2} into a={3}")
  @MethodSource("dev.heed.testkit.BackendCases#binaryInPlaceCases")
  public void binaryInPlace(BinaryOp op, DType t, String view, boolean intoA) {
    assumeSupported(t);
    Layout l = BackendCases.inPlaceView(view).layout();
    Layout dense = Layout.contiguous(l.shape());
    int n = (int) l.elementCount();
    double[] target = KernelOracle.convert(t, binaryOperand(op, intoA, 3, (int) size(l)));
    double[] other = KernelOracle.convert(t, binaryOperand(op, !intoA, 4, n));
    Buffer tb = upload(t, target);
    Buffer ob = upload(t, other);
    double[] values;
    if (intoA) {
      device.binary(op, tb, l, ob, dense, tb, l);
      values = binaryExpected(op, t, KernelOracle.read(target, l), other);
    } else {
      device.binary(op, ob, dense, tb, l, tb, l);
      values = binaryExpected(op, t, other, KernelOracle.read(target, l));
    }
    assertClose(
        op + " in place into " + (intoA ? "a" : "b") + " over " + view,
        t,
        download(tb),
        KernelOracle.write(target, l, values));
  }

  /**
   * Every binary operation but POW (whose NaN cases differ between C and Java) on NaN, ±∞ and ±0:
   * MAX and MIN propagate NaN; comparisons with NaN are false except NE.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.BackendCases#binaryOps")
  public void binarySpecialValues(BinaryOp op, DType t) {
    assumeSupported(t);
    assumeTrue(op != BinaryOp.POW, "POW's NaN cases are not specified");
    double inf = Double.POSITIVE_INFINITY;
    double[] a = {Double.NaN, 1, Double.NaN, inf, -inf, 0.0, -0.0, 2, inf, -3};
    double[] b = {1, Double.NaN, Double.NaN, inf, 1, -0.0, 0.0, inf, -inf, 0.0};
    Buffer ob = allocate(t, a.length);
    Layout l = Layout.contiguous(a.length);
    device.binary(op, upload(t, a), l, upload(t, b), l, ob, l);
    assertClose(
        op + " of " + Arrays.toString(a) + " and " + Arrays.toString(b),
        t,
        download(ob),
        binaryExpected(op, t, a, b));
  }

  /** {@code where} over broadcast and strided views; NaN and nonzero conditions select a. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.BackendCases#whereCases")
  public void where(DType t, String layouts) {
    ElementwiseCase c = BackendCases.elementwiseCase(layouts);
    assumeSupported(t);
    Layout outLayout = c.out() != null ? c.out() : Layout.contiguous(c.a().shape());
    double[] grid = {0, 1, -2, 0.5, -0.0, Double.NaN};
    double[] cond = Samples.uniform(5, (int) size(c.a()), 0, grid.length);
    for (int i = 0; i < cond.length; i++) {
      cond[i] = grid[(int) cond[i]];
    }
    double[] a = KernelOracle.convert(t, Samples.uniform(6, (int) size(c.b()), -3, 3));
    double[] b = KernelOracle.convert(t, Samples.uniform(7, (int) size(c.c()), -3, 3));
    double[] out = filled((int) size(outLayout), SENTINEL);
    Buffer ob = upload(t, out);
    device.where(upload(t, cond), c.a(), upload(t, a), c.b(), upload(t, b), c.c(), ob, outLayout);
    double[] cv = KernelOracle.read(cond, c.a());
    double[] av = KernelOracle.read(a, c.b());
    double[] bv = KernelOracle.read(b, c.c());
    double[] values = new double[cv.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = cv[i] != 0 ? av[i] : bv[i];
    }
    assertClose("where over " + c, t, download(ob), KernelOracle.write(out, outLayout, values));
  }

  // ------------------------------------------------------------------ reductions and softmax

  /**
   * Every reduction over {@code [outer, axis, inner]}, with ties (arg-reductions take the first)
   * and empty axes (SUM 0, MAX -∞, MIN +∞).
   */
  @ParameterizedTest(name = "{0} {1} [{2}, {3}, {4}]")
  @MethodSource("dev.heed.testkit.BackendCases#reduceCases")
  public void reduce(ReduceOp op, DType t, int outer, int axis, int inner) {
    assumeSupported(t);
    int n = outer * axis * inner;
    double[] x = Samples.uniform(outer * 1000L + axis * 10L + inner, n, -2, 2);
    for (int i = 0; i < n; i++) {
      x[i] = Math.rint(x[i] * 4) / 4;
    }
    Buffer out = allocate(op.producesIndices() ? DType.INT32 : t, outer * inner);
    device.reduce(op, upload(t, x), Layout.contiguous(outer, axis, inner), out);
    String what = op + " of [" + outer + ", " + axis + ", " + inner + "]";
    double[] expected = KernelOracle.reduce(op, x, outer, axis, inner);
    if (op.producesIndices()) {
      Compare.assertExact(on() + what, download(out), expected);
    } else {
      assertClose(
          what,
          t,
          download(out),
          KernelOracle.convert(t, expected),
          KernelOracle.absoluteSums(x, outer, axis, inner));
    }
  }

  /**
   * Every reduction of rank-3 views with any strides and offsets (permuted, transposed, every other
   * element, broadcast along the axis or the outer dimension), into a contiguous output from
   * element 0; nothing after it is written.
   */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("dev.heed.testkit.BackendCases#reduceViewCases")
  public void reduceViews(ReduceOp op, DType t, String view) {
    assumeSupported(t);
    Layout l = BackendCases.reductionView(view).layout();
    int outer = l.dim(0);
    int axis = l.dim(1);
    int inner = l.dim(2);
    double[] x = Samples.uniform(41L + op.ordinal(), (int) size(l), -2, 2);
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.rint(x[i] * 4) / 4;
    }
    DType outType = op.producesIndices() ? DType.INT32 : t;
    double[] before = filled(outer * inner + SLACK, SENTINEL);
    Buffer out = upload(outType, before);
    device.reduce(op, upload(t, x), l, out);
    double[] seen = KernelOracle.read(x, l);
    double[] expected =
        Arrays.copyOf(KernelOracle.reduce(op, seen, outer, axis, inner), before.length);
    System.arraycopy(before, outer * inner, expected, outer * inner, SLACK);
    String what = op + " of the view " + view;
    if (op.producesIndices()) {
      Compare.assertExact(on() + what, download(out), expected);
    } else {
      double[] scale =
          Arrays.copyOf(KernelOracle.absoluteSums(seen, outer, axis, inner), before.length);
      assertClose(what, t, download(out), KernelOracle.convert(t, expected), scale);
    }
  }

  /** MAX and MIN give NaN when any element is NaN, wherever it sits. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.heed.testkit.BackendCases#floatTypes")
  public void reduceMaxMinPropagateNaN(DType t) {
    assumeSupported(t);
    double nan = Double.NaN;
    double[] x = {nan, 1, 2, 3, 4, 1, 2, nan, 3, 0, 1, 5, 2, 3, 4, 1, 2, 3, 4, nan};
    for (ReduceOp op : List.of(ReduceOp.MAX, ReduceOp.MIN)) {
      Buffer out = allocate(t, 4);
      device.reduce(op, upload(t, x), Layout.contiguous(4, 5, 1), out);
      assertClose(op + " with NaN", t, download(out), KernelOracle.reduce(op, x, 4, 5, 1));
    }
  }

  /** Softmax and log-softmax over {@code [outer, axis, inner]}. */
  @ParameterizedTest(name = "log={0} {1} [{2}, {3}, {4}]")
  @MethodSource("dev.heed.testkit.BackendCases#softmaxCases")
  public void softmax(boolean log, DType t, int outer, int axis, int inner) {
    assumeSupported(t);
    int n = outer * axis * inner;
    double[] x = KernelOracle.convert(t, Samples.normal(n + 17L * axis, n));
    for (int i = 0; i < n; i++) {
      x[i] = KernelOracle.convert(t, 3 * x[i]);
    }
    Buffer y = allocate(t, n);
    device.softmax(upload(t, x), Layout.contiguous(outer, axis, inner), log, y);
    assertClose(
        (log ? "log-softmax" : "softmax") + " of [" + outer + ", " + axis + ", " + inner + "]",
        t,
        download(y),
        KernelOracle.convert(t, KernelOracle.softmax(x, outer, axis, inner, log)));
  }

  /**
   * Softmax and log-softmax of rank-3 views with any strides and offsets, into a contiguous output
   * from element 0; nothing after it is written.
   */
  @ParameterizedTest(name = "log={0} {1} {2}")
  @MethodSource("dev.heed.testkit.BackendCases#softmaxViewCases")
  public void softmaxViews(boolean log, DType t, String view) {
    assumeSupported(t);
    Layout l = BackendCases.reductionView(view).layout();
    int n = (int) l.elementCount();
    double[] x = KernelOracle.convert(t, Samples.normal(43, (int) size(l)));
    for (int i = 0; i < x.length; i++) {
      x[i] = KernelOracle.convert(t, 3 * x[i]);
    }
    Buffer y = upload(t, filled(n + SLACK, SENTINEL));
    device.softmax(upload(t, x), l, log, y);
    double[] expected =
        Arrays.copyOf(
            KernelOracle.convert(
                t,
                KernelOracle.softmax(KernelOracle.read(x, l), l.dim(0), l.dim(1), l.dim(2), log)),
            n + SLACK);
    Arrays.fill(expected, n, n + SLACK, SENTINEL);
    assertClose(
        (log ? "log-softmax" : "softmax") + " of the view " + view, t, download(y), expected);
  }

  /**
   * Rows with ±1000 do not overflow, {@code -∞} entries get exactly 0 (log: {@code -∞}), a row of
   * {@code -∞} gives NaN, and the kernel works in place.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.heed.testkit.BackendCases#floatTypes")
  public void softmaxSpecialRows(DType t) {
    assumeSupported(t);
    double inf = Double.POSITIVE_INFINITY;
    double[] x = {1000, 0, -1000, -inf, 1, 2, -inf, -inf, -inf, 0.5, 0.5, 0.5};
    for (boolean log : new boolean[] {false, true}) {
      String what = (log ? "log-softmax" : "softmax") + " of " + Arrays.toString(x);
      double[] expected = KernelOracle.convert(t, KernelOracle.softmax(x, 4, 3, 1, log));
      Buffer y = allocate(t, x.length);
      device.softmax(upload(t, x), Layout.contiguous(4, 3, 1), log, y);
      double[] actual = download(y);
      assertClose(what, t, actual, expected);
      assertEquals(
          log ? -inf : 0.0, actual[3], on() + what + ": a -∞ entry must give exactly that");
      Buffer xb = upload(t, x);
      device.softmax(xb, Layout.contiguous(4, 3, 1), log, xb);
      assertClose(what + " in place", t, download(xb), expected);
    }
  }

  // ------------------------------------------------------------------ matmul

  /**
   * Matrix products over all four transpose combinations, batches with broadcast (stride 0),
   * offsets and gaps, {@code alpha != 1}, {@code beta != 0}, {@code k = 0} (C non-empty), and
   * leading dimensions {@code lda}, {@code ldb} longer than the stored rows (a matrix read out of a
   * wider one, the heads of a packed projection).
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.BackendCases#matmulCases")
  public void matmul(String name, DType t, MatmulSpec spec, boolean nanInC) {
    assumeSupported(t);
    int aSize = extent(spec.batch(), spec.aOffset(), spec.aBatchStride(), spec.aSpan());
    int bSize = extent(spec.batch(), spec.bOffset(), spec.bBatchStride(), spec.bSpan());
    int cSize =
        extent(spec.batch(), spec.cOffset(), spec.cBatchStride(), (long) spec.m() * spec.n());
    double[] a = KernelOracle.convert(t, Samples.normal(21, aSize));
    double[] b = KernelOracle.convert(t, Samples.normal(22, bSize));
    double[] c =
        nanInC ? filled(cSize, Double.NaN) : KernelOracle.convert(t, Samples.normal(23, cSize));
    Buffer cb = upload(t, c);
    device.matmul(spec, upload(t, a), upload(t, b), cb);
    double[] scale = new double[cSize];
    double[] expected = KernelOracle.matmul(spec, a, b, c, scale);
    for (int i = 0; i < cSize; i++) {
      if (Double.isNaN(expected[i]) && nanInC) {
        continue;
      }
      expected[i] = KernelOracle.convert(t, expected[i]);
    }
    assertClose("matmul " + name + " " + spec, t, download(cb), expected, scale);
  }

  private static int extent(int batch, long offset, long stride, long matrix) {
    long size = batch == 0 ? offset : offset + (batch - 1L) * stride + matrix;
    return Math.toIntExact(size + SLACK);
  }

  // ------------------------------------------------------------------ gather and scatter

  /** {@code gather} with repeated indices. */
  @ParameterizedTest(name = "{0} outer={1} axis={2} inner={3} count={4}")
  @MethodSource("dev.heed.testkit.BackendCases#gatherCases")
  public void gather(DType t, int outer, int axis, int inner, int count) {
    assumeSupported(t);
    double[] src = values(t, 31, outer * axis * inner);
    int[] idx = BackendCases.indices(count, axis);
    Buffer out = allocate(t, (long) outer * count * inner);
    device.gather(upload(t, src), outer, axis, inner, indexBuffer(idx), count, out);
    Compare.assertExact(
        on() + "gather [" + outer + ", " + axis + ", " + inner + "] at " + Arrays.toString(idx),
        download(out),
        KernelOracle.gather(src, outer, axis, inner, idx));
  }

  /** {@code scatterAdd} accumulates at repeated indices, onto the output's values. */
  @ParameterizedTest(name = "{0} outer={1} axis={2} inner={3} count={4}")
  @MethodSource("dev.heed.testkit.BackendCases#gatherCases")
  public void scatterAdd(DType t, int outer, int axis, int inner, int count) {
    assumeSupported(t);
    double[] src = values(t, 32, outer * count * inner);
    double[] out = values(t, 33, outer * axis * inner);
    int[] idx = BackendCases.indices(count, axis);
    Buffer ob = upload(t, out);
    device.scatterAdd(upload(t, src), outer, count, inner, indexBuffer(idx), axis, ob);
    double[] scale = new double[out.length];
    double[] expected = KernelOracle.scatterAdd(src, outer, inner, idx, axis, out, scale);
    assertClose(
        "scatterAdd [" + outer + ", " + count + ", " + inner + "] at " + Arrays.toString(idx),
        t,
        download(ob),
        expected,
        scale);
  }

  private Buffer indexBuffer(int[] idx) {
    double[] v = new double[idx.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = idx[i];
    }
    return upload(DType.INT32, v);
  }

  // ------------------------------------------------------------------ random

  /**
   * Counter-based random numbers match {@link Distribution#sample} (BERNOULLI exactly) and the
   * reference backend, at stream offsets, touching only {@code count} elements.
   */
  @ParameterizedTest(name = "{0} {1} seed={2} offset={3} count={4}")
  @MethodSource("dev.heed.testkit.BackendCases#randomCases")
  public void random(Distribution d, DType t, long seed, long offset, int count) {
    assumeSupported(t);
    double[] p =
        switch (d) {
          case UNIFORM -> new double[] {-2, 3};
          case NORMAL -> new double[] {0.5, 2};
          case BERNOULLI -> new double[] {0.3, 0};
        };
    Buffer out = upload(t, filled(count + SLACK, SENTINEL));
    device.random(d, p[0], p[1], seed, offset, out, count);
    double[] expected = filled(count + SLACK, SENTINEL);
    for (int i = 0; i < count; i++) {
      expected[i] = KernelOracle.convert(t, d.sample(seed, offset + i, p[0], p[1]));
    }
    String what = d + " seed " + seed + " offset " + offset;
    double[] actual = download(out);
    if (d == Distribution.BERNOULLI) {
      Compare.assertExact(on() + what, actual, expected);
    } else {
      assertClose(what, t, actual, expected);
    }
    Backend ref = reference();
    Buffer r = ref.allocate(t, count);
    try {
      ref.random(d, p[0], p[1], seed, offset, r, count);
      float[] f = new float[count];
      double[] refValues = new double[count];
      if (t == DType.FLOAT32) {
        ref.download(r, 0, count, MemorySegment.ofArray(f));
        for (int i = 0; i < count; i++) {
          refValues[i] = f[i];
        }
      } else {
        ref.download(r, 0, count, MemorySegment.ofArray(refValues));
      }
      assertClose(what + " vs the reference backend", t, Arrays.copyOf(actual, count), refValues);
    } finally {
      r.close();
    }
  }

  // ------------------------------------------------------------------ through the tape

  /**
   * Small programs of core operations (an MLP with a cross-entropy loss, softmax, log-softmax,
   * matmul with transposes and broadcast batches, index select, a layer-norm composite, reductions,
   * a broadcast elementwise chain), forward and backward through the tape, agree with the reference
   * backend within ten times {@link #tolerance(DType)}.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.CompositePrograms#cases")
  public void compositeMatchesReference(String name, DType t) {
    Program program = CompositePrograms.byName(name);
    assumeSupported(t);
    try (Scope scope = Scope.open()) {
      List<double[]> expected = CompositePrograms.run(program, reference(), t);
      List<double[]> actual = CompositePrograms.run(program, device, t);
      for (int i = 0; i < expected.size(); i++) {
        String what = i == 0 ? "value" : "gradient of input " + (i - 1);
        Compare.assertClose(
            on() + program + " (" + t + "): " + what + " vs the reference",
            actual.get(i),
            expected.get(i),
            10 * tolerance(t));
      }
    }
  }

  // ------------------------------------------------------------------ capabilities

  private void assumeCapabilityContracts() {
    assumeTrue(runsCapabilityContracts(), "the capability contracts run in their own test classes");
  }

  /** {@link FusedElementwiseContract} on this contract's backend. */
  @Nested
  public class FusedElementwiseCapability extends FusedElementwiseContract {
    /** For JUnit. */
    public FusedElementwiseCapability() {}

    @Override
    protected Backend backend() {
      assumeCapabilityContracts();
      return device;
    }
  }

  /** {@link FusedLayerNormContract} on this contract's backend. */
  @Nested
  public class FusedLayerNormCapability extends FusedLayerNormContract {
    /** For JUnit. */
    public FusedLayerNormCapability() {}

    @Override
    protected Backend backend() {
      assumeCapabilityContracts();
      return device;
    }
  }

  /** {@link FusedAttentionContract} on this contract's backend. */
  @Nested
  public class FusedAttentionCapability extends FusedAttentionContract {
    /** For JUnit. */
    public FusedAttentionCapability() {}

    @Override
    protected Backend backend() {
      assumeCapabilityContracts();
      return device;
    }
  }

  /** {@link FusedMaxPool2dContract} on this contract's backend. */
  @Nested
  public class FusedMaxPool2dCapability extends FusedMaxPool2dContract {
    /** For JUnit. */
    public FusedMaxPool2dCapability() {}

    @Override
    protected Backend backend() {
      assumeCapabilityContracts();
      return device;
    }
  }

  /** {@link FusedConv2dContract} on this contract's backend. */
  @Nested
  public class FusedConv2dCapability extends FusedConv2dContract {
    /** For JUnit. */
    public FusedConv2dCapability() {}

    @Override
    protected Backend backend() {
      assumeCapabilityContracts();
      return device;
    }
  }

  /** {@link FusedBatchNormContract} on this contract's backend. */
  @Nested
  public class FusedBatchNormCapability extends FusedBatchNormContract {
    /** For JUnit. */
    public FusedBatchNormCapability() {}

    @Override
    protected Backend backend() {
      assumeCapabilityContracts();
      return device;
    }
  }
}
