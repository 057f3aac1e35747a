package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.ElementwiseProgram.Scalar;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The opencl {@link FusedElementwise}: a program is built once per structure while its run-time
 * parameters change from call to call, outputs may overwrite inputs, and every value agrees with
 * {@link ElementwiseProgram#evaluate} (FLOAT32 comparisons and clamps exactly, as {@link
 * UnaryOp#applyFloat32} rounds their parameters).
 */
class FusedElementwiseTest {

  /** A fresh backend, so that its count of programs built starts at zero. */
  private static OpenClBackend ownBackend() {
    OpenClTests.assumePlatform();
    BackendProvider p = Plugins.shared().backends().get("opencl");
    return (OpenClBackend) p.create(p.options().defaults("opencl"));
  }

  private static ClFused fused(OpenClBackend b) {
    return (ClFused) b.capability(FusedElementwise.class).orElseThrow();
  }

  private static Buffer upload(Backend b, DType t, double[] v) {
    Buffer buf = b.allocate(t, v.length);
    if (t == DType.FLOAT32) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      b.upload(MemorySegment.ofArray(f), buf, 0, v.length);
    } else {
      b.upload(MemorySegment.ofArray(v), buf, 0, v.length);
    }
    return buf;
  }

  private static double[] download(Backend b, Buffer buf) {
    int n = (int) buf.size();
    double[] v = new double[n];
    if (buf.dtype() == DType.FLOAT32) {
      float[] f = new float[n];
      b.download(buf, 0, n, MemorySegment.ofArray(f));
      for (int i = 0; i < n; i++) {
        v[i] = f[i];
      }
    } else {
      b.download(buf, 0, n, MemorySegment.ofArray(v));
    }
    return v;
  }

  /**
   * Adam's update with the learning rate and both bias corrections as run-time parameters, writing
   * p, m and v in place: {@code m = β1·m + (1-β1)·g}, {@code v = β2·v + (1-β2)·g²}, {@code p = p -
   * lr·(m·c1)/(√(v·c2) + ε)}.
   */
  private static ElementwiseProgram adam() {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(4); // p, m, v, g
    Scalar negLr = b.parameter();
    Scalar c1 = b.parameter();
    Scalar c2 = b.parameter();
    Scalar zero = Scalar.constant(0);
    int m = b.binary(BinaryOp.ADD, b.affine(1, 0.87, 0), b.affine(3, 0.13, 0));
    int v =
        b.binary(
            BinaryOp.ADD, b.affine(2, 0.997, 0), b.affine(b.unary(UnaryOp.SQUARE, 3), 0.003, 0));
    int mHat = b.affine(m, c1, zero);
    int vHat = b.affine(v, c2, zero);
    int denominator = b.affine(b.unary(UnaryOp.SQRT, vHat), 1, 1e-7);
    int step = b.affine(b.binary(BinaryOp.DIV, mHat, denominator), negLr, zero);
    int p = b.binary(BinaryOp.ADD, 0, step);
    return b.output(p).output(m).output(v).build();
  }

  @Test
  void hundredAdamStepsWithChangingParametersBuildOneProgram() {
    ElementwiseProgram program = adam();
    int n = 1000;
    Random r = new Random(3);
    double[][] state = new double[4][n]; // p, m, v, g as float values
    for (int e = 0; e < n; e++) {
      state[0][e] = (float) r.nextGaussian();
      state[1][e] = (float) (0.1 * r.nextGaussian());
      state[2][e] = (float) (0.01 * r.nextDouble());
      state[3][e] = (float) r.nextGaussian();
    }
    try (OpenClBackend cl = ownBackend()) {
      Buffer[] in = new Buffer[4];
      for (int i = 0; i < 4; i++) {
        in[i] = upload(cl, DType.FLOAT32, state[i]);
      }
      Buffer[] out = {in[0], in[1], in[2]};
      assertEquals(0, fused(cl).builds(), "a fresh backend has built no program");
      for (int t = 1; t <= 100; t++) {
        double[] params = {
          -1e-2 * (1 - t / 200.0), 1 / (1 - Math.pow(0.87, t)), 1 / (1 - Math.pow(0.997, t))
        };
        fused(cl).run(program, params, in, out, n);
        for (int e = 0; e < n; e++) {
          double[] x = {state[0][e], state[1][e], state[2][e], state[3][e]};
          double[] y = program.evaluate(x, params, true);
          state[0][e] = y[0];
          state[1][e] = y[1];
          state[2][e] = y[2];
        }
      }
      assertEquals(1, fused(cl).builds(), "programs built for 100 steps of one structure");
      String[] names = {"p", "m", "v"};
      for (int j = 0; j < 3; j++) {
        double[] got = download(cl, in[j]);
        for (int e = 0; e < n; e++) {
          double want = state[j][e];
          assertTrue(
              Math.abs(got[e] - want) <= 1e-4 * (Math.abs(want) + 1e-3),
              names[j] + "[" + e + "] after 100 steps: " + got[e] + ", expected " + want);
        }
      }
      for (Buffer b : in) {
        b.close();
      }
    }
  }

  /**
   * One program applying every unary operation (STEP and CLAMP with constant and with run-time
   * parameters) and every binary operation to two inputs that hold special values; output 0
   * overwrites input 0.
   */
  @Test
  void everyOperationAgreesWithEvaluate() {
    OpenClBackend cl = OpenClTests.backend();
    double[] specials = {
      0.1f,
      0.1,
      -0.3f,
      0.7f,
      0.0,
      -0.0,
      1.0,
      -1.0,
      2.5,
      -2.5,
      1e-30,
      80,
      -80,
      1e30,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      0.6999999f,
      -0.30000001f
    };
    Random r = new Random(5);
    int n = 300;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int e = 0; e < n; e++) {
      x[e] = e < specials.length ? specials[e] : 4 * r.nextGaussian();
      y[e] = specials[(e * 7 + 3) % specials.length];
      if (e >= 2 * specials.length) {
        y[e] = 4 * r.nextGaussian();
      }
    }
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(2);
    Scalar threshold = b.parameter();
    Scalar low = b.parameter();
    Scalar high = b.parameter();
    List<String> names = new ArrayList<>();
    for (UnaryOp op : UnaryOp.values()) {
      double a = op == UnaryOp.CLAMP ? -0.3 : op == UnaryOp.STEP ? 0.1 : 2.5;
      double c = op == UnaryOp.CLAMP ? 0.7 : -0.75;
      b.output(b.unary(op, a, c, 0));
      names.add(op + "(x, " + a + ", " + c + ")");
    }
    b.output(b.unary(UnaryOp.STEP, threshold, Scalar.constant(0), 0));
    names.add("STEP(x, p0)");
    b.output(b.unary(UnaryOp.CLAMP, low, high, 0));
    names.add("CLAMP(x, p1, p2)");
    for (BinaryOp op : BinaryOp.values()) {
      b.output(b.binary(op, 0, 1));
      names.add(op + "(x, y)");
    }
    ElementwiseProgram program = b.build();
    double[] params = {0.1, -0.3, 0.7};
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      if (!fused(cl).supports(t)) {
        continue;
      }
      boolean f32 = t == DType.FLOAT32;
      Buffer xb = upload(cl, t, x);
      Buffer yb = upload(cl, t, y);
      Buffer[] out = new Buffer[program.outputCount()];
      out[0] = xb; // in place
      for (int j = 1; j < out.length; j++) {
        out[j] = cl.allocate(t, n);
      }
      fused(cl).run(program, params, new Buffer[] {xb, yb}, out, n);
      for (int j = 0; j < out.length; j++) {
        double[] got = download(cl, out[j]);
        for (int e = 0; e < n; e++) {
          double xe = f32 ? (float) x[e] : x[e];
          double ye = f32 ? (float) y[e] : y[e];
          if (names.get(j).startsWith("POW(x, y)") && !Double.isFinite(xe + ye)) {
            continue; // pow's NaN and infinite cases differ between Java and C99 (not specified)
          }
          double want = program.evaluate(new double[] {xe, ye}, params, f32)[j];
          String what = t + " " + names.get(j) + " at x=" + xe + ", y=" + ye;
          assertAgrees(what, want, got[e], exact(names.get(j)) ? 0 : f32 ? 1e-5 : 1e-12);
        }
      }
      for (Buffer o : out) {
        o.close();
      }
      yb.close();
    }
  }

  /** Operations whose results the rules fix exactly (selections and comparisons). */
  private static boolean exact(String name) {
    for (String s : new String[] {"STEP", "CLAMP", "NEG", "ABS", "SIGN", "RELU", "MAX", "MIN"}) {
      if (name.startsWith(s)) {
        return true;
      }
    }
    return name.matches("(GT|GE|LT|LE|EQ|NE)\\(.*");
  }

  private static void assertAgrees(String what, double want, double got, double tol) {
    boolean ok =
        Double.isNaN(want)
            ? Double.isNaN(got)
            : want == got || Math.abs(got - want) <= tol * Math.abs(want) + 1e-300;
    assertTrue(ok, what + ": got " + got + ", expected " + want);
  }
}
