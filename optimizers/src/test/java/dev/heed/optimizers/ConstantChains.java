package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.UnaryOp;

/**
 * The fused updates with every setting as a constant of the program: one program per step, where a
 * coefficient of exactly 1 is no step at all (its register is the operand itself). The optimizers
 * must give these programs' results bit for bit while building one program per structure.
 */
final class ConstantChains {
  private ConstantChains() {}

  /** {@code a·r}, or {@code r} itself when {@code a} is 1. */
  private static int scale(ElementwiseProgram.Builder b, int r, double a) {
    return a == 1 ? r : b.affine(r, a, 0);
  }

  /**
   * Adam's update: inputs p, g, m, v (and the running maximum with amsgrad); outputs p, m, v (and
   * the maximum).
   */
  static ElementwiseProgram adam(
      boolean decoupled,
      double lr,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      boolean amsgrad,
      boolean maximize,
      double bias1,
      double bias2) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(amsgrad ? 5 : 4);
    int rp = 0;
    int rg = maximize ? b.unary(UnaryOp.NEG, 1) : 1;
    if (decoupled) {
      rp = scale(b, rp, 1 - lr * weightDecay);
    } else if (weightDecay != 0) {
      rg = b.binary(BinaryOp.ADD, rg, scale(b, 0, weightDecay));
    }
    int rm = b.binary(BinaryOp.ADD, scale(b, 2, beta1), scale(b, rg, 1 - beta1));
    int rv =
        b.binary(
            BinaryOp.ADD, scale(b, 3, beta2), scale(b, b.unary(UnaryOp.SQUARE, rg), 1 - beta2));
    int second = amsgrad ? b.binary(BinaryOp.MAX, 4, rv) : rv;
    int denom = b.affine(b.unary(UnaryOp.SQRT, second), 1 / Math.sqrt(bias2), eps);
    int step = scale(b, b.binary(BinaryOp.DIV, rm, denom), -lr / bias1);
    b.output(b.binary(BinaryOp.ADD, rp, step)).output(rm).output(rv);
    if (amsgrad) {
      b.output(second);
    }
    return b.build();
  }

  /** SGD without momentum: inputs p, g; output p. */
  static ElementwiseProgram sgd(double lr, double weightDecay, boolean maximize) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(2);
    int rd = maximize ? b.unary(UnaryOp.NEG, 1) : 1;
    if (weightDecay != 0) {
      rd = b.binary(BinaryOp.ADD, rd, b.affine(0, weightDecay, 0));
    }
    b.output(b.binary(BinaryOp.ADD, 0, b.affine(rd, -lr, 0)));
    return b.build();
  }
}
