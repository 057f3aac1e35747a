package dev.heed.activations;

import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * Building blocks shared by the activations: comparison masks (no gradient), the piecewise-linear
 * forms that pin down the derivative at a kink, and a softplus that neither overflows nor loses its
 * derivative at 0.
 *
 * <p>Kinks follow PyTorch's autograd. A piecewise function is written as {@code f(x)·mask + c},
 * where the 0/1 mask carries no gradient, so the derivative at a breakpoint is that of the piece
 * whose mask includes the breakpoint. Masks are products, never {@code where} between an
 * overflowing and a finite branch, so large inputs give no {@code 0·∞}.
 *
 * <p>Masks compare in the input's dtype, as PyTorch does after converting a scalar option to the
 * tensor's dtype: for FLOAT32 the threshold is rounded to float first, so {@code x = 0.1f} sits
 * exactly on a kink at 0.1 (see {@link dev.heed.core.backend.UnaryOp#STEP}).
 */
final class ActivationOps {
  private ActivationOps() {}

  /** A rank-0 tensor holding {@code value}, of {@code like}'s type and backend. */
  static Tensor scalar(Tensor like, double value) {
    return Tensors.scalar(like.backend(), like.dtype(), value);
  }

  /** 1 where {@code x > t}, else 0, with {@code t} rounded to x's dtype; no gradient. */
  static Tensor gt(Tensor x, double t) {
    return Elementwise.step(x, t);
  }

  /** 1 where {@code x >= t}, else 0; no gradient. */
  static Tensor ge(Tensor x, double t) {
    return Elementwise.greaterEqual(x, scalar(x, t));
  }

  /** 1 where {@code x < t}, else 0; no gradient. */
  static Tensor lt(Tensor x, double t) {
    return Elementwise.less(x, scalar(x, t));
  }

  /** 1 where {@code x <= t}, else 0; no gradient. */
  static Tensor le(Tensor x, double t) {
    return Elementwise.lessEqual(x, scalar(x, t));
  }

  /**
   * {@code min(x, 0)} with derivative 1 at 0 (the derivative of the negative piece of ELU, SELU and
   * CELU, which PyTorch also takes at 0).
   */
  static Tensor nonPositivePart(Tensor x) {
    return Elementwise.clamp(x, Double.NEGATIVE_INFINITY, 0);
  }

  /**
   * {@code ln(1 + e^z)} as {@code max(z, 0) + ln(1 + e^-|z|)}: finite for every finite {@code z},
   * and its tape derivative at 0 is {@code 1/2 = sigmoid(0)} because {@code maximum} splits the
   * gradient evenly at the tie (and {@code |z|}'s derivative at 0 is 0).
   */
  static Tensor softplus(Tensor z) {
    Tensor positive = Elementwise.maximum(z, scalar(z, 0));
    Tensor tail = Elementwise.log1p(Elementwise.exp(Elementwise.neg(Elementwise.abs(z))));
    return Elementwise.add(positive, tail);
  }

  /**
   * {@code min(max(x, lo), hi)} with derivative 1 strictly inside {@code (lo, hi)} and 0 at and
   * beyond the bounds, as PyTorch's {@code hardtanh} and {@code relu6}.
   */
  static Tensor hardtanh(Tensor x, double lo, double hi) {
    Tensor inside = Elementwise.mul(gt(x, lo), lt(x, hi));
    Tensor below = Elementwise.affine(le(x, lo), lo, 0);
    Tensor above = Elementwise.affine(ge(x, hi), hi, 0);
    return Elementwise.add(Elementwise.mul(x, inside), Elementwise.add(below, above));
  }

  /** {@code x·slope(x)} where the slope is 1 for {@code x > 0} and {@code negative} otherwise. */
  static Tensor leaky(Tensor x, double negative) {
    return Elementwise.mul(x, Elementwise.affine(gt(x, 0), 1 - negative, negative));
  }

  /** An {@link OptionsException}-style check that an option is not zero. */
  static double nonZero(String owner, String option, double value) {
    if (value == 0) {
      throw new dev.heed.core.plugin.OptionsException(
          option, owner + " option '" + option + "': found 0, expected a non-zero number");
    }
    return value;
  }
}
