package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link OptimizerProvider} meets. Extend it in a JUnit 5 test of your plugin:
 *
 * <pre>{@code
 * class SgdTest extends OptimizerContract {
 *   protected OptimizerProvider provider() { return new SgdProvider(); }
 *   protected Map<String, Object> options() { return Map.of("lr", 0.05, "momentum", 0.9); }
 * }
 * }</pre>
 *
 * <p>Parameters are FLOAT32 on the reference backend, and on every other available backend for
 * {@link #everyBackendAgreesWithReference()}. The contract checks convergence on an ill-conditioned
 * convex quadratic and on the Rosenbrock function; that a state saved with {@link
 * Optimizer#state()} and restored with {@link Optimizer#loadState} continues bit for bit; that
 * parameters without a gradient are untouched; that {@code zeroGrad} clears gradients; learning
 * rates per group; that a group's overrides of other options (weight decay, say) apply to that
 * group only; registry lookup and the options schema. Tune {@link #options()} and the step budgets
 * so that your optimizer's defaults-plus-options converge.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
public abstract class OptimizerContract {
  private static final int[] SHAPE_A = {3, 4};
  private static final int[] SHAPE_B = {5};
  private static final int DIMENSIONS = 17;

  /** For subclasses. */
  protected OptimizerContract() {}

  /** The provider under test. */
  protected abstract OptimizerProvider provider();

  /** Option values for {@link #provider()}, for example {@code lr}. Default: none. */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /** Steps allowed on the quadratic. Default 500. */
  protected int quadraticSteps() {
    return 500;
  }

  /** Largest allowed {@code |x - c|∞} after {@link #quadraticSteps()}. Default 1e-3. */
  protected double quadraticTolerance() {
    return 1e-3;
  }

  /** Steps allowed on Rosenbrock. Default 5000. */
  protected int rosenbrockSteps() {
    return 5000;
  }

  /** Largest allowed distance {@code |(x, y) - (1, 1)|∞} after the steps. Default 1e-2. */
  protected double rosenbrockTolerance() {
    return 1e-2;
  }

  /** Whether to run the Rosenbrock test. Default true. */
  protected boolean testRosenbrock() {
    return true;
  }

  /** The Rosenbrock starting point. Default {@code (-1.5, 2)}, left of the curved valley. */
  protected double[] rosenbrockStart() {
    return new double[] {-1.5, 2.0};
  }

  /**
   * Option values for the Rosenbrock test, whose curvature (up to ~2000 at the start) often needs a
   * smaller learning rate than the quadratic. Default {@link #options()}.
   */
  protected Map<String, Object> rosenbrockOptions() {
    return options();
  }

  /**
   * Option values that one parameter group overrides in {@link
   * #groupOverridesApplyToTheirGroupOnly()}: options other than the learning rate, chosen so that
   * they change the update. Default: {@code weight_decay} (0.05, or 0 when {@link #options()} make
   * it other than 0) when the schema declares it, else none, and the test is skipped.
   */
  protected Map<String, Object> groupOverrides() {
    for (OptionSpec o : provider().options().options()) {
      if (o.name().equals("weight_decay") && o.defaultValue() instanceof Number) {
        return Map.of(
            "weight_decay", resolvedOptions().getDouble("weight_decay") == 0 ? 0.05 : 0.0);
      }
    }
    return Map.of();
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("optimizer", provider(), options());
  }

  /** A new optimizer over {@code groups} with {@link #resolvedOptions()}. */
  protected Optimizer create(List<ParameterGroup> groups) {
    return provider().create(resolvedOptions(), groups);
  }

  private String owner() {
    return ProviderChecks.owner("optimizer", provider()) + " with " + options();
  }

  private static Parameter parameter(double[] values, int... shape) {
    return parameter(TestBackends.reference(), values, shape);
  }

  private static Parameter parameter(Backend ref, double[] values, int... shape) {
    return new Parameter(Scope.outside(() -> Tensors.of(ref, DType.FLOAT32, values, shape)));
  }

  private static double[] values(Parameter p) {
    return p.value().toDoubleArray();
  }

  private static void run(Optimizer optimizer, Supplier<Tensor> loss, int steps) {
    for (int i = 0; i < steps; i++) {
      try (Scope step = Scope.open()) {
        optimizer.zeroGrad();
        loss.get().backward();
        optimizer.step();
      }
    }
  }

  // ------------------------------------------------------------------ the quadratic

  /**
   * {@code f(x) = Σ a_i (x_i - c_i)²} over two parameters ({@code [3, 4]} and {@code [5]}, 17
   * coordinates), with {@code a} log-spaced on {@code [1, 10]} (condition number 10) and centres
   * {@code c} spread over {@code [-1.5, 1.5]}; every coordinate starts at 0.
   */
  private static final class Quadratic {
    final Parameter a;
    final Parameter b;
    final Tensor coefA;
    final Tensor coefB;
    final Tensor centreA;
    final Tensor centreB;

    Quadratic(double[] startA, double[] startB) {
      this(TestBackends.reference(), startA, startB);
    }

    Quadratic(Backend ref, double[] startA, double[] startB) {
      a = parameter(ref, startA, SHAPE_A);
      b = parameter(ref, startB, SHAPE_B);
      double[] coef = new double[DIMENSIONS];
      double[] centre = new double[DIMENSIONS];
      for (int j = 0; j < DIMENSIONS; j++) {
        coef[j] = Math.pow(10, j / (double) (DIMENSIONS - 1));
        double golden = (j + 1) * 0.6180339887498949;
        centre[j] = -1.5 + 3 * (golden - Math.floor(golden));
      }
      int na = Samples.size(SHAPE_A);
      coefA = tensor(ref, java.util.Arrays.copyOfRange(coef, 0, na), SHAPE_A);
      coefB = tensor(ref, java.util.Arrays.copyOfRange(coef, na, DIMENSIONS), SHAPE_B);
      centreA = tensor(ref, java.util.Arrays.copyOfRange(centre, 0, na), SHAPE_A);
      centreB = tensor(ref, java.util.Arrays.copyOfRange(centre, na, DIMENSIONS), SHAPE_B);
    }

    Quadratic() {
      this(new double[Samples.size(SHAPE_A)], new double[Samples.size(SHAPE_B)]);
    }

    private static Tensor tensor(Backend ref, double[] values, int... shape) {
      return Scope.outside(() -> Tensors.of(ref, DType.FLOAT32, values, shape));
    }

    Tensor loss() {
      Tensor la = Reductions.sum(coefA.mul(a.value().sub(centreA).square()));
      Tensor lb = Reductions.sum(coefB.mul(b.value().sub(centreB).square()));
      return la.add(lb);
    }

    Map<String, Parameter> parameters() {
      Map<String, Parameter> m = new LinkedHashMap<>();
      m.put("a", a);
      m.put("b", b);
      return m;
    }

    double distance() {
      double worst = 0;
      double[][] pairs = {values(a), centreA.toDoubleArray(), values(b), centreB.toDoubleArray()};
      for (int k = 0; k < 4; k += 2) {
        for (int i = 0; i < pairs[k].length; i++) {
          double d = Math.abs(pairs[k][i] - pairs[k + 1][i]);
          worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
      }
      return worst;
    }
  }

  // ------------------------------------------------------------------ tests

  /**
   * From 0, within {@link #quadraticSteps()} steps, reaches {@code |x - c|∞ <} {@link
   * #quadraticTolerance()} on the ill-conditioned quadratic.
   */
  @Test
  public void convergesOnIllConditionedQuadratic() {
    Quadratic q = new Quadratic();
    Optimizer optimizer = create(List.of(ParameterGroup.of(q.parameters())));
    run(optimizer, q::loss, quadraticSteps());
    double distance = q.distance();
    assertTrue(
        distance < quadraticTolerance(),
        owner()
            + ": after "
            + quadraticSteps()
            + " steps on Σ a_i (x_i - c_i)² (a in [1, 10]) the largest |x - c| is "
            + distance
            + ", needs < "
            + quadraticTolerance()
            + "; tune options(), quadraticSteps() or quadraticTolerance()");
  }

  /**
   * From {@link #rosenbrockStart()}, within {@link #rosenbrockSteps()} steps, reaches {@code (1,
   * 1)} within {@link #rosenbrockTolerance()} on {@code f(x, y) = (1 - x)² + 100 (y - x²)²}.
   */
  @Test
  public void convergesOnRosenbrock() {
    assumeTrue(testRosenbrock(), "testRosenbrock() is false");
    Parameter p = parameter(rosenbrockStart(), 2);
    Optimizer optimizer =
        provider()
            .create(
                ProviderChecks.resolve("optimizer", provider(), rosenbrockOptions()),
                List.of(ParameterGroup.of(Map.of("xy", p))));
    Supplier<Tensor> loss =
        () -> {
          Tensor x = Shapes.slice(p.value(), 0, 0, 1);
          Tensor y = Shapes.slice(p.value(), 0, 1, 2);
          Tensor valley = y.sub(x.square()).square().mul(100);
          return Reductions.sum(x.neg().add(1).square().add(valley));
        };
    run(optimizer, loss, rosenbrockSteps());
    double[] xy = values(p);
    double distance = Math.max(Math.abs(xy[0] - 1), Math.abs(xy[1] - 1));
    assertTrue(
        distance < rosenbrockTolerance(),
        ProviderChecks.owner("optimizer", provider())
            + " with "
            + rosenbrockOptions()
            + ": after "
            + rosenbrockSteps()
            + " steps on Rosenbrock from "
            + java.util.Arrays.toString(rosenbrockStart())
            + " it stands at "
            + java.util.Arrays.toString(xy)
            + ", needs to be within "
            + rosenbrockTolerance()
            + " of (1, 1); tune rosenbrockOptions(), rosenbrockSteps() or"
            + " rosenbrockTolerance(), or override testRosenbrock()");
  }

  /**
   * After 7 steps the state is saved; 5 more steps are recorded. A new optimizer over parameters
   * restored to the values at step 7, loaded with the saved state, repeats those 5 steps bit for
   * bit.
   */
  @Test
  public void stateRoundTripContinuesIdentically() {
    Quadratic first = new Quadratic();
    Optimizer original = create(List.of(ParameterGroup.of(first.parameters())));
    run(original, first::loss, 7);
    Map<String, Tensor> saved = new LinkedHashMap<>();
    try (GradMode off = GradMode.disable()) {
      original.state().forEach((name, t) -> saved.put(name, Scope.outside(() -> Shapes.copy(t))));
    }
    Quadratic second = new Quadratic(values(first.a), values(first.b));
    List<double[][]> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      run(original, first::loss, 1);
      expected.add(new double[][] {values(first.a), values(first.b)});
    }
    Optimizer resumed = create(List.of(ParameterGroup.of(second.parameters())));
    resumed.loadState(saved);
    assertEquals(
        saved.keySet(),
        resumed.state().keySet(),
        owner() + ": state names after loadState differ from the saved ones");
    for (int i = 0; i < 5; i++) {
      run(resumed, second::loss, 1);
      Compare.assertExact(
          owner() + ": parameter 'a' at step " + (i + 1) + " after loadState",
          values(second.a),
          expected.get(i)[0]);
      Compare.assertExact(
          owner() + ": parameter 'b' at step " + (i + 1) + " after loadState",
          values(second.b),
          expected.get(i)[1]);
    }
  }

  /** A parameter that received no gradient keeps its exact values through several steps. */
  @Test
  public void parametersWithoutGradientAreUntouched() {
    Parameter used = parameter(new double[] {0.5, -1.0, 2.0}, 3);
    Parameter unused = parameter(new double[] {0.25, -0.75, 1.5, 3.0}, 4);
    double[] before = values(unused);
    double[] usedBefore = values(used);
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("used", used);
    params.put("unused", unused);
    Optimizer optimizer = create(List.of(ParameterGroup.of(params)));
    for (int i = 0; i < 3; i++) {
      try (Scope step = Scope.open()) {
        optimizer.zeroGrad();
        Reductions.sum(used.value().add(-1.0).square()).backward();
        assertNull(unused.grad(), "the unused parameter got a gradient");
        optimizer.step();
      }
    }
    Compare.assertExact(
        owner() + ": a parameter without a gradient changed", values(unused), before);
    assertFalse(
        java.util.Arrays.equals(values(used), usedBefore),
        owner() + ": step() did not change a parameter that has a gradient");
  }

  /** {@code zeroGrad()} leaves every parameter without a gradient (or with a zero one). */
  @Test
  public void zeroGradClearsGradients() {
    Quadratic q = new Quadratic();
    Optimizer optimizer = create(List.of(ParameterGroup.of(q.parameters())));
    try (Scope scope = Scope.open()) {
      q.loss().backward();
      assertNotNull(q.a.grad());
      assertNotNull(q.b.grad());
      optimizer.zeroGrad();
      for (var e : q.parameters().entrySet()) {
        Tensor g = e.getValue().grad();
        if (g != null) {
          Compare.assertExact(
              owner() + ": gradient of '" + e.getKey() + "' after zeroGrad()",
              g.toDoubleArray(),
              new double[(int) g.size()]);
        }
      }
    }
  }

  /**
   * {@code learningRate(g)} reports the {@code lr} option (and a group's override of it), and
   * {@code setLearningRate} changes one group only.
   */
  @Test
  public void learningRateCanBeReadAndSet() {
    Parameter p0 = parameter(new double[] {1, 2}, 2);
    Parameter p1 = parameter(new double[] {3, 4}, 2);
    boolean hasLr = provider().options().find("lr") != null;
    double lr = hasLr ? resolvedOptions().getDouble("lr") : Double.NaN;
    ParameterGroup g0 = ParameterGroup.of(Map.of("p0", p0));
    ParameterGroup g1 =
        hasLr
            ? new ParameterGroup(Map.of("p1", p1), Map.of("lr", lr / 2))
            : ParameterGroup.of(Map.of("p1", p1));
    Optimizer optimizer = create(List.of(g0, g1));
    assertEquals(2, optimizer.groups().size(), owner() + ": groups()");
    if (hasLr) {
      assertEquals(lr, optimizer.learningRate(0), owner() + ": learningRate(0) vs option lr");
      assertEquals(
          lr / 2, optimizer.learningRate(1), owner() + ": learningRate(1) vs the group override");
    }
    double other = optimizer.learningRate(1);
    optimizer.setLearningRate(0, 0.0123);
    assertEquals(0.0123, optimizer.learningRate(0), owner() + ": learningRate after set");
    assertEquals(other, optimizer.learningRate(1), owner() + ": setting group 0 changed group 1");
    optimizer.setLearningRate(1, 0.0456);
    assertEquals(0.0456, optimizer.learningRate(1), owner() + ": learningRate(1) after set");
    assertEquals(0.0123, optimizer.learningRate(0), owner() + ": setting group 1 changed group 0");
  }

  /**
   * On every available backend, 20 steps on the quadratic (float32) end where they end on the
   * reference backend, within {@link #backendTolerance()}.
   */
  @TestFactory
  public Stream<DynamicTest> everyBackendAgreesWithReference() {
    return TestBackends.availableNames().stream()
        .map(name -> DynamicTest.dynamicTest("backend " + name, () -> agreesWithReference(name)));
  }

  /**
   * Relative and absolute tolerance of parameters updated on another backend against the reference:
   * {@code |x - ref| <= tol·(1 + |ref|)}. Default {@code 1e-4}.
   */
  protected double backendTolerance() {
    return 1e-4;
  }

  private void agreesWithReference(String name) {
    int steps = 20;
    double[] startA = new double[Samples.size(SHAPE_A)];
    double[] startB = new double[Samples.size(SHAPE_B)];
    Quadratic reference = new Quadratic(TestBackends.reference(), startA, startB);
    run(create(List.of(ParameterGroup.of(reference.parameters()))), reference::loss, steps);
    Quadratic other = new Quadratic(TestBackends.open(name), startA, startB);
    run(create(List.of(ParameterGroup.of(other.parameters()))), other::loss, steps);
    String where = owner() + " on backend '" + name + "' vs reference after " + steps + " steps: ";
    Compare.assertClose(
        where + "parameter a", values(other.a), values(reference.a), backendTolerance());
    Compare.assertClose(
        where + "parameter b", values(other.b), values(reference.b), backendTolerance());
  }

  /**
   * A parameter group's overrides of options other than the learning rate ({@link
   * #groupOverrides()}) apply to that group only: with the quadratic's {@code a} in a group of its
   * own and {@code b} in a group with the overrides, after 20 steps {@code a} is where an optimizer
   * with {@link #options()} takes it and {@code b} where an optimizer with the overrides as its own
   * options takes it, and the overrides change where {@code b} ends.
   */
  @Test
  public void groupOverridesApplyToTheirGroupOnly() {
    Map<String, Object> overrides = groupOverrides();
    assumeTrue(!overrides.isEmpty(), "groupOverrides() is empty");
    int steps = 20;
    Quadratic grouped = new Quadratic();
    Optimizer optimizer =
        create(
            List.of(
                ParameterGroup.of(Map.of("a", grouped.a)),
                new ParameterGroup(Map.of("b", grouped.b), overrides)));
    run(optimizer, grouped::loss, steps);

    Quadratic plain = new Quadratic();
    run(create(List.of(ParameterGroup.of(plain.parameters()))), plain::loss, steps);
    Map<String, Object> merged = new LinkedHashMap<>(options());
    merged.putAll(overrides);
    Quadratic overridden = new Quadratic();
    run(
        provider()
            .create(
                ProviderChecks.resolve("optimizer", provider(), merged),
                List.of(ParameterGroup.of(overridden.parameters()))),
        overridden::loss,
        steps);

    Compare.assertClose(
        owner() + ": the group without overrides (parameter a) after " + steps + " steps",
        values(grouped.a),
        values(plain.a),
        1e-6);
    Compare.assertClose(
        owner()
            + ": the group with overrides "
            + overrides
            + " (parameter b) after "
            + steps
            + " steps vs an optimizer with those options; the update must read each group's"
            + " options, not the optimizer's",
        values(grouped.b),
        values(overridden.b),
        1e-6);
    assertFalse(
        java.util.Arrays.equals(values(plain.b), values(overridden.b)),
        owner()
            + ": the overrides "
            + overrides
            + " do not change the update; choose groupOverrides() that do");
  }

  /** {@code Plugins.shared().optimizers()} finds the provider by its name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().optimizers(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("optimizer", provider(), options());
  }
}
