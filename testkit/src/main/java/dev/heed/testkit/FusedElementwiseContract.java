package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.ElementwiseProgram.Scalar;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.UnaryOp;
import dev.heed.testkit.FusedChains.Chain;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link FusedElementwise}: for every program, set of run-time parameters and
 * element count, each output agrees element by element with {@link ElementwiseProgram#evaluate}
 * (every step rounded to the element type; STEP and CLAMP compare in it), nothing past {@code
 * count} is written and the inputs stay as they were; outputs may be written over their inputs; one
 * program object runs with new parameter values each call, and programs that differ only in a
 * constant give their own results (a backend that caches what it compiles must key it by the whole
 * structure). A backend that does not offer the capability, or not for a type, skips.
 *
 * <pre>{@code
 * class SimdFusedElementwiseTest extends FusedElementwiseContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 *
 * {@link BackendContract} runs this contract on its backend too (unless it turns that off).
 */
public abstract class FusedElementwiseContract {
  private static final double SENTINEL = 7.0;
  private static final int SLACK = 2;

  /** Element counts: one, a few, around vector widths, chunks and parallel splits. */
  private static final int[] COUNTS = {1, 2, 7, 17, 255, 256, 257, 1023, 1024, 1025, 2100, 70_001};

  private Backend device;
  private DeviceBuffers buffers;

  /** For subclasses. */
  protected FusedElementwiseContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /**
   * The relative tolerance of results of type {@code dtype}: {@code |actual - expected| <= tol·(1 +
   * |expected|)}. Default {@code 1e-5} for FLOAT32 and {@code 1e-12} for FLOAT64.
   */
  protected double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
  }

  /** Opens the backend under test for one test. */
  @BeforeEach
  public final void openFusedElementwiseBackend() {
    device = backend();
    assertNotNull(device, "backend() returned null");
    buffers = new DeviceBuffers(device);
  }

  /** Releases every buffer the test allocated. */
  @AfterEach
  public final void releaseFusedElementwiseBuffers() {
    if (buffers != null) {
      buffers.close();
    }
  }

  private String on() {
    return "backend '" + device.name() + "' fused elementwise: ";
  }

  private FusedElementwise fused(DType t) {
    assumeTrue(device.supports(t), "backend '" + device.name() + "' does not support " + t);
    Optional<FusedElementwise> f = device.capability(FusedElementwise.class);
    assumeTrue(f.isPresent(), "backend '" + device.name() + "' offers no FusedElementwise");
    assumeTrue(f.get().supports(t), "backend '" + device.name() + "' fuses no " + t + " chains");
    return f.get();
  }

  private Buffer[] upload(DType t, double[][] values) {
    Buffer[] b = new Buffer[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = buffers.upload(t, values[i]);
    }
    return b;
  }

  private void check(
      String what, DType t, ElementwiseProgram p, Buffer[] outputs, double[][] expected) {
    for (int j = 0; j < outputs.length; j++) {
      Compare.assertClose(
          on() + p + " " + what + ", output " + j,
          buffers.download(outputs[j]),
          expected[j],
          tolerance(t));
    }
  }

  /**
   * Each program with each set of its parameters, over counts around vector widths, chunks and
   * parallel splits: every output is {@link ElementwiseProgram#evaluate}'s, nothing past {@code
   * count} is written, and the inputs are unchanged.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedChains#cases")
  public void programsMatchTheirDefinition(String chain, DType t) {
    FusedElementwise fused = fused(t);
    Chain c = FusedChains.chain(chain);
    ElementwiseProgram p = c.program();
    for (int n : COUNTS) {
      double[][] in = FusedChains.inputs(p, 977L * n + p.stepCount(), n + SLACK, t);
      Buffer[] inputs = upload(t, in);
      for (double[] params : c.parameters()) {
        Buffer[] outputs = new Buffer[p.outputCount()];
        for (int j = 0; j < outputs.length; j++) {
          outputs[j] = buffers.filled(t, n + SLACK, SENTINEL);
        }
        fused.run(p, params.clone(), inputs, outputs, n);
        String what = "with parameters " + Arrays.toString(params) + " over " + n + " elements";
        check(what, t, p, outputs, FusedChains.expected(p, params, in, n, t, SENTINEL));
        for (int i = 0; i < inputs.length; i++) {
          Compare.assertExact(
              on() + p + " " + what + " changed input " + i, buffers.download(inputs[i]), in[i]);
        }
      }
      buffers.close();
    }
  }

  /**
   * Output {@code j} written over input {@code j} (an optimizer's parameter and moments updated in
   * place), the remaining outputs into fresh buffers; elements past {@code count} keep the input's
   * values.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.heed.testkit.FusedChains#cases")
  public void outputsOverTheirInputs(String chain, DType t) {
    FusedElementwise fused = fused(t);
    Chain c = FusedChains.chain(chain);
    ElementwiseProgram p = c.program();
    double[] params = c.parameters()[c.parameters().length - 1];
    for (int n : new int[] {1, 17, 257, 1025, 70_001}) {
      double[][] in = FusedChains.inputs(p, 31L * n + p.inputs(), n + SLACK, t);
      double[][] want = FusedChains.expected(p, params, in, n, t, SENTINEL);
      Buffer[] inputs = upload(t, in);
      Buffer[] outputs = new Buffer[p.outputCount()];
      for (int j = 0; j < outputs.length; j++) {
        if (j < inputs.length) {
          outputs[j] = inputs[j];
          System.arraycopy(in[j], n, want[j], n, SLACK);
        } else {
          outputs[j] = buffers.filled(t, n + SLACK, SENTINEL);
        }
      }
      fused.run(p, params.clone(), inputs, outputs, n);
      check("in place over " + n + " elements", t, p, outputs, want);
      buffers.close();
    }
  }

  /**
   * One program object run again and again with new parameter values (as an optimizer runs its
   * update every step) gives each call's own result, interleaved with a structurally equal copy and
   * with programs that differ from it only in a constant or in the order of their outputs.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.heed.testkit.BackendCases#floatTypes")
  public void parametersChangeFromCallToCall(DType t) {
    FusedElementwise fused = fused(t);
    int n = 1029;
    double[][] in = FusedChains.inputs(scaled(2.0, false), 5, n, t);
    Buffer[] inputs = upload(t, in);
    ElementwiseProgram program = scaled(2.0, false);
    ElementwiseProgram[] others = {
      scaled(2.0, false), scaled(3.0, false), scaled(2.0, true), program
    };
    double[][] values = {{0.5, 0.1}, {-2, 0.25}, {0, -0.1}, {1e-3, 1.5}, {0.5, 0.1}};
    for (int round = 0; round < values.length; round++) {
      for (ElementwiseProgram p :
          new ElementwiseProgram[] {program, others[round % others.length]}) {
        double[] params = values[round];
        Buffer[] outputs = {buffers.filled(t, n, SENTINEL), buffers.filled(t, n, SENTINEL)};
        fused.run(p, params.clone(), inputs, outputs, n);
        check(
            "call " + round + " with parameters " + Arrays.toString(params),
            t,
            p,
            outputs,
            FusedChains.expected(p, params, in, n, t, SENTINEL));
      }
    }
  }

  /**
   * Two inputs {@code x, y} and parameters {@code s, c}: outputs {@code s·x + k·y} and {@code
   * step(x; c)}, with the constant {@code k}, in that order or swapped.
   */
  private static ElementwiseProgram scaled(double k, boolean swapped) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(2);
    Scalar s = b.parameter();
    Scalar c = b.parameter();
    int lin = b.binary(BinaryOp.ADD, b.affine(0, s, Scalar.constant(0)), b.affine(1, k, 0));
    int st = b.unary(UnaryOp.STEP, c, Scalar.constant(0), 0);
    return swapped ? b.output(st).output(lin).build() : b.output(lin).output(st).build();
  }
}
