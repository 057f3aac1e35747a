package dev.heed.testkit;

import dev.heed.core.backend.CounterRandom;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compares the gradients that autodiff derives with central differences, in {@link DType#FLOAT64}.
 *
 * <p><b>What is compared.</b> The function's output {@code y} (any shape) is reduced to the scalar
 * {@code L = Σ y·R}, where {@code R} is a fixed random projection (magnitudes in {@code [0.5,
 * 1.5]}, random signs, drawn from stream {@link #PROJECTION_SEED}), so every output element
 * contributes and a wrong gradient cannot hide behind a plain sum. {@code ∂L/∂x} comes from one
 * {@code backward}; the numerical derivative of each element is {@code (L(x+h) - L(x-h)) / 2h},
 * with the step scaled as {@code h·max(1, |x|)}. An element passes when {@code |analytic - numeric|
 * <= atol + rtol·max(|analytic|, |numeric|)}.
 *
 * <p><b>Why these defaults</b> ({@link Tolerance#defaults()}: {@code h = 1e-6, atol = 1e-6, rtol =
 * 1e-5}). The central difference has truncation error about {@code h²·|L'''|/6} and rounding error
 * about {@code ε·|L|/h} with {@code ε ≈ 1.1e-16} in float64. With {@code h = 1e-6} the first is
 * {@code ~1e-13·|L'''|} and the second {@code ~1e-10·|L|}; both stay far below {@code atol = 1e-6}
 * for the O(1)–O(100) values and moderate curvature of test inputs (the optimum {@code h ≈
 * (3ε|L|/|L'''|)^⅓} is near {@code 1e-5}, so {@code 1e-6} leans towards less truncation). A wrong
 * gradient, by contrast, is wrong by O(1) relative: {@code rtol = 1e-5} is five orders of magnitude
 * above the numerical noise and as many below a real error. These margins need float64: in float32
 * the rounding term alone is {@code ~0.1·|L|} at this step, which is why the checker refuses other
 * types.
 *
 * <p><b>Kinks.</b> At a point where the function is not differentiable within {@code ±h} (ReLU at
 * 0, a clamp bound, a tie of max) the central difference is meaningless. The checker compares the
 * one-sided differences {@code (L(x+h) - L(x))/h} and {@code (L(x) - L(x-h))/h}: for a smooth
 * function they differ by about {@code h·|L''|} (~1e-6), at a kink by the jump of the derivative
 * (O(1)). Elements whose one-sided differences differ by more than {@link
 * Tolerance#kinkThreshold()} (relative to {@code max(1, |slopes|)}) are skipped and counted in
 * {@link Report#skipped()}; a caller may also skip elements with an {@link ElementFilter}. A check
 * where more elements are skipped than checked fails: generate inputs away from kinks (the
 * contracts keep {@code |x| > 1e-3} from 0 and away from the usual thresholds).
 *
 * <p><b>Inputs.</b> Differentiated tensors must be {@code FLOAT64} leaves (for example on {@link
 * TestBackends#reference()}); the checker sets {@code requiresGrad}, perturbs their elements in
 * place (one element upload at a time, outside the tape) and restores every value and flag before
 * returning. A leaf may be a view of its buffer (a slice or a transpose, detached), but not a
 * broadcast one. Their accumulated gradients are cleared. The function must be deterministic (fixed
 * seeds for dropout) and is evaluated {@code 1 + 2·n + 1} times for {@code n} elements.
 */
public final class GradientChecker {
  /** Seed of the random projection that reduces a non-scalar output to a scalar. */
  public static final long PROJECTION_SEED = 0x6E_ED_C4_EC_4BL;

  private static final int MAX_LISTED = 8;

  private GradientChecker() {}

  /**
   * Tolerances of a check.
   *
   * @param h the relative step: element {@code x} is perturbed by {@code ±h·max(1, |x|)}
   * @param atol absolute tolerance
   * @param rtol relative tolerance, against {@code max(|analytic|, |numeric|)}
   * @param kinkThreshold how much the one-sided differences may differ, relative to {@code max(1,
   *     |slope|)}, before an element is skipped as a kink; {@code +∞} never skips
   */
  public record Tolerance(double h, double atol, double rtol, double kinkThreshold) {

    /** Checks the values are positive. */
    public Tolerance {
      if (!(h > 0) || !(atol >= 0) || !(rtol >= 0) || !(kinkThreshold > 0)) {
        throw new IllegalArgumentException(
            "gradient check tolerance: need h > 0, atol >= 0, rtol >= 0, kinkThreshold > 0; got h="
                + h
                + " atol="
                + atol
                + " rtol="
                + rtol
                + " kinkThreshold="
                + kinkThreshold);
      }
    }

    /** {@code h = 1e-6, atol = 1e-6, rtol = 1e-5, kinkThreshold = 1e-3}; see the class comment. */
    public static Tolerance defaults() {
      return new Tolerance(1e-6, 1e-6, 1e-5, 1e-3);
    }

    /** This tolerance with another step. */
    public Tolerance withH(double value) {
      return new Tolerance(value, atol, rtol, kinkThreshold);
    }

    /** This tolerance with another absolute tolerance. */
    public Tolerance withAtol(double value) {
      return new Tolerance(h, value, rtol, kinkThreshold);
    }

    /** This tolerance with another relative tolerance. */
    public Tolerance withRtol(double value) {
      return new Tolerance(h, atol, value, kinkThreshold);
    }

    /** This tolerance with another kink threshold ({@code +∞}: never skip). */
    public Tolerance withKinkThreshold(double value) {
      return new Tolerance(h, atol, rtol, value);
    }

    /** The allowed difference for a pair of derivatives. */
    public double allowed(double analytic, double numeric) {
      return atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric));
    }
  }

  /** Chooses elements not to check (for example those known to sit on a kink). */
  @FunctionalInterface
  public interface ElementFilter {
    /**
     * Whether to skip an element.
     *
     * @param input index of the differentiated tensor in the order given to the checker
     * @param element row-major index of the element
     * @param value the element's value
     */
    boolean skip(int input, long element, double value);
  }

  /**
   * The comparison of one element.
   *
   * @param input index of the differentiated tensor
   * @param label how messages name that tensor ({@code input 0}, {@code parameter 'weight'})
   * @param element row-major index of the element
   * @param index the element's multi-index
   * @param value the element's value
   * @param analytic the derivative from autodiff
   * @param numeric the central difference
   * @param error {@code |analytic - numeric|}
   * @param allowed the tolerance for this element
   */
  public record Element(
      int input,
      String label,
      long element,
      List<Integer> index,
      double value,
      double analytic,
      double numeric,
      double error,
      double allowed) {

    /** Defensive copy. */
    public Element {
      index = List.copyOf(index);
    }

    /** Whether the two derivatives agree (false when either is NaN or infinite). */
    public boolean ok() {
      return Double.isFinite(analytic) && Double.isFinite(numeric) && error <= allowed;
    }

    /** How far over the tolerance: {@code error / allowed} (∞ when not finite). */
    public double ratio() {
      if (!Double.isFinite(analytic) || !Double.isFinite(numeric)) {
        return Double.POSITIVE_INFINITY;
      }
      return error / Math.max(allowed, Double.MIN_NORMAL);
    }

    /** One line for messages. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "%s element %d %s (value %.6g): analytic %.9g, numeric %.9g, |diff| %.3g %s allowed %.3g",
          label,
          element,
          index,
          value,
          analytic,
          numeric,
          error,
          ok() ? "<=" : ">",
          allowed);
    }
  }

  /**
   * The outcome of a check.
   *
   * @param checked elements compared
   * @param skipped elements skipped as kinks or by the caller's filter
   * @param failures the elements that differ, in order
   * @param worst the compared element with the largest {@code error / allowed}, or null when none
   *     was compared
   * @param tolerance the tolerance used
   */
  public record Report(
      int checked, int skipped, List<Element> failures, Element worst, Tolerance tolerance) {

    /** Defensive copy. */
    public Report {
      failures = List.copyOf(failures);
    }

    /** Whether every compared element agrees and no more elements were skipped than compared. */
    public boolean passed() {
      return failures.isEmpty() && !tooManySkipped();
    }

    private boolean tooManySkipped() {
      return skipped > checked;
    }

    /** A multi-line description naming the failing elements and the worst error. */
    public String summary() {
      StringBuilder b = new StringBuilder();
      if (passed()) {
        b.append("gradient check passed: ").append(checked).append(" elements agree");
      } else if (!failures.isEmpty()) {
        b.append("gradient check failed: ")
            .append(failures.size())
            .append(" of ")
            .append(checked)
            .append(" elements differ");
      } else {
        b.append("gradient check failed: ")
            .append(skipped)
            .append(" elements were skipped as kinks but only ")
            .append(checked)
            .append(" compared; move the inputs away from points where the function is not")
            .append(" differentiable");
      }
      b.append(
          String.format(
              Locale.ROOT,
              " (%d skipped; h=%.1g atol=%.1g rtol=%.1g)",
              skipped,
              tolerance.h(),
              tolerance.atol(),
              tolerance.rtol()));
      for (int i = 0; i < Math.min(MAX_LISTED, failures.size()); i++) {
        b.append("\n  ").append(failures.get(i).describe());
      }
      if (failures.size() > MAX_LISTED) {
        b.append("\n  … and ").append(failures.size() - MAX_LISTED).append(" more");
      }
      if (worst != null) {
        b.append("\n  worst error: ").append(worst.describe());
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return summary();
    }
  }

  // ------------------------------------------------------------------ functions of inputs

  /**
   * Checks {@code f} against central differences with the default tolerance.
   *
   * @param f computes the output from {@code inputs} (any shape; reduced by the projection)
   * @param inputs the arguments of {@code f}: {@code FLOAT64} leaves are differentiated; {@code
   *     INT32} tensors (indices) are passed through unchanged and not differentiated
   */
  public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
    return check(f, inputs, Tolerance.defaults());
  }

  /** As {@link #check(Function, List)} with tolerance {@code tol}. */
  public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Tolerance tol) {
    return check(f, inputs, tol, (i, e, v) -> false);
  }

  /**
   * As {@link #check(Function, List)} with tolerance {@code tol}, skipping the elements {@code
   * skip} chooses. The {@code input} index {@code skip} receives counts the entries of {@code
   * inputs}, INT32 ones included.
   */
  public static Report check(
      Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Tolerance tol, ElementFilter skip) {
    List<Tensor> args = List.copyOf(inputs);
    Map<String, Tensor> leaves = new LinkedHashMap<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).dtype() != DType.INT32) {
        leaves.put("input " + i, args.get(i));
        positions.add(i);
      }
    }
    return run(
        () -> f.apply(args),
        leaves,
        tol,
        (leaf, element, value) -> skip.skip(positions.get(leaf), element, value));
  }

  /**
   * Asserts that {@code f}'s gradients match central differences (default tolerance).
   *
   * @throws AssertionError naming the input, the element, the analytic and numeric values and the
   *     worst error
   */
  public static void assertGradients(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
    assertPassed(check(f, inputs));
  }

  /** As {@link #assertGradients(Function, List)} with tolerance {@code tol}. */
  public static void assertGradients(
      Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Tolerance tol) {
    assertPassed(check(f, inputs, tol));
  }

  /** As {@link #assertGradients(Function, List)} with tolerance {@code tol} and a filter. */
  public static void assertGradients(
      Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Tolerance tol, ElementFilter skip) {
    assertPassed(check(f, inputs, tol, skip));
  }

  // ------------------------------------------------------------------ parameters of modules

  /**
   * Checks the gradients of {@code loss} with respect to module parameters, whose values must be
   * {@code FLOAT64} (build the module with {@code BuildContext.of(TestBackends.reference(),
   * DType.FLOAT64, seed)}). {@code loss} runs the forward pass anew at each call; its result may
   * have any shape.
   */
  public static Report checkParameters(Supplier<Tensor> loss, List<Parameter> params) {
    return checkParameters(loss, params, Tolerance.defaults());
  }

  /** As {@link #checkParameters(Supplier, List)} with tolerance {@code tol}. */
  public static Report checkParameters(
      Supplier<Tensor> loss, List<Parameter> params, Tolerance tol) {
    Map<String, Tensor> leaves = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      leaves.put("parameter " + i, params.get(i).value());
    }
    return checkLeaves(loss, leaves, tol);
  }

  /** As {@link #checkParameters(Supplier, List)}, naming the parameters in messages. */
  public static Report checkParameters(
      Supplier<Tensor> loss, Map<String, Parameter> params, Tolerance tol) {
    Map<String, Tensor> leaves = new LinkedHashMap<>();
    params.forEach((name, p) -> leaves.put("parameter '" + name + "'", p.value()));
    return checkLeaves(loss, leaves, tol);
  }

  /**
   * Asserts that the gradients of {@code loss} with respect to {@code params} match central
   * differences (default tolerance).
   *
   * @throws AssertionError naming the parameter index, the element, both values and the worst error
   */
  public static void assertParameterGradients(Supplier<Tensor> loss, List<Parameter> params) {
    assertPassed(checkParameters(loss, params));
  }

  /** As {@link #assertParameterGradients(Supplier, List)} with tolerance {@code tol}. */
  public static void assertParameterGradients(
      Supplier<Tensor> loss, List<Parameter> params, Tolerance tol) {
    assertPassed(checkParameters(loss, params, tol));
  }

  /** As {@link #assertParameterGradients(Supplier, List)}, naming parameters in messages. */
  public static void assertParameterGradients(
      Supplier<Tensor> loss, Map<String, Parameter> params) {
    assertPassed(checkParameters(loss, params, Tolerance.defaults()));
  }

  /** As {@link #assertParameterGradients(Supplier, Map)} with tolerance {@code tol}. */
  public static void assertParameterGradients(
      Supplier<Tensor> loss, Map<String, Parameter> params, Tolerance tol) {
    assertPassed(checkParameters(loss, params, tol));
  }

  // ------------------------------------------------------------------ any leaves

  /**
   * The general form: checks the gradients of {@code f} with respect to {@code leaves} (inputs and
   * parameters together, as the contracts use it).
   *
   * @param f computes the output anew at each call from tensors it captures
   * @param leaves {@code FLOAT64} leaf tensors by the label messages use
   */
  public static Report checkLeaves(Supplier<Tensor> f, Map<String, Tensor> leaves, Tolerance tol) {
    return run(f, leaves, tol, (i, e, v) -> false);
  }

  /** Asserts {@link #checkLeaves} passes; the AssertionError carries the {@link Report#summary}. */
  public static void assertLeafGradients(
      Supplier<Tensor> f, Map<String, Tensor> leaves, Tolerance tol) {
    assertPassed(checkLeaves(f, leaves, tol));
  }

  /** Throws an AssertionError with the report's summary unless it passed. */
  public static void assertPassed(Report report) {
    if (!report.passed()) {
      throw new AssertionError(report.summary());
    }
  }

  // ------------------------------------------------------------------ the check

  private static Report run(
      Supplier<Tensor> f, Map<String, Tensor> leafMap, Tolerance tol, ElementFilter skip) {
    List<String> labels = new ArrayList<>(leafMap.keySet());
    List<Tensor> leaves = new ArrayList<>(leafMap.values());
    for (int i = 0; i < leaves.size(); i++) {
      validate(labels.get(i), leaves.get(i));
    }
    boolean[] required = new boolean[leaves.size()];
    for (int i = 0; i < leaves.size(); i++) {
      Tensor t = leaves.get(i);
      required[i] = t.requiresGrad();
      t.clearGrad();
      t.requiresGrad(true);
    }
    try {
      double[][] analytic = new double[leaves.size()][];
      double[] projection = analytic(f, leaves, analytic);
      return numeric(f, leaves, labels, analytic, projection, tol, skip);
    } finally {
      for (int i = 0; i < leaves.size(); i++) {
        Tensor t = leaves.get(i);
        t.clearGrad();
        t.requiresGrad(required[i]);
      }
    }
  }

  private static void validate(String label, Tensor t) {
    if (t.isClosed()) {
      throw new IllegalArgumentException("gradient check: " + label + " is closed");
    }
    if (t.dtype() != DType.FLOAT64) {
      throw new IllegalArgumentException(
          "gradient check: "
              + label
              + " is "
              + t.dtype()
              + " "
              + t.shape()
              + "; differentiated tensors must be FLOAT64 (float32 rounding swamps central"
              + " differences); create them with DType.FLOAT64 on TestBackends.reference()");
    }
    if (t.hasGradFn()) {
      throw new IllegalArgumentException(
          "gradient check: "
              + label
              + " "
              + t.shape()
              + " was computed by "
              + t.gradFnName()
              + "; pass leaf tensors and compute inside the function");
    }
    for (int k = 0; k < t.rank(); k++) {
      if (t.layout().stride(k) == 0 && t.dim(k) > 1) {
        throw new IllegalArgumentException(
            "gradient check: "
                + label
                + " "
                + t.shape()
                + " is a broadcast view (stride 0 along dimension "
                + k
                + "), so one stored value stands for several elements; pass a tensor whose"
                + " elements are stored apart (a copy, or the tensor before expand)");
      }
    }
    if (t.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("gradient check: " + label + " is too large");
    }
  }

  /** One backward pass: fills {@code out} with the analytic gradients, returns the projection. */
  @SuppressWarnings("try")
  private static double[] analytic(Supplier<Tensor> f, List<Tensor> leaves, double[][] out) {
    try (Scope scope = Scope.open();
        GradMode on = GradMode.enable()) {
      Tensor y = f.get();
      if (y.dtype() != DType.FLOAT64) {
        throw new IllegalArgumentException(
            "gradient check: the function returned a "
                + y.dtype()
                + " tensor "
                + y.shape()
                + "; it must compute in FLOAT64 throughout");
      }
      double[] projection = projection(y.size());
      if (y.requiresGrad()) {
        y.backward(Tensors.of(y.backend(), DType.FLOAT64, projection, y.shape().dims()));
      }
      for (int i = 0; i < leaves.size(); i++) {
        Tensor g = leaves.get(i).grad();
        out[i] = g == null ? new double[(int) leaves.get(i).size()] : g.toDoubleArray();
      }
      return projection;
    }
  }

  private static Report numeric(
      Supplier<Tensor> f,
      List<Tensor> leaves,
      List<String> labels,
      double[][] analytic,
      double[] projection,
      Tolerance tol,
      ElementFilter skip) {
    double f0 = evaluate(f, projection);
    int checked = 0;
    int skipped = 0;
    List<Element> failures = new ArrayList<>();
    Element worst = null;
    for (int i = 0; i < leaves.size(); i++) {
      Tensor t = leaves.get(i);
      double[] values = t.toDoubleArray();
      int[] dims = t.shape().dims();
      for (int e = 0; e < values.length; e++) {
        double v = values[e];
        if (skip.skip(i, e, v)) {
          skipped++;
          continue;
        }
        double step = tol.h() * Math.max(1.0, Math.abs(v));
        double vp = v + step;
        double vm = v - step;
        double fp;
        double fm;
        try {
          set(t, e, vp);
          fp = evaluate(f, projection);
          set(t, e, vm);
          fm = evaluate(f, projection);
        } finally {
          set(t, e, v);
        }
        double forward = (fp - f0) / (vp - v);
        double backward = (f0 - fm) / (v - vm);
        double scale = Math.max(1.0, Math.max(Math.abs(forward), Math.abs(backward)));
        if (Math.abs(forward - backward) > tol.kinkThreshold() * scale) {
          skipped++;
          continue;
        }
        double numeric = (fp - fm) / (vp - vm);
        double a = analytic[i][e];
        double error = Math.abs(a - numeric);
        Element el =
            new Element(
                i,
                labels.get(i),
                e,
                multiIndex(e, dims),
                v,
                a,
                numeric,
                error,
                tol.allowed(a, numeric));
        checked++;
        if (!el.ok()) {
          failures.add(el);
        }
        if (worst == null || el.ratio() > worst.ratio()) {
          worst = el;
        }
      }
    }
    return new Report(checked, skipped, failures, worst, tol);
  }

  @SuppressWarnings("try")
  private static double evaluate(Supplier<Tensor> f, double[] projection) {
    try (Scope scope = Scope.open();
        GradMode off = GradMode.disable()) {
      Tensor y = f.get();
      double[] v = y.toDoubleArray();
      if (v.length != projection.length) {
        throw new IllegalStateException(
            "gradient check: the function's output changed size between calls ("
                + projection.length
                + " then "
                + v.length
                + " elements); it must be deterministic");
      }
      return dot(v, projection);
    }
  }

  /** Sets row-major element {@code element} of {@code t}, which may be a view of its buffer. */
  private static void set(Tensor t, long element, double value) {
    t.backend()
        .upload(
            MemorySegment.ofArray(new double[] {value}),
            t.buffer(),
            t.layout().indexOf(element),
            1);
  }

  /** The fixed projection: magnitudes in [0.5, 1.5), random signs. */
  static double[] projection(long size) {
    double[] r = new double[(int) size];
    for (int j = 0; j < r.length; j++) {
      double magnitude = 0.5 + CounterRandom.uniform(PROJECTION_SEED, 2L * j);
      r[j] = CounterRandom.uniform(PROJECTION_SEED, 2L * j + 1) < 0.5 ? -magnitude : magnitude;
    }
    return r;
  }

  /** Σ a·b with Neumaier's compensated summation. */
  static double dot(double[] a, double[] b) {
    double sum = 0;
    double c = 0;
    for (int i = 0; i < a.length; i++) {
      double x = a[i] * b[i];
      double t = sum + x;
      if (Math.abs(sum) >= Math.abs(x)) {
        c += (sum - t) + x;
      } else {
        c += (x - t) + sum;
      }
      sum = t;
    }
    return sum + c;
  }

  static List<Integer> multiIndex(long flat, int[] dims) {
    Integer[] index = new Integer[dims.length];
    long rest = flat;
    for (int k = dims.length - 1; k >= 0; k--) {
      index[k] = (int) (rest % dims[k]);
      rest /= dims[k];
    }
    return Arrays.asList(index);
  }
}
