package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
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
 * The contract every {@link LayerProvider} meets. Extend it in a JUnit 5 test of your plugin:
 *
 * <pre>{@code
 * class LayerNormTest extends LayerContract {
 *   protected LayerProvider provider() { return new LayerNormProvider(); }
 *   protected Map<String, Object> options() { return Map.of("eps", 1e-5); }
 * }
 * }</pre>
 *
 * <p>It checks, on the reference backend: the output shape ({@code [..., inputFeatures]} in, {@code
 * [..., outputFeatures(options, inputFeatures)]} out, the leading dimensions kept); gradients with
 * respect to the input and every parameter against central differences in FLOAT64; that two layers
 * built with the same seed have the same parameters and give the same output, in training (dropout
 * included, with the same forward seeds) and in inference; that the parameter names (the keys of a
 * state_dict) are well formed and the same for every instance, backend and element type; float32
 * against float64; and on every available backend, float32 forward and backward against the
 * reference. It also checks that the registry finds the provider by name and that its options
 * schema is well formed. A layer that reads token ids (an embedding) overrides {@link #input}.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
public abstract class LayerContract {
  /** Seed of every layer the contract builds, so instances get the same parameters. */
  protected static final long SEED = 0x5EED_1A7EL;

  private static final String NAME = "[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*";

  private static final double[] SAMPLES = {
    -1.3, 0.7, 0.2, -0.45, 1.1, -0.8, 0.35, -0.05, 0.9, -1.6, 0.55, -0.25, 1.4, -0.65, 0.15, 0.05,
    -0.95, 1.25, -0.35
  };

  /** For subclasses. */
  protected LayerContract() {}

  /** The provider under test. */
  protected abstract LayerProvider provider();

  /** Option values for {@link #provider()}, resolved against its schema. Default: none. */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /** The extent of the input's last dimension. Default 6. */
  protected int inputFeatures() {
    return 6;
  }

  /**
   * The input shape; its last extent is {@link #inputFeatures()}. Default {@code [3,
   * inputFeatures]}; a sequence layer gives {@code [B, T, inputFeatures]}.
   */
  protected int[] inputShape() {
    return new int[] {3, inputFeatures()};
  }

  /**
   * An input of {@link #inputShape()} on {@code backend} as {@code dtype}. Default: values spread
   * over {@code [-1.6, 1.4]} of both signs. A layer that reads token ids returns an INT32 tensor
   * and {@link #differentiableInput()} false.
   */
  protected Tensor input(Backend backend, DType dtype) {
    return Tensors.of(
        backend, dtype, Samples.tile(SAMPLES, Samples.size(inputShape())), inputShape());
  }

  /** Whether the input is a leaf of the gradient check. Default true. */
  protected boolean differentiableInput() {
    return true;
  }

  /** Tolerance of the gradient check. Default {@link GradientChecker.Tolerance#defaults()}. */
  protected GradientChecker.Tolerance gradientTolerance() {
    return GradientChecker.Tolerance.defaults();
  }

  /**
   * Relative and absolute tolerance of float32 results against float64 and of other backends
   * against the reference: {@code |x - ref| <= tol·(1 + |ref|)}. Default {@code 1e-4}.
   */
  protected double tolerance() {
    return 1e-4;
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("layer", provider(), options());
  }

  /**
   * A new layer on {@code backend} with parameters of type {@code dtype}, seeded by {@code seed}.
   */
  protected Layer create(Backend backend, DType dtype, long seed) {
    return provider()
        .create(resolvedOptions(), inputFeatures(), BuildContext.of(backend, dtype, seed));
  }

  private String owner() {
    return ProviderChecks.owner("layer", provider()) + " with " + options();
  }

  private Tensor forward(Layer layer, Tensor x) {
    return layer.forward(x, ForwardContext.inference());
  }

  // ------------------------------------------------------------------ tests

  /**
   * The output keeps the input's leading dimensions, type and backend, and its last extent is
   * {@code outputFeatures(options, inputFeatures)}.
   */
  @Test
  public void outputShapeIsAsDeclared() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Layer layer = create(ref, DType.FLOAT32, SEED);
      Tensor x = input(ref, DType.FLOAT32);
      Tensor y = forward(layer, x);
      int[] in = inputShape();
      int[] out = y.shape().dims();
      int declared = provider().outputFeatures(resolvedOptions(), inputFeatures());
      assertEquals(
          in.length, out.length, owner() + ": output " + y.shape() + " for input " + x.shape());
      for (int i = 0; i < in.length - 1; i++) {
        assertEquals(
            in[i],
            out[i],
            owner() + ": output " + y.shape() + " must keep the input's leading dimensions");
      }
      assertEquals(
          declared,
          out[out.length - 1],
          owner()
              + ": output "
              + y.shape()
              + " but outputFeatures(options, "
              + inputFeatures()
              + ") says "
              + declared);
      assertEquals(DType.FLOAT32, y.dtype(), owner() + ": output type");
      assertSame(ref, y.backend(), owner() + ": output backend");
    }
  }

  /** Gradients with respect to the input and every parameter match central differences. */
  @Test
  public void gradientsMatchCentralDifferences() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Layer layer = create(ref, DType.FLOAT64, SEED);
      Tensor x = input(ref, DType.FLOAT64);
      Map<String, Tensor> leaves = new LinkedHashMap<>();
      if (differentiableInput()) {
        leaves.put("input", x);
      }
      leaves.putAll(Modules.leaves(layer));
      assertTrue(!leaves.isEmpty(), owner() + ": nothing to check (no input, no parameters)");
      GradientChecker.Report report =
          GradientChecker.checkLeaves(() -> forward(layer, x), leaves, gradientTolerance());
      if (!report.passed()) {
        throw new AssertionError(owner() + ": " + report.summary());
      }
    }
  }

  /**
   * Two layers built with the same seed have the same parameters and give the same output, in
   * inference and in training with the same forward seeds.
   */
  @Test
  public void deterministicPerSeed() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Layer a = create(ref, DType.FLOAT32, SEED);
      Layer b = create(ref, DType.FLOAT32, SEED);
      Map<String, Parameter> pa = a.namedParameters();
      Map<String, Parameter> pb = b.namedParameters();
      assertEquals(pa.keySet(), pb.keySet(), owner() + ": parameter names of two instances");
      for (String name : pa.keySet()) {
        assertArrayEquals(
            pa.get(name).value().toDoubleArray(),
            pb.get(name).value().toDoubleArray(),
            owner()
                + ": parameter '"
                + name
                + "' differs between two layers built with seed "
                + SEED);
      }
      Tensor x = input(ref, DType.FLOAT32);
      assertArrayEquals(
          forward(a, x).toDoubleArray(),
          forward(b, x).toDoubleArray(),
          owner() + ": two layers built with the same seed give different outputs in inference");
      assertArrayEquals(
          a.forward(x, ForwardContext.training(new Seeds(7))).toDoubleArray(),
          b.forward(x, ForwardContext.training(new Seeds(7))).toDoubleArray(),
          owner()
              + ": two layers built with the same seed give different outputs in training with the"
              + " same forward seeds");
    }
  }

  /**
   * Parameter names (the keys of the layer's state_dict) are dot-separated words, and the same, in
   * the same order, for every instance, backend and element type.
   */
  @Test
  public void stateDictNamesAreStable() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      List<String> names =
          new ArrayList<>(create(ref, DType.FLOAT32, SEED).namedParameters().keySet());
      for (String name : names) {
        assertTrue(
            name.matches(NAME),
            owner()
                + ": parameter name '"
                + name
                + "' must be words joined by dots, as PyTorch's state_dict keys (weight,"
                + " linear1.bias)");
      }
      assertEquals(
          names,
          new ArrayList<>(create(ref, DType.FLOAT64, SEED + 1).namedParameters().keySet()),
          owner() + ": parameter names in FLOAT64 with another seed");
      for (String backend : TestBackends.availableNames()) {
        assertEquals(
            names,
            new ArrayList<>(
                create(TestBackends.open(backend), DType.FLOAT32, SEED).namedParameters().keySet()),
            owner() + ": parameter names on backend '" + backend + "'");
      }
      for (Map.Entry<String, Parameter> e :
          create(ref, DType.FLOAT64, SEED).namedParameters().entrySet()) {
        assertEquals(
            DType.FLOAT64,
            e.getValue().value().dtype(),
            owner() + ": parameter '" + e.getKey() + "' of a FLOAT64 layer");
      }
    }
  }

  /** A float32 forward pass matches the float64 one with the same parameters. */
  @Test
  public void float32AgreesWithFloat64() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Layer l64 = create(ref, DType.FLOAT64, SEED);
      Layer l32 = create(ref, DType.FLOAT32, SEED);
      Modules.copyParameters(l64, l32);
      Tensor x64 = input(ref, DType.FLOAT64);
      Tensor x32 = input(ref, DType.FLOAT32);
      Tensor y64 = forward(l64, x64);
      Tensor y32 = forward(l32, x32);
      assertEquals(y64.shape(), y32.shape(), owner() + ": output shape in float32");
      Compare.assertClose(
          owner() + ": float32 forward vs float64",
          y32.toDoubleArray(),
          y64.toDoubleArray(),
          tolerance());
    }
  }

  /**
   * On every available backend, a float32 forward and backward pass (input and parameter gradients)
   * agrees with the reference backend within {@link #tolerance()}.
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
      Layer refLayer = create(ref, DType.FLOAT32, SEED);
      Layer layer = create(other, DType.FLOAT32, SEED);
      Modules.copyParameters(refLayer, layer);
      List<double[]> expected = forwardBackward(refLayer, ref);
      List<double[]> actual = forwardBackward(layer, other);
      List<String> labels = new ArrayList<>(List.of("output", "input gradient"));
      refLayer.namedParameters().keySet().forEach(p -> labels.add("gradient of '" + p + "'"));
      for (int i = 0; i < labels.size(); i++) {
        Compare.assertClose(
            owner() + " on backend '" + name + "' vs reference: " + labels.get(i),
            actual.get(i),
            expected.get(i),
            tolerance());
      }
    }
  }

  private List<double[]> forwardBackward(Layer layer, Backend backend) {
    Tensor x = input(backend, DType.FLOAT32);
    if (differentiableInput()) {
      x = x.requiresGrad(true);
    }
    Tensor y = forward(layer, x);
    List<double[]> out = new ArrayList<>();
    out.add(y.toDoubleArray());
    Modules.zeroGrad(layer);
    y.backward(
        Tensors.of(backend, DType.FLOAT32, GradientChecker.projection(y.size()), y.shape().dims()));
    out.add(x.grad() == null ? new double[0] : x.grad().toDoubleArray());
    out.addAll(Modules.gradients(layer));
    Modules.zeroGrad(layer);
    return out;
  }

  /** {@code Plugins.shared().layers()} finds the provider by its name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().layers(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("layer", provider(), options());
  }
}
