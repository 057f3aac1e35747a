package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link LossProvider} meets. Extend it in a JUnit 5 test of your plugin:
 *
 * <pre>{@code
 * class HuberTest extends LossContract {
 *   protected LossProvider provider() { return new HuberProvider(); }
 *   protected Map<String, Object> options() { return Map.of("delta", 0.5); }
 * }
 * }</pre>
 *
 * <p>It checks that the loss is a finite rank-0 tensor of the prediction's type and backend; its
 * gradient with respect to the predictions against central differences in FLOAT64; float32 against
 * float64; finite values and gradients for predictions of ±1e4 (in float32); that a target of batch
 * 1 for predictions of a larger batch is refused with an {@link IllegalArgumentException}, not
 * broadcast; every available backend against the reference; registration and options. The default
 * target is a distribution over the last axis (class probabilities), which every loss of
 * predictions against targets of the same shape accepts; override {@link #target} for other
 * targets.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
public abstract class LossContract {
  private static final double[] LARGE = {-1e4, 1e4, -3e3, 3e3, -300, 300, -90, 90, -30, 30, 7, -7};

  /** For subclasses. */
  protected LossContract() {}

  /** The provider under test. */
  protected abstract LossProvider provider();

  /** Option values for {@link #provider()}, resolved against its schema. Default: none. */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /** The prediction shape {@code [batch, ...]}. Default {@code [4, 3]}. */
  protected int[] predictionShape() {
    return new int[] {4, 3};
  }

  /**
   * The target for predictions of {@code shape}: by default rows of class probabilities (a softmax
   * of fixed normal numbers over the last axis), of the prediction's shape.
   */
  protected Tensor target(Backend backend, DType dtype, int[] shape) {
    Tensor logits =
        Tensors.of(backend, dtype, Samples.normal(0x7A26E7L, Samples.size(shape)), shape);
    return NeuralOps.softmax(logits, -1);
  }

  /** Whether predictions of ±1e4 give finite losses and gradients. Default true. */
  protected boolean finiteOnLargeInputs() {
    return true;
  }

  /** Tolerance of the gradient check. Default {@link GradientChecker.Tolerance#defaults()}. */
  protected GradientChecker.Tolerance gradientTolerance() {
    return GradientChecker.Tolerance.defaults();
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("loss", provider(), options());
  }

  private String owner() {
    return ProviderChecks.owner("loss", provider()) + " with " + options();
  }

  private Tensor prediction(Backend backend, DType dtype, int[] shape) {
    return Tensors.of(backend, dtype, Samples.normal(0x9E7L, Samples.size(shape)), shape);
  }

  /** A finite rank-0 tensor of the prediction's type on its backend. */
  @Test
  public void lossIsAFiniteScalar() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Loss loss = provider().create(resolvedOptions());
      int[] shape = predictionShape();
      Tensor l =
          loss.compute(prediction(ref, DType.FLOAT32, shape), target(ref, DType.FLOAT32, shape));
      assertEquals(0, l.rank(), owner() + ": the loss must be rank 0, got " + l.shape());
      assertEquals(DType.FLOAT32, l.dtype(), owner() + ": loss type");
      assertTrue(Double.isFinite(l.item()), owner() + ": the loss is " + l.item());
    }
  }

  /** The gradient with respect to the predictions matches central differences (FLOAT64). */
  @Test
  public void gradientsMatchCentralDifferences() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Loss loss = provider().create(resolvedOptions());
      int[] shape = predictionShape();
      Tensor p = prediction(ref, DType.FLOAT64, shape);
      Tensor t = target(ref, DType.FLOAT64, shape);
      GradientChecker.Report report =
          GradientChecker.checkLeaves(
              () -> loss.compute(p, t), Map.of("prediction", p), gradientTolerance());
      if (!report.passed()) {
        throw new AssertionError(owner() + ": " + report.summary());
      }
    }
  }

  /** A float32 loss matches the float64 one within 1e-5 relative. */
  @Test
  public void float32AgreesWithFloat64() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Loss loss = provider().create(resolvedOptions());
      int[] shape = predictionShape();
      double l64 =
          loss.compute(prediction(ref, DType.FLOAT64, shape), target(ref, DType.FLOAT64, shape))
              .item();
      double l32 =
          loss.compute(prediction(ref, DType.FLOAT32, shape), target(ref, DType.FLOAT32, shape))
              .item();
      Compare.assertClose(
          owner() + ": float32 loss vs float64", new double[] {l32}, new double[] {l64}, 1e-5);
    }
  }

  /** Predictions of up to ±1e4 in float32 give a finite loss and gradient. */
  @Test
  public void largeInputsGiveFiniteLossAndGradient() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        finiteOnLargeInputs(), "finiteOnLargeInputs() is false");
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Loss loss = provider().create(resolvedOptions());
      int[] shape = predictionShape();
      Tensor p =
          Tensors.of(ref, DType.FLOAT32, Samples.tile(LARGE, Samples.size(shape)), shape)
              .requiresGrad(true);
      Tensor l = loss.compute(p, target(ref, DType.FLOAT32, shape));
      assertTrue(
          Double.isFinite(l.item()),
          owner()
              + ": the loss of predictions up to ±1e4 is "
              + l.item()
              + " (compute through log-softmax or clamp, never log of an exp)");
      l.backward();
      Compare.assertNoNaN(
          owner() + ": gradient for predictions up to ±1e4", p.grad().toDoubleArray());
    }
  }

  /** A target of batch 1 for a larger batch is refused with an IllegalArgumentException. */
  @Test
  public void mismatchedBatchesAreRefused() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Loss loss = provider().create(resolvedOptions());
      int[] shape = predictionShape();
      int[] other = shape.clone();
      other[0] = 1; // a target that broadcasts silently over the batch is the bug to catch
      Tensor p = prediction(ref, DType.FLOAT32, shape);
      Tensor t = target(ref, DType.FLOAT32, other);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> loss.compute(p, t),
              owner()
                  + ": predictions "
                  + p.shape()
                  + " against targets "
                  + t.shape()
                  + " must be refused, not broadcast");
      assertTrue(
          e.getMessage() != null && !e.getMessage().isBlank(),
          owner() + ": the refusal has no message");
    }
  }

  /** On every available backend, a float32 loss and its gradient agree with the reference. */
  @TestFactory
  public Stream<DynamicTest> everyBackendAgreesWithReference() {
    return TestBackends.availableNames().stream()
        .map(name -> DynamicTest.dynamicTest("backend " + name, () -> agreesWithReference(name)));
  }

  private void agreesWithReference(String name) {
    try (Scope scope = Scope.open()) {
      List<double[]> expected = lossAndGradient(TestBackends.reference());
      List<double[]> actual = lossAndGradient(TestBackends.open(name));
      Compare.assertClose(
          owner() + " on backend '" + name + "': loss", actual.get(0), expected.get(0), 1e-5);
      Compare.assertClose(
          owner() + " on backend '" + name + "': gradient", actual.get(1), expected.get(1), 1e-5);
    }
  }

  private List<double[]> lossAndGradient(Backend backend) {
    Loss loss = provider().create(resolvedOptions());
    int[] shape = predictionShape();
    Tensor p = prediction(backend, DType.FLOAT32, shape).requiresGrad(true);
    Tensor l = loss.compute(p, target(backend, DType.FLOAT32, shape));
    l.backward();
    return List.of(new double[] {l.item()}, p.grad().toDoubleArray());
  }

  /** {@code Plugins.shared().losses()} finds the provider by its name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().losses(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("loss", provider(), options());
  }
}
