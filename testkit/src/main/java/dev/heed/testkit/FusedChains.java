package dev.heed.testkit;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.UnaryOp;
import java.util.Arrays;
import java.util.List;

/** The elementwise chains {@link BackendContract#fusedElementwise} runs, with inputs and oracle. */
final class FusedChains {
  private FusedChains() {}

  /**
   * An activation derivative ({@code g·(1 - y²)}), Adam's update ({@code p, g, m, v → p, m, v}) and
   * a chain through the vectorised unary and binary operations (inputs in their domains: the third
   * input is positive).
   */
  static List<ElementwiseProgram> programs() {
    ElementwiseProgram.Builder tanh = ElementwiseProgram.builder(2);
    tanh.output(tanh.binary(BinaryOp.MUL, 0, tanh.affine(tanh.unary(UnaryOp.SQUARE, 1), -1, 1)));

    ElementwiseProgram.Builder adam = ElementwiseProgram.builder(4);
    int m = adam.binary(BinaryOp.ADD, adam.affine(2, 0.9, 0), adam.affine(1, 0.1, 0));
    int v =
        adam.binary(
            BinaryOp.ADD,
            adam.affine(3, 0.999, 0),
            adam.affine(adam.unary(UnaryOp.SQUARE, 1), 1e-3, 0));
    int denom = adam.affine(adam.unary(UnaryOp.SQRT, v), 1 / Math.sqrt(0.02), 1e-8);
    int step = adam.affine(adam.binary(BinaryOp.DIV, m, denom), -1e-3 / 0.2, 0);
    adam.output(adam.binary(BinaryOp.ADD, 0, step)).output(m).output(v);

    ElementwiseProgram.Builder all = ElementwiseProgram.builder(3);
    int e = all.unary(UnaryOp.EXP, all.affine(0, 0.5, 0));
    int l = all.unary(UnaryOp.LOG, 2);
    int s = all.unary(UnaryOp.SQRT, 2);
    int th = all.unary(UnaryOp.TANH, 1);
    int sg = all.unary(UnaryOp.SIGMOID, 0);
    int r = all.unary(UnaryOp.RELU, 1);
    int ab = all.unary(UnaryOp.ABS, all.unary(UnaryOp.NEG, 0));
    int rc = all.unary(UnaryOp.RECIPROCAL, 2);
    int st = all.unary(UnaryOp.STEP, 0.25, 0, 1);
    int sum =
        all.binary(BinaryOp.ADD, all.binary(BinaryOp.SUB, e, l), all.binary(BinaryOp.MUL, s, th));
    int q = all.binary(BinaryOp.DIV, sg, rc);
    int mx = all.binary(BinaryOp.MAX, r, ab);
    int mn = all.binary(BinaryOp.MIN, sum, q);
    int pw = all.binary(BinaryOp.POW, 2, st);
    int gt = all.binary(BinaryOp.GT, r, ab); // exact operands: no rounding can flip it
    all.output(all.binary(BinaryOp.ADD, all.binary(BinaryOp.MUL, mn, pw), gt)).output(mx);
    return List.of(tanh.build(), adam.build(), all.build());
  }

  /**
   * Inputs of {@code n} elements, representable in {@code t}: standard normal, except that input 2
   * (and input 3, Adam's second moment) is positive.
   */
  static double[][] inputs(ElementwiseProgram program, long seed, int n, DType t) {
    double[][] in = new double[program.inputs()][];
    for (int i = 0; i < in.length; i++) {
      double[] v = Samples.normal(seed + i, n);
      if (i >= 2) {
        for (int e = 0; e < n; e++) {
          v[e] = 0.1 + Math.abs(v[e]);
        }
      }
      in[i] = KernelOracle.convert(t, v);
    }
    return in;
  }

  /**
   * The outputs by {@link ElementwiseProgram#evaluate} for the first {@code n} elements, followed
   * by {@code sentinel} where nothing may be written.
   */
  static double[][] expected(
      ElementwiseProgram program, double[][] in, int n, DType t, double sentinel) {
    int total = in[0].length;
    double[][] out = new double[program.outputCount()][total];
    for (double[] o : out) {
      Arrays.fill(o, sentinel);
    }
    double[] x = new double[in.length];
    for (int e = 0; e < n; e++) {
      for (int i = 0; i < in.length; i++) {
        x[i] = in[i][e];
      }
      double[] y = program.evaluate(x, t == DType.FLOAT32);
      for (int j = 0; j < y.length; j++) {
        out[j][e] = y[j];
      }
    }
    return out;
  }
}
