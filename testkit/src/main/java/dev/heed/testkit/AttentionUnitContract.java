package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link AttentionUnitProvider} meets. Extend it in a JUnit 5 test of your
 * plugin and describe the shapes your unit takes:
 *
 * <pre>{@code
 * class AdditiveAttentionTest extends AttentionUnitContract {
 *   protected AttentionUnitProvider provider() { return new AdditiveAttentionProvider(); }
 *   protected AttentionSpec spec() { return new AttentionSpec(4, 5, 3); }
 *   protected Shape queryShape(int batch) { return Shape.of(batch, 2, 4); }
 *   protected Shape keyShape(int batch) { return Shape.of(batch, 6, 5); }
 *   protected Shape valueShape(int batch) { return Shape.of(batch, 6, 3); }
 * }
 * }</pre>
 *
 * <p>Dimension 0 of the query, key, value, output and weights is the batch. Inputs are standard
 * normal numbers from fixed seeds; the unit is built with seed {@link #SEED}. The contract checks
 * gradients of the output and the weights with respect to the inputs and every parameter (FLOAT64,
 * central differences); that the weights are non-negative and sum to 1 along {@link
 * #weightsAxis()}; that examples of a batch do not influence each other; that masked positions get
 * a weight of exactly 0; for sequence units ({@link #sequenceUnit()}) the rank rules: a rank-2
 * query is one query per example with a {@code [B, Tk]} mask, and flat {@code [B, F]} inputs are
 * refused or never mix the examples; float32 against float64; every available backend against the
 * reference; parameter names; registry lookup and the options schema.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
public abstract class AttentionUnitContract {
  /** Seed of every unit the contract builds, so instances get the same parameters. */
  protected static final long SEED = 0x5EED_A77EL;

  private static final long QUERY_SEED = 101;
  private static final long KEY_SEED = 202;
  private static final long VALUE_SEED = 303;

  /** For subclasses. */
  protected AttentionUnitContract() {}

  /** The provider under test. */
  protected abstract AttentionUnitProvider provider();

  /** The dimensions the unit is built for. */
  protected abstract AttentionSpec spec();

  /** Option values for {@link #provider()}, resolved against its schema. Default: none. */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /** The query shape for a batch of {@code batch} (dimension 0). */
  protected abstract Shape queryShape(int batch);

  /** The key shape for a batch of {@code batch}; unused when {@link #selfAttention()}. */
  protected abstract Shape keyShape(int batch);

  /** The value shape for a batch of {@code batch}; unused when {@link #selfAttention()}. */
  protected abstract Shape valueShape(int batch);

  /** Whether the query tensor is also passed as key and value. Default false. */
  protected boolean selfAttention() {
    return false;
  }

  /**
   * Whether the weights are distributions summing to 1 along {@link #weightsAxis()}. Default true;
   * false for gates in {@code [0, 1]} (feature attention), which are then only checked to lie in
   * {@code [0, 1]}.
   */
  protected boolean weightsSumToOne() {
    return true;
  }

  /** The axis of the weights that sums to 1. Default -1 (the keys). */
  protected int weightsAxis() {
    return -1;
  }

  /**
   * Whether the unit attends over sequences, and so follows the rank rules: keys {@code [B, Tk,
   * Dk]} and values {@code [B, Tk, Dv]} (rank 3); queries {@code [B, Tq, Dq]}, or {@code [B, Dq]}
   * for one query per example, whose mask is then {@code [B, Tk]} and whose output drops the query
   * axis; flat keys {@code [B, F]} refused, or attended without mixing the examples of the batch.
   * Default: true when {@link #keyShape} has rank 3. A unit over the features of flat rows (as
   * {@code feature}) returns false and documents its shapes.
   */
  protected boolean sequenceUnit() {
    return keyShape(2).rank() == 3;
  }

  /** Whether the unit honours a mask. Default false; when true, override {@link #mask}. */
  protected boolean supportsMask() {
    return false;
  }

  /**
   * An additive mask for a batch of {@code batch}: 0 keeps a position, {@code -∞} removes it, and
   * it must remove some but never every key of a query. Broadcastable to the scores {@code [batch,
   * queries, keys]}; when the weights have one more dimension (heads, at axis 1) a mask of rank 3
   * applies to every head. Default null.
   */
  protected Tensor mask(Backend backend, DType dtype, int batch) {
    return null;
  }

  /** Tolerance of the gradient check. Default {@link GradientChecker.Tolerance#defaults()}. */
  protected GradientChecker.Tolerance gradientTolerance() {
    return GradientChecker.Tolerance.defaults();
  }

  /**
   * Tolerance of float32 against float64 results: {@code |x32 - x64| <= tol·(1 + |x64|)}. Default
   * {@code 1e-4}.
   */
  protected double float32Tolerance() {
    return 1e-4;
  }

  /** Tolerance of another backend's float32 results against the reference. Default 1e-4. */
  protected double backendTolerance() {
    return 1e-4;
  }

  /** The context of each forward pass (a new one per call). Default: inference. */
  protected ForwardContext forwardContext() {
    return ForwardContext.inference();
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("attention", provider(), options());
  }

  /** A new unit on {@code backend} with parameters of type {@code dtype}, seeded by SEED. */
  protected AttentionUnit create(Backend backend, DType dtype) {
    return provider().create(resolvedOptions(), spec(), BuildContext.of(backend, dtype, SEED));
  }

  private String owner() {
    return ProviderChecks.owner("attention", provider());
  }

  /** Query, key and value of one batch; key and value are the query in self-attention. */
  private record Inputs(Tensor query, Tensor key, Tensor value) {}

  private Inputs inputs(Backend backend, DType dtype, int batch) {
    Tensor q = input(backend, dtype, queryShape(batch), QUERY_SEED);
    if (selfAttention()) {
      return new Inputs(q, q, q);
    }
    return new Inputs(
        q,
        input(backend, dtype, keyShape(batch), KEY_SEED),
        input(backend, dtype, valueShape(batch), VALUE_SEED));
  }

  private static Tensor input(Backend backend, DType dtype, Shape shape, long seed) {
    double[] values = Samples.float32(Samples.normal(seed, Math.toIntExact(shape.size())));
    return Tensors.of(backend, dtype, values, shape.dims());
  }

  private AttentionResult attend(AttentionUnit unit, Inputs in, Tensor mask) {
    AttentionResult r = unit.attend(in.query(), in.key(), in.value(), mask, forwardContext());
    assertNotNull(r, owner() + ": attend returned null");
    assertNotNull(r.output(), owner() + ": the result has no output");
    assertNotNull(r.weights(), owner() + ": the result has no weights");
    return r;
  }

  private Map<String, Tensor> inputLeaves(Inputs in) {
    Map<String, Tensor> leaves = new LinkedHashMap<>();
    leaves.put("query", in.query());
    if (!selfAttention()) {
      leaves.put("key", in.key());
      leaves.put("value", in.value());
    }
    return leaves;
  }

  // ------------------------------------------------------------------ tests

  /**
   * Gradients of the output and the weights with respect to the query, key, value and every
   * parameter match central differences (FLOAT64, batch of 2).
   */
  @Test
  public void gradientsMatchCentralDifferences() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      AttentionUnit unit = create(ref, DType.FLOAT64);
      Inputs in = inputs(ref, DType.FLOAT64, 2);
      Map<String, Tensor> leaves = inputLeaves(in);
      leaves.putAll(Modules.leaves(unit));
      GradientChecker.Report report =
          GradientChecker.checkLeaves(
              () -> {
                AttentionResult r = attend(unit, in, null);
                return Shapes.concat(0, List.of(r.output().reshape(-1), r.weights().reshape(-1)));
              },
              leaves,
              gradientTolerance());
      if (!report.passed()) {
        throw new AssertionError(owner() + ": " + report.summary());
      }
    }
  }

  /** Weights are non-negative and sum to 1 along {@link #weightsAxis()} (or lie in [0, 1]). */
  @Test
  public void weightsAreDistributions() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      AttentionResult r = attend(create(ref, DType.FLOAT64), inputs(ref, DType.FLOAT64, 3), null);
      assertWeights(r.weights(), 1e-9, "");
    }
  }

  private void assertWeights(Tensor weights, double tolerance, String when) {
    double[] w = weights.toDoubleArray();
    for (int i = 0; i < w.length; i++) {
      double v = w[i];
      if (!(v >= 0) || (!weightsSumToOne() && v > 1)) {
        throw new AssertionError(
            owner()
                + ": weight "
                + GradientChecker.multiIndex(i, weights.shape().dims())
                + " is "
                + v
                + when
                + "; weights must lie in [0, 1]");
      }
    }
    if (!weightsSumToOne()) {
      return;
    }
    Shape s = weights.shape();
    int axis = s.axis(weightsAxis());
    int outer = s.outer(axis);
    int extent = s.dim(axis);
    int inner = s.inner(axis);
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double sum = 0;
        for (int j = 0; j < extent; j++) {
          sum += w[(o * extent + j) * inner + i];
        }
        if (!(Math.abs(sum - 1) <= tolerance)) {
          throw new AssertionError(
              owner()
                  + ": weights "
                  + s
                  + " sum to "
                  + sum
                  + " along axis "
                  + axis
                  + " at outer index "
                  + o
                  + ", inner index "
                  + i
                  + when
                  + "; they must sum to 1 (override weightsAxis() if another axis does)");
        }
      }
    }
  }

  /**
   * Weights asked for late (a unit may compute them only on request, {@link AttentionResult#lazy})
   * are those of their own call, even after the unit has attended to other inputs, and asking for
   * them or not leaves the output as it is.
   */
  @Test
  public void weightsAskedForLateAreThoseOfTheirCall() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      AttentionUnit unit = create(ref, DType.FLOAT64);
      Inputs in = inputs(ref, DType.FLOAT64, 2);
      AttentionResult later = unit.attend(in.query(), in.key(), in.value(), null, forwardContext());
      assertNotNull(later, owner() + ": attend returned null");
      double[] out = later.output().toDoubleArray();
      Tensor q = in.query().mul(-1.5);
      attend(
          unit, selfAttention() ? new Inputs(q, q, q) : new Inputs(q, in.key(), in.value()), null);
      assertNotNull(later.weights(), owner() + ": the result has no weights");
      double[] lateWeights = later.weights().toDoubleArray();
      AttentionResult atOnce = attend(unit, in, null);
      Compare.assertClose(
          owner() + ": output without asking for the weights vs with them",
          out,
          atOnce.output().toDoubleArray(),
          1e-12);
      Compare.assertClose(
          owner() + ": weights asked for after another call vs at once",
          lateWeights,
          atOnce.weights().toDoubleArray(),
          1e-12);
    }
  }

  /** Each example of a batch of 3 gives the same output and weights as when attended alone. */
  @Test
  public void examplesOfABatchAreIndependent() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      AttentionUnit unit = create(ref, DType.FLOAT64);
      Inputs all = inputs(ref, DType.FLOAT64, 3);
      AttentionResult batched = attend(unit, all, null);
      assertEquals(3, batched.output().dim(0), owner() + ": output dimension 0 is the batch");
      assertEquals(3, batched.weights().dim(0), owner() + ": weights dimension 0 is the batch");
      for (int b = 0; b < 3; b++) {
        Tensor q = Shapes.slice(all.query(), 0, b, b + 1);
        Inputs one =
            selfAttention()
                ? new Inputs(q, q, q)
                : new Inputs(
                    q,
                    Shapes.slice(all.key(), 0, b, b + 1),
                    Shapes.slice(all.value(), 0, b, b + 1));
        AttentionResult alone = attend(unit, one, null);
        Compare.assertClose(
            owner() + ": output of example " + b + " alone vs in a batch of 3",
            alone.output().toDoubleArray(),
            Shapes.slice(batched.output(), 0, b, b + 1).toDoubleArray(),
            1e-10);
        Compare.assertClose(
            owner() + ": weights of example " + b + " alone vs in a batch of 3",
            alone.weights().toDoubleArray(),
            Shapes.slice(batched.weights(), 0, b, b + 1).toDoubleArray(),
            1e-10);
      }
    }
  }

  /**
   * A rank-2 query {@code [B, Dq]} is one query per example: its output is the rank-3 output of
   * that query alone ({@code [B, 1, Dq]}) without the query axis, and with a mask its mask is
   * {@code [B, Tk]} (the rank-3 call gets it as {@code [B, 1, Tk]}). Sequence units that are not
   * self-attention only.
   */
  @Test
  public void rankTwoQueryIsOneQueryPerExample() {
    assumeTrue(sequenceUnit() && !selfAttention(), "not a sequence unit over separate keys");
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      AttentionUnit unit = create(ref, DType.FLOAT64);
      int batch = 3;
      Inputs all = inputs(ref, DType.FLOAT64, batch);
      Tensor first = Shapes.slice(all.query(), 1, 0, 1); // [B, 1, Dq]
      Tensor single = Shapes.select(all.query(), 1, 0); // [B, Dq]
      int keys = all.key().dim(1);
      Tensor mask2 = null;
      Tensor mask3 = null;
      if (supportsMask()) {
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
          lengths[b] = Math.max(1, keys - 1 - b);
        }
        mask2 = dev.heed.core.nn.AttentionMasks.fromLengths(ref, DType.FLOAT64, lengths, keys);
        mask2 = mask2.reshape(batch, keys);
        mask3 = Shapes.unsqueeze(mask2, 1);
      }
      AttentionResult three = attend(unit, new Inputs(first, all.key(), all.value()), mask3);
      AttentionResult two;
      try {
        two = attend(unit, new Inputs(single, all.key(), all.value()), mask2);
      } catch (RuntimeException e) {
        throw new AssertionError(
            owner()
                + ": a rank-2 query [B, Dq] (one query per example"
                + (supportsMask() ? ", mask [B, Tk]" : "")
                + ") is refused: "
                + e.getMessage(),
            e);
      }
      Tensor expected = Shapes.select(three.output(), 1, 0);
      assertEquals(
          expected.shape(),
          two.output().shape(),
          owner() + ": the output of a rank-2 query drops the query axis of the rank-3 output");
      Compare.assertClose(
          owner() + ": output of a rank-2 query vs the same query as [B, 1, Dq]",
          two.output().toDoubleArray(),
          expected.toDoubleArray(),
          1e-10);
      Compare.assertClose(
          owner() + ": weights of a rank-2 query vs the same query as [B, 1, Dq]",
          two.weights().toDoubleArray(),
          three.weights().toDoubleArray(),
          1e-10);
    }
  }

  /**
   * Flat keys {@code [B, F]} (rows, not sequences) are refused with an {@link
   * IllegalArgumentException}, or attended without mixing the examples: changing example 1 leaves
   * example 0's output alone. A unit that reads {@code [B, F]} as one sequence of B keys shared by
   * the batch fails. Sequence units only.
   */
  @Test
  public void flatInputsAreRefusedOrKeepExamplesApart() {
    assumeTrue(sequenceUnit(), "not a sequence unit");
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      AttentionUnit unit = create(ref, DType.FLOAT64);
      AttentionSpec spec = spec();
      int batch = 3;
      Tensor q = input(ref, DType.FLOAT64, Shape.of(batch, spec.queryDim()), QUERY_SEED);
      Tensor k = input(ref, DType.FLOAT64, Shape.of(batch, spec.keyDim()), KEY_SEED);
      Tensor v = input(ref, DType.FLOAT64, Shape.of(batch, spec.valueDim()), VALUE_SEED);
      Inputs flat = selfAttention() ? new Inputs(q, q, q) : new Inputs(q, k, v);
      AttentionResult first;
      try {
        first = unit.attend(flat.query(), flat.key(), flat.value(), null, forwardContext());
      } catch (IllegalArgumentException refused) {
        assertTrue(
            refused.getMessage() != null && !refused.getMessage().isBlank(),
            owner() + ": flat inputs are refused without a message");
        return;
      }
      Tensor q2 = Shapes.copy(flat.query());
      Tensor k2 = Shapes.copy(flat.key());
      Tensor v2 = Shapes.copy(flat.value());
      for (Tensor t : selfAttention() ? List.of(q2) : List.of(q2, k2, v2)) {
        Tensor row = Shapes.slice(t, 0, 1, 2);
        Elementwise.assign(row, Elementwise.affine(row, -3, 0.5));
      }
      Inputs changed = selfAttention() ? new Inputs(q2, q2, q2) : new Inputs(q2, k2, v2);
      AttentionResult second =
          unit.attend(changed.query(), changed.key(), changed.value(), null, forwardContext());
      Compare.assertClose(
          owner()
              + ": flat inputs [B, F]: the output of example 0 changed when example 1 did; a"
              + " sequence unit refuses flat keys (IllegalArgumentException) or keeps the examples"
              + " apart, never reads the batch as one sequence",
          Shapes.slice(second.output(), 0, 0, 1).toDoubleArray(),
          Shapes.slice(first.output(), 0, 0, 1).toDoubleArray(),
          1e-10);
    }
  }

  /** Positions the mask removes get a weight of exactly 0, in float64 and float32. */
  @Test
  public void maskedPositionsGetZeroWeight() {
    assumeTrue(supportsMask(), "supportsMask() is false");
    Backend ref = TestBackends.reference();
    for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
      try (Scope scope = Scope.open()) {
        Tensor mask = mask(ref, dtype, 2);
        assertNotNull(mask, owner() + ": supportsMask() is true but mask() returned null");
        AttentionResult r = attend(create(ref, dtype), inputs(ref, dtype, 2), mask);
        boolean[] masked = maskedPositions(mask, r.weights().shape());
        double[] w = r.weights().toDoubleArray();
        boolean any = false;
        for (int i = 0; i < w.length; i++) {
          if (masked[i]) {
            any = true;
            if (w[i] != 0.0) {
              throw new AssertionError(
                  owner()
                      + " ("
                      + dtype
                      + "): masked weight "
                      + GradientChecker.multiIndex(i, r.weights().shape().dims())
                      + " is "
                      + w[i]
                      + ", must be exactly 0");
            }
          }
        }
        assertTrue(any, owner() + ": mask() must remove some position (use -∞ entries)");
        Compare.assertNoNaN(
            owner() + " (" + dtype + "): masked output", r.output().toDoubleArray());
        assertWeights(
            r.weights(), dtype == DType.FLOAT32 ? 1e-5 : 1e-9, " with a mask (" + dtype + ")");
      }
    }
  }

  /** Which weights the mask removes, broadcasting the mask to the weights' shape. */
  private boolean[] maskedPositions(Tensor mask, Shape weights) {
    int[] md = mask.shape().dims();
    int[] wd = weights.dims();
    if (md.length == 3 && wd.length == 4) {
      md = new int[] {md[0], 1, md[1], md[2]};
    }
    if (md.length > wd.length) {
      throw new AssertionError(
          owner() + ": mask " + mask.shape() + " has more dimensions than the weights " + weights);
    }
    long[] strides = new long[wd.length];
    long s = 1;
    for (int k = md.length - 1; k >= 0; k--) {
      int w = k + wd.length - md.length;
      if (md[k] != 1 && md[k] != wd[w]) {
        throw new AssertionError(
            owner() + ": mask " + mask.shape() + " does not broadcast to the weights " + weights);
      }
      strides[w] = md[k] == 1 ? 0 : s;
      s *= md[k];
    }
    double[] m = mask.toDoubleArray();
    boolean[] masked = new boolean[Math.toIntExact(weights.size())];
    for (int i = 0; i < masked.length; i++) {
      long rest = i;
      long at = 0;
      for (int k = wd.length - 1; k >= 0; k--) {
        at += (rest % wd[k]) * strides[k];
        rest /= wd[k];
      }
      masked[i] = m[(int) at] == Double.NEGATIVE_INFINITY;
    }
    return masked;
  }

  /** Float32 output and weights match float64 within {@link #float32Tolerance()}. */
  @Test
  public void float32AgreesWithFloat64() {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      AttentionUnit unit64 = create(ref, DType.FLOAT64);
      AttentionUnit unit32 = create(ref, DType.FLOAT32);
      Modules.copyParameters(unit64, unit32);
      AttentionResult r64 = attend(unit64, inputs(ref, DType.FLOAT64, 2), null);
      AttentionResult r32 = attend(unit32, inputs(ref, DType.FLOAT32, 2), null);
      assertEquals(DType.FLOAT32, r32.output().dtype(), owner() + ": output type in float32");
      Compare.assertClose(
          owner() + ": float32 output vs float64",
          r32.output().toDoubleArray(),
          r64.output().toDoubleArray(),
          float32Tolerance());
      Compare.assertClose(
          owner() + ": float32 weights vs float64",
          r32.weights().toDoubleArray(),
          r64.weights().toDoubleArray(),
          float32Tolerance());
    }
  }

  /**
   * On every available backend, float32 output, weights and the gradients of the inputs and
   * parameters agree with the reference within {@link #backendTolerance()}.
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
      AttentionUnit refUnit = create(ref, DType.FLOAT32);
      AttentionUnit unit = create(other, DType.FLOAT32);
      Modules.copyParameters(refUnit, unit);
      List<String> labels = new ArrayList<>(List.of("output", "weights"));
      labels.add("query gradient");
      if (!selfAttention()) {
        labels.add("key gradient");
        labels.add("value gradient");
      }
      refUnit.namedParameters().keySet().forEach(p -> labels.add("gradient of '" + p + "'"));
      List<double[]> expected = forwardBackward(refUnit, ref);
      List<double[]> actual = forwardBackward(unit, other);
      for (int i = 0; i < labels.size(); i++) {
        Compare.assertClose(
            owner() + " on backend '" + name + "' vs reference: " + labels.get(i),
            actual.get(i),
            expected.get(i),
            backendTolerance());
      }
    }
  }

  private List<double[]> forwardBackward(AttentionUnit unit, Backend backend) {
    Inputs in = inputs(backend, DType.FLOAT32, 2);
    Map<String, Tensor> leaves = inputLeaves(in);
    for (Tensor t : leaves.values()) {
      t.requiresGrad(true);
    }
    AttentionResult r = attend(unit, in, null);
    Tensor joined = Shapes.concat(0, List.of(r.output().reshape(-1), r.weights().reshape(-1)));
    List<double[]> out = new ArrayList<>();
    out.add(r.output().toDoubleArray());
    out.add(r.weights().toDoubleArray());
    Modules.zeroGrad(unit);
    joined.backward(
        Tensors.of(
            backend, DType.FLOAT32, GradientChecker.projection(joined.size()), joined.dim(0)));
    for (Tensor t : leaves.values()) {
      out.add(t.grad() == null ? new double[(int) t.size()] : t.grad().toDoubleArray());
    }
    out.addAll(Modules.gradients(unit));
    Modules.zeroGrad(unit);
    return out;
  }

  /**
   * Parameter names are non-empty dotted identifiers ({@code out_proj.weight}), and no parameter or
   * tensor appears under two names.
   */
  @Test
  public void parameterNamesAreNonEmptyAndUnique() {
    AttentionUnit unit = create(TestBackends.reference(), DType.FLOAT32);
    Map<String, Parameter> named = unit.namedParameters();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (var e : named.entrySet()) {
      String name = e.getKey();
      assertFalse(name == null || name.isEmpty(), owner() + ": a parameter has an empty name");
      assertTrue(
          name.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*"),
          owner() + ": parameter name '" + name + "' is not a dotted identifier");
      assertTrue(
          seen.add(e.getValue()) && seen.add(e.getValue().value()),
          owner() + ": parameter '" + name + "' is registered under another name too");
    }
    assertEquals(
        named.size(),
        unit.parameters().size(),
        owner() + ": parameters() and namedParameters() disagree");
  }

  /** {@code Plugins.shared().attentionUnits()} finds the provider by name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().attentionUnits(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("attention", provider(), options());
  }
}
