package dev.heed.testkit;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.ElementwiseProgram.Scalar;
import dev.heed.core.backend.UnaryOp;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The elementwise programs {@link FusedElementwiseContract} runs, with inputs and oracle. */
final class FusedChains {
  private FusedChains() {}

  /**
   * A program and sets of values of its run-time parameters.
   *
   * @param name for reports
   * @param program the chain
   * @param parameters sets of parameter values to run it with, one after another
   */
  record Chain(String name, ElementwiseProgram program, double[][] parameters) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * An activation derivative ({@code g·(1 - y²)}, constants only); Adam's update ({@code p, g, m, v
   * → p, m, v}) with the step size and bias corrections as parameters; SGD with weight decay (both
   * factors parameters, one program input written twice); a chain through every unary and binary
   * operation with STEP's threshold, CLAMP's bounds, POW's exponent and an affine factor as
   * parameters (the threshold 0.1, which float32 cannot represent); and one parameter used in two
   * roles. The third input of each program (and Adam's fourth) is positive.
   */
  static List<Chain> chains() {
    ElementwiseProgram.Builder tanh = ElementwiseProgram.builder(2);
    tanh.output(tanh.binary(BinaryOp.MUL, 0, tanh.affine(tanh.unary(UnaryOp.SQUARE, 1), -1, 1)));

    ElementwiseProgram.Builder adam = ElementwiseProgram.builder(4);
    Scalar stepSize = adam.parameter();
    Scalar correction = adam.parameter();
    int m = adam.binary(BinaryOp.ADD, adam.affine(2, 0.9, 0), adam.affine(1, 0.1, 0));
    int v =
        adam.binary(
            BinaryOp.ADD,
            adam.affine(3, 0.999, 0),
            adam.affine(adam.unary(UnaryOp.SQUARE, 1), 1e-3, 0));
    int denom =
        adam.affine(
            adam.unary(UnaryOp.SQRT, v), correction, ElementwiseProgram.Scalar.constant(1e-8));
    int step = adam.affine(adam.binary(BinaryOp.DIV, m, denom), stepSize, Scalar.constant(0));
    adam.output(adam.binary(BinaryOp.ADD, 0, step)).output(m).output(v);
    double[][] adamSteps = new double[3][];
    int[] at = {1, 2, 50};
    for (int i = 0; i < at.length; i++) {
      double bc1 = 1 - Math.pow(0.9, at[i]);
      double bc2 = 1 - Math.pow(0.999, at[i]);
      adamSteps[i] = new double[] {-1e-3 / bc1, 1 / Math.sqrt(bc2)};
    }

    ElementwiseProgram.Builder sgd = ElementwiseProgram.builder(2);
    Scalar decay = sgd.parameter();
    Scalar lr = sgd.parameter();
    sgd.output(
        sgd.binary(
            BinaryOp.ADD,
            sgd.affine(0, decay, Scalar.constant(0)),
            sgd.affine(1, lr, Scalar.constant(0))));

    ElementwiseProgram.Builder all = ElementwiseProgram.builder(3);
    Scalar threshold = all.parameter();
    Scalar low = all.parameter();
    Scalar high = all.parameter();
    Scalar exponent = all.parameter();
    Scalar factor = all.parameter();
    int e = all.unary(UnaryOp.EXP, all.affine(0, factor, Scalar.constant(0)));
    int l = all.unary(UnaryOp.LOG, 2);
    int s = all.unary(UnaryOp.SQRT, 2);
    int th = all.unary(UnaryOp.TANH, 1);
    int sg = all.unary(UnaryOp.SIGMOID, 0);
    int r = all.unary(UnaryOp.RELU, 1);
    int ab = all.unary(UnaryOp.ABS, all.unary(UnaryOp.NEG, 0));
    int rc = all.unary(UnaryOp.RECIPROCAL, 2);
    int st = all.unary(UnaryOp.STEP, threshold, Scalar.constant(0), 0);
    int cl = all.unary(UnaryOp.CLAMP, low, high, 1);
    int pw = all.unary(UnaryOp.POW, exponent, Scalar.constant(0), 2);
    int sum =
        all.binary(BinaryOp.ADD, all.binary(BinaryOp.SUB, e, l), all.binary(BinaryOp.MUL, s, th));
    int q = all.binary(BinaryOp.DIV, sg, rc);
    int mx = all.binary(BinaryOp.MAX, r, ab);
    int mn = all.binary(BinaryOp.MIN, sum, q);
    int pb = all.binary(BinaryOp.POW, 2, st);
    int gt = all.binary(BinaryOp.GT, r, ab); // exact operands: no rounding can flip it
    all.output(all.binary(BinaryOp.ADD, all.binary(BinaryOp.MUL, mn, pb), gt))
        .output(mx)
        .output(all.binary(BinaryOp.ADD, cl, pw))
        .output(st);

    ElementwiseProgram.Builder twice = ElementwiseProgram.builder(1);
    Scalar p = twice.parameter();
    twice.output(
        twice.binary(
            BinaryOp.MUL,
            twice.unary(UnaryOp.STEP, p, Scalar.constant(0), 0),
            twice.affine(0, Scalar.constant(1), p)));

    return List.of(
        new Chain("tanh derivative g·(1 - y²)", tanh.build(), new double[][] {{}}),
        new Chain("Adam update with parameters", adam.build(), adamSteps),
        new Chain(
            "SGD with weight decay, parameters only",
            sgd.build(),
            new double[][] {{0.999, -0.01}, {1, -0.5}, {0, 0}}),
        new Chain(
            "every operation, with STEP, CLAMP, POW and AFFINE parameters",
            all.build(),
            new double[][] {{0.1, -0.1, 0.3, 1.5, 0.5}, {-0.25, -1, 1, 0.5, -0.5}}),
        new Chain(
            "one parameter as a threshold and an offset",
            twice.build(),
            new double[][] {{0.1}, {-0.5}, {2}}));
  }

  static Chain chain(String name) {
    return chains().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  static Stream<Arguments> cases() {
    return chains().stream()
        .flatMap(c -> Stream.of(DType.FLOAT32, DType.FLOAT64).map(t -> Arguments.of(c.name(), t)));
  }

  /**
   * Inputs of {@code n} elements, representable in {@code t}: standard normal, except that inputs
   * from the third on are positive. Every fifth element of input 0 is {@code 0.1} or {@code 0.1f}
   * (at a threshold).
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
      if (i == 0) {
        for (int e = 0; e < n; e += 5) {
          v[e] = (e / 5) % 2 == 0 ? 0.1 : 0.1f;
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
      ElementwiseProgram program,
      double[] parameters,
      double[][] in,
      int n,
      DType t,
      double sentinel) {
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
      double[] y = program.evaluate(x, parameters, t == DType.FLOAT32);
      for (int j = 0; j < y.length; j++) {
        out[j][e] = y[j];
      }
    }
    return out;
  }
}
