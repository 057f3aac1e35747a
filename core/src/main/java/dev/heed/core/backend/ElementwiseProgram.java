package dev.heed.core.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A chain of elementwise operations evaluated element by element, for {@link FusedElementwise}: an
 * optimizer's update ({@code m = β·m + (1-β)·g; p = p - lr·m/(√v + ε)}) or an activation's
 * derivative ({@code g·(1 - y²)}) in one pass over memory instead of one pass and one intermediate
 * array per operation.
 *
 * <p>Values live in numbered registers. Registers {@code 0 … inputs-1} hold the inputs' elements;
 * each step computes one new register from earlier ones: a {@link UnaryOp} (with its parameters
 * {@code a}, {@code b}) of one register or a {@link BinaryOp} of two. {@link #output(int)} names
 * the registers written out, in order. The meaning is {@link #evaluate}: every step rounded to the
 * element type, which is exactly what running the steps as separate {@link Backend#unary} and
 * {@link Backend#binary} kernels gives on the reference backend.
 *
 * <p><b>Scalars.</b> A unary step's {@code a} and {@code b} are each a constant, fixed in the
 * program, or a {@link Scalar#parameter parameter} whose value is given at run time: parameter
 * {@code i} is element {@code i} of the {@code double[]} passed with the inputs. A learning rate or
 * a bias correction that changes every step is a parameter, so the program, and what a backend
 * compiles from it, stays the same from step to step.
 *
 * <p>Programs are immutable values: two programs with the same inputs, parameters, steps and
 * outputs are {@link #equals equal} and have the same hash, so a backend can cache what it builds
 * for a program by structure. Build one with {@link #builder(int)}.
 */
public final class ElementwiseProgram {

  /**
   * A unary step's parameter: a constant, or the run-time parameter with the given index.
   *
   * @param value the constant (ignored for a parameter)
   * @param index the parameter's index, or -1 for a constant
   */
  public record Scalar(double value, int index) {
    /** Checks the index. */
    public Scalar {
      if (index < -1) {
        throw new IllegalArgumentException("parameter index " + index + " is negative");
      }
      if (index >= 0) {
        value = 0;
      }
    }

    /** A constant. */
    public static Scalar constant(double value) {
      return new Scalar(value, -1);
    }

    /** Run-time parameter {@code index}. */
    public static Scalar parameter(int index) {
      if (index < 0) {
        throw new IllegalArgumentException("parameter index " + index + " is negative");
      }
      return new Scalar(0, index);
    }

    /** Whether this is a run-time parameter. */
    public boolean isParameter() {
      return index >= 0;
    }

    /** The value: the constant, or parameter {@link #index} of {@code parameters}. */
    public double resolve(double[] parameters) {
      return index < 0 ? value : parameters[index];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Scalar s
          && s.index == index
          && Double.doubleToLongBits(s.value) == Double.doubleToLongBits(value);
    }

    @Override
    public int hashCode() {
      return 31 * Double.hashCode(value) + index;
    }

    @Override
    public String toString() {
      return index >= 0 ? "p" + index : Double.toString(value);
    }
  }

  /**
   * One step: {@code unary} of register {@code x} with scalars {@code a}, {@code b}, or {@code
   * binary} of {@code x} and {@code y}.
   */
  public record Step(UnaryOp unary, BinaryOp binary, Scalar a, Scalar b, int x, int y) {
    /** Exactly one of the two operations is set; a unary step has both scalars. */
    public Step {
      if ((unary == null) == (binary == null)) {
        throw new IllegalArgumentException("a step is one unary or one binary operation");
      }
      if (unary != null && (a == null || b == null)) {
        throw new IllegalArgumentException("a unary step needs its scalars a and b");
      }
      if (binary != null) {
        a = null;
        b = null;
      }
    }

    @Override
    public String toString() {
      return unary != null
          ? unary + "(r" + x + ", " + a + ", " + b + ")"
          : binary + "(r" + x + ", r" + y + ")";
    }
  }

  private final int inputs;
  private final int parameters;
  private final Step[] steps;
  private final int[] outputs;
  private final int hash;

  private ElementwiseProgram(int inputs, int parameters, Step[] steps, int[] outputs) {
    this.inputs = inputs;
    this.parameters = parameters;
    this.steps = steps;
    this.outputs = outputs;
    this.hash =
        ((31 * inputs + parameters) * 31 + Arrays.hashCode(steps)) * 31 + Arrays.hashCode(outputs);
  }

  /** A builder for a program of {@code inputs} inputs (registers {@code 0 … inputs-1}). */
  public static Builder builder(int inputs) {
    if (inputs < 1) {
      throw new IllegalArgumentException("an elementwise program needs at least one input");
    }
    return new Builder(inputs);
  }

  /** Number of inputs. */
  public int inputs() {
    return inputs;
  }

  /** Number of run-time parameters (one more than the largest parameter index used). */
  public int parameters() {
    return parameters;
  }

  /** Number of steps. */
  public int stepCount() {
    return steps.length;
  }

  /** Step {@code i}, which writes register {@code inputs() + i}. */
  public Step step(int i) {
    return steps[i];
  }

  /** Number of registers: inputs and step results. */
  public int registers() {
    return inputs + steps.length;
  }

  /** Number of outputs. */
  public int outputCount() {
    return outputs.length;
  }

  /** Register written to output {@code j}. */
  public int output(int j) {
    return outputs[j];
  }

  /**
   * Requires {@code values} to hold one value per parameter.
   *
   * @throws IllegalArgumentException naming the counts when it does not
   */
  public void checkParameters(double[] values) {
    int given = values == null ? 0 : values.length;
    if (given != parameters) {
      throw new IllegalArgumentException(
          "elementwise program: "
              + given
              + " parameter values for a program of "
              + parameters
              + " parameters");
    }
  }

  /**
   * The normative value of the outputs for one element: {@code in[i]} is input {@code i}'s element
   * (a float value when {@code float32}) and {@code params} the run-time parameters; when {@code
   * float32}, a unary step is {@link UnaryOp#applyFloat32} (a scalar compared with the element is
   * rounded to float first, as FLOAT32 kernels compare) and every step is rounded to float as a
   * FLOAT32 kernel would store it.
   */
  public double[] evaluate(double[] in, double[] params, boolean float32) {
    if (in.length != inputs) {
      throw new IllegalArgumentException(
          "elementwise program: " + in.length + " input values for " + inputs + " inputs");
    }
    checkParameters(params);
    double[] r = Arrays.copyOf(in, registers());
    evaluateInPlace(r, params, float32);
    double[] out = new double[outputs.length];
    for (int j = 0; j < outputs.length; j++) {
      out[j] = r[outputs[j]];
    }
    return out;
  }

  /**
   * {@link #evaluate(double[], double[], boolean)} over a register file the caller keeps, for a
   * loop over elements that allocates nothing: {@code registers} ({@link #registers()} long) holds
   * the inputs' values in its first {@link #inputs()} entries; the steps write the others, and
   * output {@code j} is then {@code registers[output(j)]}. Nothing is checked: {@code params} must
   * hold {@link #parameters()} values ({@link #checkParameters}).
   */
  public void evaluateInPlace(double[] registers, double[] params, boolean float32) {
    double[] r = registers;
    for (int i = 0; i < steps.length; i++) {
      Step s = steps[i];
      double v;
      if (s.unary == null) {
        v = s.binary.apply(r[s.x], r[s.y]);
      } else if (float32) {
        v = s.unary.applyFloat32((float) r[s.x], s.a.resolve(params), s.b.resolve(params));
      } else {
        v = s.unary.apply(r[s.x], s.a.resolve(params), s.b.resolve(params));
      }
      r[inputs + i] = float32 ? (float) v : v;
    }
  }

  /** {@link #evaluate(double[], double[], boolean)} of a program without parameters. */
  public double[] evaluate(double[] in, boolean float32) {
    return evaluate(in, new double[0], float32);
  }

  /** Same inputs, parameters, steps (constants compared bit for bit) and outputs. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof ElementwiseProgram p
            && p.hash == hash
            && p.inputs == inputs
            && p.parameters == parameters
            && Arrays.equals(p.steps, steps)
            && Arrays.equals(p.outputs, outputs);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("program(inputs r0..r").append(inputs - 1);
    if (parameters > 0) {
      sb.append(", parameters p0..p").append(parameters - 1);
    }
    for (int i = 0; i < steps.length; i++) {
      sb.append("; r").append(inputs + i).append(" = ").append(steps[i]);
    }
    sb.append("; out");
    for (int o : outputs) {
      sb.append(" r").append(o);
    }
    return sb.append(')').toString();
  }

  /** Builds a program step by step; each method returns the register it writes. */
  public static final class Builder {
    private final int inputs;
    private int parameters;
    private final List<Step> steps = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();

    private Builder(int inputs) {
      this.inputs = inputs;
    }

    /** Declares the next run-time parameter and returns it (indices count from 0). */
    public Scalar parameter() {
      return Scalar.parameter(parameters++);
    }

    /** {@code op(r[x]; a, b)}. */
    public int unary(UnaryOp op, Scalar a, Scalar b, int x) {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(b, "b");
      check(x);
      use(a);
      use(b);
      steps.add(new Step(op, null, a, b, x, -1));
      return inputs + steps.size() - 1;
    }

    /** {@code op(r[x]; a, b)} with constant scalars. */
    public int unary(UnaryOp op, double a, double b, int x) {
      return unary(op, Scalar.constant(a), Scalar.constant(b), x);
    }

    /** {@code op(r[x])} for an operation without parameters. */
    public int unary(UnaryOp op, int x) {
      return unary(op, 0, 0, x);
    }

    /** {@code a·r[x] + b}. */
    public int affine(int x, Scalar a, Scalar b) {
      return unary(UnaryOp.AFFINE, a, b, x);
    }

    /** {@code a·r[x] + b} with constants. */
    public int affine(int x, double a, double b) {
      return unary(UnaryOp.AFFINE, a, b, x);
    }

    /** {@code op(r[x], r[y])}. */
    public int binary(BinaryOp op, int x, int y) {
      Objects.requireNonNull(op, "op");
      check(x);
      check(y);
      steps.add(new Step(null, op, null, null, x, y));
      return inputs + steps.size() - 1;
    }

    /** Appends register {@code r} to the outputs. */
    public Builder output(int r) {
      check(r);
      outputs.add(r);
      return this;
    }

    /** The program. */
    public ElementwiseProgram build() {
      if (outputs.isEmpty()) {
        throw new IllegalStateException("an elementwise program needs at least one output");
      }
      int[] out = new int[outputs.size()];
      for (int j = 0; j < out.length; j++) {
        out[j] = outputs.get(j);
      }
      return new ElementwiseProgram(inputs, parameters, steps.toArray(new Step[0]), out);
    }

    private void use(Scalar s) {
      if (s.isParameter()) {
        parameters = Math.max(parameters, s.index() + 1);
      }
    }

    private void check(int r) {
      if (r < 0 || r >= inputs + steps.size()) {
        throw new IllegalArgumentException(
            "elementwise program: register "
                + r
                + " is not defined yet (registers 0.."
                + (inputs + steps.size() - 1)
                + ")");
      }
    }
  }
}
