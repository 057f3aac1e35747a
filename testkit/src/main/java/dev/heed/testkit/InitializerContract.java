package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.Initializer;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link InitializerProvider} meets. Extend it in a JUnit 5 test of your plugin:
 *
 * <pre>{@code
 * class OrthogonalTest extends InitializerContract {
 *   protected InitializerProvider provider() { return new OrthogonalProvider(); }
 * }
 * }</pre>
 *
 * <p>It initializes a {@code [24, 16]} weight (fan in 16, fan out 24) filled with NaN beforehand
 * and checks that every element is overwritten with a finite number; that the same seed gives the
 * same values and, for a random initializer ({@link #random()}), another seed other values; that
 * FLOAT32 values match FLOAT64 ones rounded; that every available backend gives the reference
 * backend's values; registration and options.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
public abstract class InitializerContract {
  private static final int[] SHAPE = {24, 16};
  private static final Fan FAN = Fan.dense(16, 24);
  private static final long SEED = 0x1217L;

  /** For subclasses. */
  protected InitializerContract() {}

  /** The provider under test. */
  protected abstract InitializerProvider provider();

  /** Option values for {@link #provider()}, resolved against its schema. Default: none. */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /** Whether the values depend on the seed. Default true; false for constants. */
  protected boolean random() {
    return true;
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("initializer", provider(), options());
  }

  private String owner() {
    return ProviderChecks.owner("initializer", provider()) + " with " + options();
  }

  private double[] initialize(Backend backend, DType dtype, long seed) {
    try (Scope scope = Scope.open()) {
      Initializer init = provider().create(resolvedOptions());
      Tensor t = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(SHAPE), dtype);
      Elementwise.fill(t, Double.NaN);
      init.initialize(t, FAN, seed);
      return t.toDoubleArray();
    }
  }

  /** Every element is overwritten with a finite number. */
  @Test
  public void everyElementIsInitializedFinite() {
    double[] v = initialize(TestBackends.reference(), DType.FLOAT32, SEED);
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new AssertionError(
            owner()
                + ": element "
                + i
                + " of a "
                + Arrays.toString(SHAPE)
                + " weight is "
                + v[i]
                + " after initialize (it was NaN before; every element must be written)");
      }
    }
  }

  /** The same seed gives the same values; for a random initializer, another seed other values. */
  @Test
  public void deterministicPerSeed() {
    Backend ref = TestBackends.reference();
    double[] a = initialize(ref, DType.FLOAT32, SEED);
    assertArrayEquals(
        a, initialize(ref, DType.FLOAT32, SEED), owner() + ": seed " + SEED + " twice");
    if (random()) {
      assertFalse(
          Arrays.equals(a, initialize(ref, DType.FLOAT32, SEED + 1)),
          owner()
              + ": seeds "
              + SEED
              + " and "
              + (SEED + 1)
              + " give the same values; draw from the seed given to initialize (or override"
              + " random() for a constant)");
    }
  }

  /** FLOAT32 values are the FLOAT64 values rounded, within 1e-6 relative. */
  @Test
  public void float32AgreesWithFloat64() {
    Backend ref = TestBackends.reference();
    Compare.assertClose(
        owner() + ": float32 vs float64 with the same seed",
        initialize(ref, DType.FLOAT32, SEED),
        initialize(ref, DType.FLOAT64, SEED),
        1e-6);
  }

  /** On every available backend, the values are the reference backend's. */
  @TestFactory
  public Stream<DynamicTest> everyBackendAgreesWithReference() {
    return TestBackends.availableNames().stream()
        .map(name ->
            DynamicTest.dynamicTest(
                "backend " + name,
                () ->
                    Compare.assertClose(
                        owner() + " on backend '" + name + "' vs reference",
                        initialize(TestBackends.open(name), DType.FLOAT32, SEED),
                        initialize(TestBackends.reference(), DType.FLOAT32, SEED),
                        1e-6)));
  }

  /** {@code Plugins.shared().initializers()} finds the provider by its name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().initializers(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("initializer", provider(), options());
  }
}
