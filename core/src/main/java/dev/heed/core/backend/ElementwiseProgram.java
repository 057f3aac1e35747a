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
 * {@code a}, {@code b}) of one register or a {@link BinaryOp} of two. {@link #outputs()} names the
 * registers written out, in order. The meaning is {@link #evaluate}: every step rounded to the
 * element type, which is exactly what running the steps as separate {@link Backend#unary} and
 * {@link Backend#binary} kernels gives on the reference backend.
 *
 * <p>Immutable; build one with {@link #builder(int)}.
 */
public final class ElementwiseProgram {
  /**
   * One step: {@code unary} of register {@code x}, or {@code binary} of {@code x} and {@code y}.
   */
  public record Step(UnaryOp unary, BinaryOp binary, double a, double b, int x, int y) {
    /** Exactly one of the two operations is set. */
    public Step {
      if ((unary == null) == (binary == null)) {
        throw new IllegalArgumentException("a step is one unary or one binary operation");
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
  private final Step[] steps;
  private final int[] outputs;

  private ElementwiseProgram(int inputs, Step[] steps, int[] outputs) {
    this.inputs = inputs;
    this.steps = steps;
    this.outputs = outputs;
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
   * The normative value of the outputs for one element: {@code in[i]} is input {@code i}'s element;
   * when {@code float32}, every step is rounded to float as a FLOAT32 kernel would store it.
   */
  public double[] evaluate(double[] in, boolean float32) {
    if (in.length != inputs) {
      throw new IllegalArgumentException(
          "elementwise program: " + in.length + " input values for " + inputs + " inputs");
    }
    double[] r = Arrays.copyOf(in, registers());
    for (int i = 0; i < steps.length; i++) {
      Step s = steps[i];
      double v = s.unary != null ? s.unary.apply(r[s.x], s.a, s.b) : s.binary.apply(r[s.x], r[s.y]);
      r[inputs + i] = float32 ? (float) v : v;
    }
    double[] out = new double[outputs.length];
    for (int j = 0; j < outputs.length; j++) {
      out[j] = r[outputs[j]];
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("program(inputs r0..r").append(inputs - 1);
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
    private final List<Step> steps = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();

    private Builder(int inputs) {
      this.inputs = inputs;
    }

    /** {@code op(r[x]; a, b)}. */
    public int unary(UnaryOp op, double a, double b, int x) {
      Objects.requireNonNull(op, "op");
      check(x);
      steps.add(new Step(op, null, a, b, x, -1));
      return inputs + steps.size() - 1;
    }

    /** {@code op(r[x])} for an operation without parameters. */
    public int unary(UnaryOp op, int x) {
      return unary(op, 0, 0, x);
    }

    /** {@code a·r[x] + b}. */
    public int affine(int x, double a, double b) {
      return unary(UnaryOp.AFFINE, a, b, x);
    }

    /** {@code op(r[x], r[y])}. */
    public int binary(BinaryOp op, int x, int y) {
      Objects.requireNonNull(op, "op");
      check(x);
      check(y);
      steps.add(new Step(null, op, 0, 0, x, y));
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
      return new ElementwiseProgram(inputs, steps.toArray(new Step[0]), out);
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
