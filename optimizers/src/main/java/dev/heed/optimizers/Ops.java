package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.ElementwiseProgram.Scalar;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;

/**
 * On-device building blocks of the updates, each a core operation (so a backend kernel). Only for
 * use inside {@link GroupedOptimizer#step()}, where gradients are off and a scope is open.
 */
final class Ops {
  private Ops() {}

  /** {@code a·x} */
  static Tensor scale(Tensor x, double a) {
    return a == 1 ? x : Elementwise.affine(x, a, 0);
  }

  /** {@code target += a·x} in place. */
  static void addScaled(Tensor target, Tensor x, double a) {
    Elementwise.addInPlace(target, scale(x, a));
  }

  /** {@code target = a·target} in place. */
  static void scaleInPlace(Tensor target, double a) {
    if (a != 1) {
      Elementwise.applyInPlace(UnaryOp.AFFINE, a, 0, target);
    }
  }

  /** {@code target = a·target + b·x} in place (an exponential moving average when b = 1 - a). */
  static void blend(Tensor target, double a, Tensor x, double b) {
    scaleInPlace(target, a);
    addScaled(target, x, b);
  }

  /** The gradient, negated when maximizing. */
  static Tensor gradient(Parameter p, boolean maximize) {
    return maximize ? Elementwise.neg(p.grad()) : p.grad();
  }

  /** {@code g + weightDecay·p} (L2 penalty folded into the gradient), or {@code g} when 0. */
  static Tensor l2(Tensor g, Tensor p, double weightDecay) {
    return weightDecay == 0 ? g : Elementwise.add(g, scale(p, weightDecay));
  }

  /**
   * In a chain: {@code a·r} for a coefficient given at run time, as the step {@code a·r + z} whose
   * {@code a} and {@code z} are run-time parameters {@code index} and {@code index + 1}, set by
   * {@link #scale(double[], int, double)}. The program is the same whatever {@code a} is.
   */
  static int scale(ElementwiseProgram.Builder b, int r, int index) {
    return b.affine(r, Scalar.parameter(index), Scalar.parameter(index + 1));
  }

  /**
   * Sets the two run-time parameters of a chain's {@link #scale(ElementwiseProgram.Builder, int,
   * int) scale} step to compute {@code a·r} exactly as {@link #scale(Tensor, double)} does: {@code
   * a·r + 0} (what the affine kernel computes) when {@code a ≠ 1}, and {@code r} itself when {@code
   * a} is 1: {@code 1·r + (−0)} is {@code r} bit for bit, a zero keeping its sign, where {@code 1·r
   * + 0} would turn {@code −0} into {@code +0}.
   */
  static void scale(double[] parameters, int index, double a) {
    parameters[index] = a;
    parameters[index + 1] = a == 1 ? -0.0 : 0.0;
  }

  /**
   * In a chain: {@code a·x + c·y} with the coefficients of run-time parameters {@code a} and {@code
   * c}, each applied by {@link #scale(ElementwiseProgram.Builder, int, int) scale} — a moving
   * average {@code β·m + (1-β)·g}, as the separate kernels' {@code blend} computes it.
   */
  static int blend(ElementwiseProgram.Builder b, int x, int a, int y, int c) {
    return b.binary(BinaryOp.ADD, scale(b, x, a), scale(b, y, c));
  }

  /**
   * In a chain whose input 0 is the parameter: the gradient {@code g} with L2 weight decay, {@code
   * g + decay·p}, the coefficient run-time parameter {@code decay} (as {@link #l2(Tensor, Tensor,
   * double)}).
   */
  static int l2(ElementwiseProgram.Builder b, int g, int decay) {
    return b.binary(BinaryOp.ADD, g, scale(b, 0, decay));
  }
}
