package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The opencl {@link FusedLayerNorm} ({@link ClLayerNorm}) beyond the testkit's contract, which
 * {@code OpenClBackendContractTest} runs: shapes where the kernels' launch geometry changes
 * (several rows per work-group, rows longer than a work-group, many rows so that the parameter
 * gradients are summed in chunks) against the composite on the reference backend in FLOAT64; the
 * parameter gradients identical bit for bit run to run; and a captured forward and backward step
 * replayed with new inputs, equal to the eager step and setting no kernel argument.
 */
@SuppressWarnings("try") // try (Scope s = Scope.open()) frees each run's tensors
class FusedLayerNormTest {

  private static double[] random(long seed, int n, double scale, double shift) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (shift + scale * (r.nextDouble() * 2 - 1));
    }
    return v;
  }

  /** Value, then the gradients of x, weight and bias of {@code sum(layerNorm(x)·r)}. */
  private static List<double[]> run(Backend b, DType t, int rows, int d, double shift) {
    try (Scope s = Scope.open()) {
      Tensor x = Tensors.of(b, t, random(1, rows * d, 3, shift), rows, d).requiresGrad(true);
      Tensor w = Tensors.of(b, t, random(2, d, 1, 1), d).requiresGrad(true);
      Tensor bias = Tensors.of(b, t, random(3, d, 1, 0), d).requiresGrad(true);
      Tensor r = Tensors.of(b, t, random(4, rows * d, 1, 0), rows, d);
      Tensor y = AttentionOps.layerNorm(x, w, bias, 1e-5);
      y.mul(r).sum().backward();
      List<double[]> out = new ArrayList<>();
      out.add(y.toDoubleArray());
      out.add(x.grad().toDoubleArray());
      out.add(w.grad().toDoubleArray());
      out.add(bias.grad().toDoubleArray());
      return out;
    }
  }

  @AfterAll
  static void closeTrees() {
    FusedLayerNormTreesTest.closeTrees();
  }

  @ParameterizedTest(name = "rows={0} d={1} shift={2} {3} trees={4}")
  @CsvSource({
    "3000, 5, 0, FLOAT32, false",
    "700, 3, 0, FLOAT32, false",
    "257, 384, 0, FLOAT32, false",
    "33, 1025, 50, FLOAT32, false",
    "2048, 64, 0, FLOAT32, false",
    "1500, 17, 3, FLOAT64, false",
    "40, 600, 0, FLOAT64, false",
    "3000, 5, 0, FLOAT32, true",
    "700, 3, 0, FLOAT32, true",
    "257, 384, 0, FLOAT32, true",
    "33, 1025, 50, FLOAT32, true",
    "2048, 64, 0, FLOAT32, true",
    "1500, 17, 3, FLOAT64, true",
    "40, 600, 0, FLOAT64, true"
  })
  void matchesTheCompositeOnTheReference(int rows, int d, double shift, DType t, boolean trees) {
    OpenClBackend cl = trees ? FusedLayerNormTreesTest.trees() : OpenClTests.backend();
    ClLayerNorm fused = (ClLayerNorm) cl.capability(FusedLayerNorm.class).orElseThrow();
    long[] before = fused.calls();
    List<double[]> actual = run(cl, t, rows, d, shift);
    long[] after = fused.calls();
    assertEquals(before[0] + 1, after[0], "one fused forward");
    assertEquals(before[1] + 1, after[1], "one fused backward");
    List<double[]> expected = run(TestBackends.reference(), DType.FLOAT64, rows, d, shift);
    String[] what = {"value", "grad x", "grad weight", "grad bias"};
    double tol = t == DType.FLOAT64 ? 1e-10 : 1e-4;
    for (int i = 0; i < what.length; i++) {
      double[] a = actual.get(i);
      double[] e = expected.get(i);
      assertEquals(e.length, a.length, what[i]);
      // the parameter gradients sum over the rows: their error grows with √rows
      double scale = i >= 2 ? Math.sqrt(rows) : 1;
      for (int j = 0; j < e.length; j++) {
        double err = Math.abs(a[j] - e[j]);
        if (!(err <= tol * scale * (Math.abs(e[j]) + 1))) {
          throw new AssertionError(
              what[i]
                  + " at "
                  + j
                  + " (rows "
                  + rows
                  + ", d "
                  + d
                  + ", "
                  + t
                  + "): expected "
                  + e[j]
                  + ", got "
                  + a[j]);
        }
      }
    }
  }

  @Test
  void parameterGradientsAreTheSameRunToRun() {
    OpenClBackend cl = OpenClTests.backend();
    FusedLayerNorm fused = cl.capability(FusedLayerNorm.class).orElseThrow();
    int rows = 5000;
    int d = 48;
    assertTrue(ClLayerNorm.chunks(rows, d)[0] > 1, "the rows are summed in several chunks");
    DType t = DType.FLOAT32;
    try (Buffer x = upload(cl, random(5, rows * d, 2, 1));
        Buffer w = upload(cl, random(6, d, 1, 1));
        Buffer gy = upload(cl, random(7, rows * d, 1, 0));
        Buffer y = cl.allocateForOverwrite(t, (long) rows * d);
        Buffer mean = cl.allocateForOverwrite(t, rows);
        Buffer rstd = cl.allocateForOverwrite(t, rows);
        Buffer gx = cl.allocateForOverwrite(t, (long) rows * d)) {
      fused.forward(x, w, null, rows, d, 1e-5, y, mean, rstd);
      float[] firstW = null;
      float[] firstB = null;
      for (int run = 0; run < 3; run++) {
        try (Buffer gw = cl.allocateForOverwrite(t, d);
            Buffer gb = cl.allocateForOverwrite(t, d)) {
          fused.backward(gy, x, w, mean, rstd, rows, d, gx, gw, gb);
          float[] sw = download(cl, gw, d);
          float[] sb = download(cl, gb, d);
          if (run == 0) {
            firstW = sw;
            firstB = sb;
          } else {
            assertArrayEquals(firstW, sw, "gWeight of run " + run + " equals run 0's bit for bit");
            assertArrayEquals(firstB, sb, "gBias of run " + run + " equals run 0's bit for bit");
          }
        }
      }
    }
  }

  private static Buffer upload(Backend b, double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    Buffer buf = b.allocateForOverwrite(DType.FLOAT32, f.length);
    b.upload(MemorySegment.ofArray(f), buf, 0, f.length);
    return buf;
  }

  private static float[] download(Backend b, Buffer buf, int n) {
    float[] f = new float[n];
    b.download(buf, 0, n, MemorySegment.ofArray(f));
    return f;
  }

  private static final int ROWS = 40;
  private static final int D = 24;

  /** One training-like step: the output and the gradients of x, the weight and the bias. */
  private static Function<float[], float[][]> step(Backend be, Tensor w, Tensor bias) {
    return x -> {
      try (Scope s = Scope.open()) {
        Tensor in = Tensors.of(be, DType.FLOAT32, x, ROWS, D).requiresGrad(true);
        Tensor y = AttentionOps.layerNorm(in, w, bias, 1e-5);
        y.square().sum().backward();
        float[][] out = {
          y.toFloatArray(),
          in.grad().toFloatArray(),
          w.grad().toFloatArray(),
          bias.grad().toFloatArray()
        };
        w.clearGrad();
        bias.clearGrad();
        return out;
      }
    };
  }

  private static float[] floats(long seed, int n, double scale, double shift) {
    double[] v = random(seed, n, scale, shift);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  @Test
  void aReplayedStepGivesTheEagerResultsAndSetsNoArgument() {
    OpenClTests.assumePlatform();
    try (OpenClBackend raw =
            new OpenClBackend(
                Cl.library(),
                ClDevices.select("0", "0"),
                null,
                OpenClBackend.KERNEL_OBJECTS,
                1L << 28);
        ReplayBackend be = ReplayBackend.borrowing(raw)) {
      ClLayerNorm fused = (ClLayerNorm) raw.capability(FusedLayerNorm.class).orElseThrow();
      Tensor w =
          Scope.outside(
              () -> Tensors.of(be, DType.FLOAT32, floats(2, D, 1, 1), D).requiresGrad(true));
      Tensor bias =
          Scope.outside(
              () -> Tensors.of(be, DType.FLOAT32, floats(3, D, 1, 0), D).requiresGrad(true));
      Function<float[], float[][]> step = step(be, w, bias);
      step.apply(floats(0, ROWS * D, 2, 1)); // what the step makes lazily, outside the capture
      float[] first = floats(1, ROWS * D, 2, 1);
      Plan plan;
      try (Capture c = be.capture((Object) first)) {
        float[][] out = step.apply(first);
        plan = c.finish((Object[]) out).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      try (plan) {
        Object[] out = plan.newOutputs();
        plan.replay(new Object[] {first}, out);
        for (int i = 0; i < 5; i++) {
          float[] x = floats(100 + i, ROWS * D, 2, 1 + i);
          float[][] eager = step.apply(x);
          long[] calls = fused.calls();
          long[] before = raw.launchCounts();
          plan.replay(new Object[] {x}, out);
          long[] after = raw.launchCounts();
          long[] replayed = fused.calls();
          assertEquals(calls[0] + 1, replayed[0], "the replay ran the fused forward");
          assertEquals(calls[1] + 1, replayed[1], "the replay ran the fused backward");
          for (int k = 0; k < eager.length; k++) {
            assertArrayEquals(eager[k], (float[]) out[k], "output " + k + " of step " + i);
          }
          assertEquals(0, after[0] - before[0], "a replay sets no kernel argument");
        }
      }
    }
  }
}
