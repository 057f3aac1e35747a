package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link ActivationProvider} meets. Extend it in a JUnit 5 test of your plugin
 * and implement {@link #provider()}:
 *
 * <pre>{@code
 * class LeakyReluTest extends ActivationContract {
 *   protected ActivationProvider provider() { return new LeakyReluProvider(); }
 *   protected Map<String, Object> options() { return Map.of("negative_slope", 0.2); }
 * }
 * }</pre>
 *
 * <p>It checks, on the reference backend: gradients with respect to the input and every parameter
 * against central differences in FLOAT64; the output shape; float32 against float64; finite results
 * for inputs of ±1e4; and on every available backend, float32 forward and backward against the
 * reference. It also checks that the registry finds the provider by name and that its options
 * schema is well formed. Override the protected hooks to adapt the inputs; each hook is documented
 * with its default.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
public abstract class ActivationContract {
  /** Seed of every activation the contract builds, so instances get the same parameters. */
  protected static final long SEED = 0x5EED_AC71L;

  private static final double[] DEFAULT_SAMPLES = {
    -3.7, 2.9, -2.3, 1.7, -1.3, 0.9, -0.7, 0.55, -0.45, 0.3, -0.1, 0.02, 0.1, -0.3, 0.45, -0.55,
    0.7, -0.9, 1.3, -1.7, 3.3
  };

  private static final double[] LARGE = {-1e4, 1e4, -3e3, 3e3, -300, 300, -90, 90, -30, 30};

  /** For subclasses. */
  protected ActivationContract() {}

  /** The provider under test. */
  protected abstract ActivationProvider provider();

  /** Option values for {@link #provider()}, resolved against its schema. Default: none. */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /**
   * Input values, repeated cyclically to fill {@link #inputShape()}. Default: 21 values spread over
   * {@code [-4, 4]} of both signs, none within {@code 0.02} of 0, ±0.5, ±1, ±3 or ±6 (the kinks of
   * the common piecewise activations). Keep them away from your activation's kinks.
   */
  protected double[] sampleValues() {
    return DEFAULT_SAMPLES.clone();
  }

  /** The input shape. Default {@code [3, 7]}. */
  protected int[] inputShape() {
    return new int[] {3, 7};
  }

  /** Whether the output has the input's shape. Default true (false for GLU, which halves). */
  protected boolean preservesShape() {
    return true;
  }

  /**
   * Whether inputs of ±1e4 (and ±3e3, ±300, ±90, ±30) in float32 give outputs and gradients without
   * NaN. Default true. An activation built as {@code where(x > 0, x, expm1(x))} fails this (the
   * untaken branch overflows and {@code 0·∞} poisons the gradient): clamp the argument of the
   * untaken branch instead, as in {@code expm1(min(x, 0))}.
   */
  protected boolean finiteOnLargeInputs() {
    return true;
  }

  /** Tolerance of the gradient check. Default {@link GradientChecker.Tolerance#defaults()}. */
  protected GradientChecker.Tolerance gradientTolerance() {
    return GradientChecker.Tolerance.defaults();
  }

  /**
   * Relative and absolute tolerance of float32 results of another backend against the reference:
   * {@code |x - ref| <= tol·(1 + |ref|)}. Default {@code 1e-4}.
   */
  protected double backendTolerance() {
    return 1e-4;
  }

  /** The context of each forward pass (a new one per call). Default: inference. */
  protected ForwardContext forwardContext() {
    return ForwardContext.inference();
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("activation", provider(), options());
  }

  /** A new activation on {@code backend} with parameters of type {@code dtype}, seeded by SEED. */
  protected Activation create(Backend backend, DType dtype) {
    return provider().create(resolvedOptions(), BuildContext.of(backend, dtype, SEED));
  }

  private String owner() {
    return ProviderChecks.owner("activation", provider());
  }

  private double[] inputValues() {
    return Samples.tile(sampleValues(), Samples.size(inputShape()));
  }

  // ------------------------------------------------------------------ tests

  /** Gradients with respect to the input and every parameter match central differences. */
  @Test
  public void gradientsMatchCentralDifferences() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Activation act = create(ref, DType.FLOAT64);
      Tensor x = Tensors.of(ref, DType.FLOAT64, inputValues(), inputShape());
      Map<String, Tensor> leaves = new LinkedHashMap<>();
      leaves.put("input", x);
      leaves.putAll(Modules.leaves(act));
      GradientChecker.Report report =
          GradientChecker.checkLeaves(
              () -> act.forward(x, forwardContext()), leaves, gradientTolerance());
      if (!report.passed()) {
        throw new AssertionError(owner() + ": " + report.summary());
      }
    }
  }

  /** The output keeps the input's type and backend, and its shape unless documented otherwise. */
  @Test
  public void outputShapeEqualsInputShape() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Activation act = create(ref, DType.FLOAT32);
      Tensor x = Tensors.of(ref, DType.FLOAT32, inputValues(), inputShape());
      Tensor y = act.forward(x, forwardContext());
      assertEquals(DType.FLOAT32, y.dtype(), owner() + ": output type");
      assertSame(ref, y.backend(), owner() + ": output backend");
      if (preservesShape()) {
        assertEquals(x.shape(), y.shape(), owner() + ": output shape");
      }
    }
  }

  /** A float32 forward pass matches the float64 one within 1e-5 relative and absolute. */
  @Test
  public void float32AgreesWithFloat64() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Activation act64 = create(ref, DType.FLOAT64);
      Activation act32 = create(ref, DType.FLOAT32);
      Modules.copyParameters(act64, act32);
      double[] values = Samples.float32(inputValues());
      Tensor y64 =
          act64.forward(Tensors.of(ref, DType.FLOAT64, values, inputShape()), forwardContext());
      Tensor y32 =
          act32.forward(Tensors.of(ref, DType.FLOAT32, values, inputShape()), forwardContext());
      assertEquals(y64.shape(), y32.shape(), owner() + ": output shape in float32");
      Compare.assertClose(
          owner() + ": float32 forward vs float64", y32.toDoubleArray(), y64.toDoubleArray(), 1e-5);
    }
  }

  /**
   * On every available backend, a float32 forward and backward pass (input gradient and parameter
   * gradients) agrees with the reference backend within {@link #backendTolerance()}.
   */
  @TestFactory
  public Stream<DynamicTest> everyBackendAgreesWithReference() {
    return TestBackends.availableNames().stream()
        .map(name -> DynamicTest.dynamicTest("backend " + name, () -> agreesWithReference(name)));
  }

  private void agreesWithReference(String name) {
    Backend ref = TestBackends.reference();
    Backend other = TestBackends.open(name);
    try (Scope scope = Scope.open()) {
      Activation refAct = create(ref, DType.FLOAT32);
      Activation act = create(other, DType.FLOAT32);
      Modules.copyParameters(refAct, act);
      List<double[]> expected = forwardBackward(refAct, ref);
      List<double[]> actual = forwardBackward(act, other);
      List<String> labels = new ArrayList<>(List.of("output", "input gradient"));
      refAct.namedParameters().keySet().forEach(p -> labels.add("gradient of '" + p + "'"));
      for (int i = 0; i < labels.size(); i++) {
        Compare.assertClose(
            owner() + " on backend '" + name + "' vs reference: " + labels.get(i),
            actual.get(i),
            expected.get(i),
            backendTolerance());
      }
    }
  }

  private List<double[]> forwardBackward(Activation act, Backend backend) {
    Tensor x = Tensors.of(backend, DType.FLOAT32, inputValues(), inputShape()).requiresGrad(true);
    Tensor y = act.forward(x, forwardContext());
    List<double[]> out = new ArrayList<>();
    out.add(y.toDoubleArray());
    Modules.zeroGrad(act);
    y.backward(
        Tensors.of(backend, DType.FLOAT32, GradientChecker.projection(y.size()), y.shape().dims()));
    out.add(x.grad() == null ? new double[(int) x.size()] : x.grad().toDoubleArray());
    out.addAll(Modules.gradients(act));
    Modules.zeroGrad(act);
    return out;
  }

  /** Inputs of up to ±1e4 in float32 give no NaN in the output or the gradients. */
  @Test
  public void largeInputsGiveNoNaN() {
    assumeTrue(finiteOnLargeInputs(), "finiteOnLargeInputs() is false");
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Activation act = create(ref, DType.FLOAT32);
      double[] values = Samples.tile(LARGE, Samples.size(inputShape()));
      Tensor x = Tensors.of(ref, DType.FLOAT32, values, inputShape()).requiresGrad(true);
      Tensor y = act.forward(x, forwardContext());
      Compare.assertNoNaN(owner() + ": output for inputs up to ±1e4", y.toDoubleArray());
      y.backward(Tensors.ones(ref, y.shape(), DType.FLOAT32));
      Compare.assertNoNaN(
          owner()
              + ": input gradient for inputs up to ±1e4 (an overflowing untaken where-branch"
              + " gives 0·∞ = NaN; clamp its argument)",
          x.grad() == null ? new double[0] : x.grad().toDoubleArray());
      List<double[]> grads = Modules.gradients(act);
      List<String> names = new ArrayList<>(act.namedParameters().keySet());
      for (int i = 0; i < grads.size(); i++) {
        Compare.assertNoNaN(
            owner() + ": gradient of '" + names.get(i) + "' for inputs up to ±1e4", grads.get(i));
      }
      Modules.zeroGrad(act);
    }
  }

  /** {@code Plugins.shared().activations()} finds the provider by its name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().activations(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("activation", provider(), options());
  }
}
