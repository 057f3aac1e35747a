package dev.heed.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Seeds;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.FusedMaxPool2dContract;
import dev.heed.testkit.TestBackends;
import dev.heed.testkit.TorchFixture;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vision layers against PyTorch's own modules ({@code make_fixtures.py}): PyTorch's weights and
 * buffers loaded by their state_dict names, the same input, and the output and the gradients of
 * {@code Σ output·R} with respect to the input and every parameter compared; batch norm also
 * compares the running statistics after a training step and an evaluation-mode output. Float64
 * agrees within 1e-9, float32 within 1e-4 (relative to {@code max(1, |expected|)}). Max pooling
 * also runs on testkit's fixture ({@code make_maxpool2d_fixture.py}: NaNs, ties, infinities) on
 * every backend, where it must agree exactly.
 */
@SuppressWarnings("try")
class PyTorchFixtureTest {
  @TempDir Path tmp;

  private static double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-9 : 1e-4;
  }

  /** Runs {@code make(fixture, ctx)} on the fixture's input and compares everything. */
  private void check(String name, DType dtype, boolean training, Maker make) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      Layer layer = make.make(f, BuildContext.of(ref, dtype, 1));
      f.loadInto(layer);
      Tensor x = f.input("x");
      ForwardContext ctx =
          training ? ForwardContext.training(new Seeds(3)) : ForwardContext.inference();
      Tensor y = layer.forward(x, ctx);
      f.loss(y).backward();
      double tol = tolerance(dtype);
      f.assertClose("output", y, "expected.output", tol);
      f.assertClose("input gradient", x.grad(), "grad.x", tol);
      f.assertParameterGradients(layer, tol);
      if (f.tensors.containsKey("input.eval")) {
        for (var e : layer.namedBuffers().entrySet()) {
          if (e.getValue().dtype() == DType.INT32) {
            assertArrayEquals(
                f.get("after." + e.getKey()).toIntArray(),
                e.getValue().toIntArray(),
                name + ": " + e.getKey());
          } else {
            f.assertClose(e.getKey() + " after the step", e.getValue(), "after." + e.getKey(), tol);
          }
        }
        Tensor eval = layer.forward(f.get("input.eval"), ForwardContext.inference());
        f.assertClose("evaluation output", eval, "expected.eval", tol);
      }
    }
  }

  @FunctionalInterface
  private interface Maker {
    Layer make(Fixture f, BuildContext ctx);
  }

  private static Layer conv2d(Fixture f, BuildContext ctx) {
    return new Conv2d(
        f.intValue("in"),
        f.intValue("out"),
        f.ints("kernel"),
        f.ints("stride"),
        f.ints("padding"),
        f.ints("dilation"),
        f.intValue("groups"),
        "true".equals(f.metadata.get("bias")),
        null,
        ctx);
  }

  private static Layer conv1d(Fixture f, BuildContext ctx) {
    return new Conv1d(
        f.intValue("in"),
        f.intValue("out"),
        f.intValue("kernel"),
        f.intValue("stride"),
        f.intValue("padding"),
        f.intValue("dilation"),
        f.intValue("groups"),
        "true".equals(f.metadata.get("bias")),
        ctx);
  }

  private static Function<Fixture, Layer> pool(Pool2d.Kind kind) {
    return f -> {
      int k = f.intValue("kernel");
      int s = f.intValue("stride");
      int p = f.intValue("padding");
      int d = kind == Pool2d.Kind.MAX ? f.intValue("dilation") : 1;
      boolean include =
          kind == Pool2d.Kind.MAX || "true".equals(f.metadata.get("count_include_pad"));
      return new Pool2d(
          kind,
          new int[] {k, k},
          new int[] {s, s},
          new int[] {p, p},
          new int[] {d, d},
          include,
          null);
    };
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64", "FLOAT32"})
  void conv2d(DType dtype) {
    for (String name : new String[] {"conv2d_basic", "conv2d_general", "conv2d_depthwise"}) {
      check(name, dtype, false, PyTorchFixtureTest::conv2d);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64", "FLOAT32"})
  void conv1d(DType dtype) {
    for (String name : new String[] {"conv1d", "conv1d_groups"}) {
      check(name, dtype, false, PyTorchFixtureTest::conv1d);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64", "FLOAT32"})
  void pooling(DType dtype) {
    check("maxpool2d", dtype, false, (f, c) -> pool(Pool2d.Kind.MAX).apply(f));
    check("maxpool2d_dilated", dtype, false, (f, c) -> pool(Pool2d.Kind.MAX).apply(f));
    check("avgpool2d", dtype, false, (f, c) -> pool(Pool2d.Kind.AVG).apply(f));
    check("avgpool2d_exclude", dtype, false, (f, c) -> pool(Pool2d.Kind.AVG).apply(f));
    check(
        "adaptive_avgpool2d",
        dtype,
        false,
        (f, c) -> new AdaptiveAvgPool2d(f.intValue("out_h"), f.intValue("out_w"), null));
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64", "FLOAT32"})
  void batchNormTrainsAndEvaluatesAsPyTorch(DType dtype) {
    check(
        "batchnorm2d",
        dtype,
        true,
        (f, c) -> new BatchNorm("batch-norm2d", f.intValue("channels"), 1e-5, 0.1, true, true, c));
    check(
        "batchnorm1d",
        dtype,
        true,
        (f, c) -> new BatchNorm("batch-norm1d", f.intValue("channels"), 1e-5, 0.1, true, false, c));
    check(
        "batchnorm1d_seq",
        dtype,
        true,
        (f, c) -> new BatchNorm("batch-norm1d", f.intValue("channels"), 1e-5, 0.3, true, false, c));
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64", "FLOAT32"})
  void patchEmbedding(DType dtype) {
    check(
        "patch_embedding",
        dtype,
        false,
        (f, c) ->
            new PatchEmbedding(
                new ImageShape(f.intValue("channels"), 6, 6),
                f.intValue("patch"),
                f.intValue("dim"),
                true,
                c));
  }

  /** testkit's max pooling fixture (PyTorch 1.13's max_pool2d over NaNs, ties, ±∞ and ±0). */
  private static final class MaxPoolFixture extends TorchFixture {
    MaxPoolFixture(Backend backend, DType dtype, Path tmp) {
      super(
          "maxpool2d_pytorch",
          FusedMaxPool2dContract.class.getResourceAsStream("maxpool2d_pytorch.safetensors"),
          "testkit/src/test/fixtures/make_maxpool2d_fixture.py",
          backend,
          dtype,
          tmp);
    }

    int[] pair(String key) {
      String[] v = metadata.get(key).split(",");
      return new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1])};
    }
  }

  /**
   * Equal values, NaN meeting NaN ({@code -0} meets {@code 0}: a zero maximum's sign may differ).
   */
  private static void assertSameValues(String what, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      boolean same = Double.isNaN(expected[i]) ? Double.isNaN(actual[i]) : expected[i] == actual[i];
      assertTrue(
          same, what + " at flat index " + i + ": " + actual[i] + ", PyTorch " + expected[i]);
    }
  }

  /**
   * The {@code max-pool2d} layer on every backend found, against PyTorch's output and input
   * gradient exactly: a window's gradient goes to its first maximum on ties, or to its last NaN;
   * tiling, overlapping, padded and dilated windows.
   */
  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64", "FLOAT32"})
  void maxPoolingRoutesNaNsAsPyTorch(DType dtype) {
    for (String backend : TestBackends.availableNames()) {
      Backend be = TestBackends.open(backend);
      if (!be.supports(dtype)) {
        continue;
      }
      try (Scope scope = Scope.open()) {
        MaxPoolFixture f = new MaxPoolFixture(be, dtype, tmp);
        for (String c : f.metadata.get("cases").split(",")) {
          Layer layer =
              new Pool2d(
                  Pool2d.Kind.MAX,
                  f.pair(c + ".kernel"),
                  f.pair(c + ".stride"),
                  f.pair(c + ".padding"),
                  f.pair(c + ".dilation"),
                  true,
                  null);
          Tensor x = f.get(c + ".x").requiresGrad(true);
          Tensor y = layer.forward(x, ForwardContext.inference());
          y.backward(f.get(c + ".gy"));
          String what = backend + " " + dtype + " " + c;
          assertSameValues(what + " output", f.get(c + ".y").toDoubleArray(), y.toDoubleArray());
          assertSameValues(
              what + " input gradient", f.get(c + ".gx").toDoubleArray(), x.grad().toDoubleArray());
        }
      }
    }
  }
}
