package dev.heed.testkit;

import static dev.heed.testkit.GradientChecker.assertGradients;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.core.tensor.Windows;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every differentiable operation of core, and the core losses and Dense, pass the checker. */
@SuppressWarnings("try")
class CoreOpsGradientTest {
  private final Backend ref = TestBackends.reference();
  private Scope scope;
  private long seed = 1;

  @BeforeEach
  void open() {
    scope = Scope.open();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  /** Values in ±[0.1, 2): away from 0, where abs, relu and friends have kinks. */
  private Tensor x(int... shape) {
    return Tensors.of(
        ref, DType.FLOAT64, Samples.awayFromZero(seed++, Samples.size(shape), 0.1, 2), shape);
  }

  /** Values in [0.5, 2). */
  private Tensor positive(int... shape) {
    return Tensors.of(
        ref, DType.FLOAT64, Samples.uniform(seed++, Samples.size(shape), 0.5, 2), shape);
  }

  private void unary(UnaryOperator<Tensor> op, Tensor input) {
    assertGradients(in -> op.apply(in.get(0)), List.of(input));
  }

  private void binary(java.util.function.BinaryOperator<Tensor> op, Tensor a, Tensor b) {
    assertGradients(in -> op.apply(in.get(0), in.get(1)), List.of(a, b));
  }

  // ------------------------------------------------------------------ Elementwise

  @Test
  void elementwiseUnary() {
    unary(Elementwise::neg, x(3, 4));
    unary(Elementwise::abs, x(3, 4));
    unary(Elementwise::exp, x(3, 4));
    unary(Elementwise::expm1, x(3, 4));
    unary(Elementwise::log, positive(3, 4));
    unary(Elementwise::log1p, positive(3, 4));
    unary(Elementwise::sqrt, positive(3, 4));
    unary(Elementwise::reciprocal, x(3, 4));
    unary(Elementwise::square, x(3, 4));
    unary(Elementwise::sin, x(3, 4));
    unary(Elementwise::cos, x(3, 4));
    unary(Elementwise::tanh, x(3, 4));
    unary(Elementwise::sigmoid, x(3, 4));
    unary(Elementwise::relu, x(3, 4));
    unary(Elementwise::erf, x(3, 4));
    unary(t -> Elementwise.affine(t, 1.5, -0.3), x(3, 4));
    unary(t -> Elementwise.pow(t, 2.5), positive(3, 4));
    unary(t -> Elementwise.pow(t, 3), x(3, 4));
    unary(t -> Elementwise.pow(t, -1.5), positive(3, 4));
    unary(t -> Elementwise.clamp(t, -0.5, 0.75), x(5, 7));
  }

  @Test
  void elementwiseBinaryWithBroadcasting() {
    for (int[][] shapes : new int[][][] {{{3, 4}, {3, 4}}, {{3, 1, 4}, {5, 1}}, {{}, {2, 3}}}) {
      binary(Elementwise::add, x(shapes[0]), x(shapes[1]));
      binary(Elementwise::sub, x(shapes[0]), x(shapes[1]));
      binary(Elementwise::mul, x(shapes[0]), x(shapes[1]));
      binary(Elementwise::div, x(shapes[0]), x(shapes[1]));
      binary(Elementwise::pow, positive(shapes[0]), x(shapes[1]));
      binary(Elementwise::maximum, x(shapes[0]), x(shapes[1]));
      binary(Elementwise::minimum, x(shapes[0]), x(shapes[1]));
    }
  }

  @Test
  void where() {
    Tensor cond =
        Tensors.of(ref, DType.FLOAT64, new double[] {1, 0, 0, 1, 1, 0, 1}, 7, 1); // [7, 1]
    assertGradients(in -> Elementwise.where(cond, in.get(0), in.get(1)), List.of(x(1, 5), x(7, 5)));
    assertGradients(in -> Elementwise.where(cond, in.get(0), in.get(0).square()), List.of(x(7, 5)));
  }

  // ------------------------------------------------------------------ Reductions

  @Test
  void reductions() {
    for (int axis = -3; axis < 3; axis++) {
      for (boolean keep : new boolean[] {false, true}) {
        int a = axis;
        unary(t -> Reductions.sum(t, a, keep), x(2, 3, 4));
        unary(t -> Reductions.mean(t, a, keep), x(2, 3, 4));
        unary(t -> Reductions.max(t, a, keep), x(2, 3, 4));
        unary(t -> Reductions.min(t, a, keep), x(2, 3, 4));
      }
    }
    unary(Reductions::sum, x(3, 5));
    unary(Reductions::mean, x(3, 5));
    unary(Reductions::sum, x());
  }

  // ------------------------------------------------------------------ Linalg

  @Test
  void matmulShapes() {
    binary(Linalg::matmul, x(4), x(4, 3));
    binary(Linalg::matmul, x(3, 4), x(4));
    binary(Linalg::matmul, x(4), x(4));
    binary(Linalg::matmul, x(3, 4), x(4, 5));
    binary(Linalg::matmul, x(2, 3, 4), x(2, 4, 5));
    binary(Linalg::matmul, x(2, 1, 3, 4), x(3, 4, 5));
    binary(Linalg::matmul, x(3, 4), x(2, 4, 5));
  }

  @Test
  void matmulTransposeFlags() {
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Tensor a = ta ? x(2, 4, 3) : x(2, 3, 4);
        Tensor b = tb ? x(5, 4) : x(4, 5);
        binary((p, q) -> Linalg.matmul(p, q, ta, tb), a, b);
      }
    }
  }

  @Test
  void linear() {
    assertGradients(
        in -> Linalg.linear(in.get(0), in.get(1), in.get(2)), List.of(x(5, 4), x(3, 4), x(3)));
    assertGradients(in -> Linalg.linear(in.get(0), in.get(1), null), List.of(x(5, 4), x(3, 4)));
    // a bias that broadcasts without being [out] takes the composite path
    assertGradients(
        in -> Linalg.linear(in.get(0), in.get(1), in.get(2)), List.of(x(5, 4), x(3, 4), x(1, 3)));
    assertGradients(
        in -> Linalg.linear(in.get(0), in.get(1), in.get(2)), List.of(x(2, 5, 4), x(3, 4), x(3)));
  }

  // ------------------------------------------------------------------ Shapes

  @Test
  void shapes() {
    unary(t -> Shapes.reshape(t, 6, 2), x(3, 4));
    unary(t -> t.reshape(-1), x(3, 4));
    unary(t -> Shapes.unsqueeze(t, 1), x(3, 4));
    unary(t -> Shapes.squeeze(t, 1), x(3, 1, 4));
    unary(Shapes::copy, x(3, 4));
    unary(t -> Shapes.cast(t, DType.FLOAT64), x(3, 4));
    unary(t -> Shapes.permute(t, 2, 0, 1), x(2, 3, 4));
    unary(t -> Shapes.transpose(t, 0, 2), x(2, 3, 4));
    unary(t -> Shapes.expand(t, Shape.of(2, 3, 4)), x(3, 1));
    unary(t -> Shapes.sumTo(t, Shape.of(3, 1)), x(2, 3, 4));
    unary(t -> Shapes.slice(t, 1, 1, 3), x(2, 4, 3));
    unary(t -> Shapes.slice(t, -1, 0, 2), x(2, 4, 3));
    assertGradients(
        in -> Shapes.concat(1, List.of(in.get(0), in.get(1), in.get(0))),
        List.of(x(2, 3), x(2, 5)));
  }

  @Test
  void castThroughFloat32() {
    // float32 rounding (~6e-8) needs a larger step: linear in x, so truncation error is nil
    GradientChecker.Tolerance tol =
        GradientChecker.Tolerance.defaults().withH(1e-2).withAtol(1e-4).withRtol(1e-3);
    assertGradients(
        in -> Shapes.cast(Shapes.cast(in.get(0), DType.FLOAT32).mul(3.0), DType.FLOAT64),
        List.of(x(3, 4)),
        tol);
  }

  // ------------------------------------------------------------------ NeuralOps

  @Test
  void softmaxAndLogSoftmax() {
    for (int axis : new int[] {0, 1, -1}) {
      unary(t -> NeuralOps.softmax(t, axis), x(3, 4, 5));
      unary(t -> NeuralOps.logSoftmax(t, axis), x(3, 4, 5));
    }
  }

  @Test
  void attentionComposites() {
    assertGradients(
        in ->
            AttentionOps.scaledDotProduct(in.get(0), in.get(1), in.get(2), null, 0.7, 0, false, 0)
                .output(),
        List.of(x(2, 3, 4), x(2, 5, 4), x(2, 5, 3)));
    // the packed self-attention: output (heads merged) and weights, 2 heads of 2 features
    assertGradients(
        in -> AttentionOps.selfAttention(in.get(0), 2, 0.7, 0, false, 0).output(),
        List.of(x(2, 3, 12)));
    assertGradients(
        in -> AttentionOps.selfAttention(in.get(0), 2, 0.7, 0, false, 0).weights(),
        List.of(x(2, 3, 12)));
    assertGradients(
        in -> AttentionOps.layerNorm(in.get(0), in.get(1), in.get(2), 1e-5),
        List.of(x(3, 5), x(5), x(5)));
  }

  @Test
  void indexSelectAndEmbedding() {
    Tensor idx = Tensors.indices(ref, new int[] {2, 0, 2, 3, 2}, 5);
    Tensor idx2 = Tensors.indices(ref, new int[] {1, 1, 0, 3, 2, 1}, 2, 3);
    assertGradients(in -> NeuralOps.indexSelect(in.get(0), 0, idx), List.of(x(4, 3)));
    assertGradients(in -> NeuralOps.indexSelect(in.get(0), 1, idx), List.of(x(2, 4, 3)));
    assertGradients(in -> NeuralOps.embedding(in.get(0), in.get(1)), List.of(x(4, 3), idx2));
  }

  @Test
  void dropoutWithFixedSeed() {
    unary(t -> NeuralOps.dropout(t, 0.3, true, 1234), x(6, 7));
    unary(t -> NeuralOps.dropout(t, 0.3, false, 1234), x(6, 7));
  }

  // ------------------------------------------------------------------ Windows

  @Test
  void maxPool2d() {
    int[] one = {1, 1};
    int[] two = {2, 2};
    // distinct values (no ties within ±h): tiling, overlapping padded and dilated windows
    unary(t -> Windows.maxPool2d(t, two, two, new int[2], one), x(2, 2, 4, 5));
    unary(t -> Windows.maxPool2d(t, new int[] {3, 3}, two, one, one), x(1, 2, 5, 6));
    unary(t -> Windows.maxPool2d(t, new int[] {3, 2}, new int[] {1, 2}, one, two), x(2, 1, 6, 5));
  }

  // ------------------------------------------------------------------ losses and Dense

  private static Loss loss(String name, Map<String, Object> options) {
    LossProvider p = Plugins.shared().losses().get(name);
    return p.create(p.options().resolve("loss '" + name + "'", options));
  }

  @Test
  void mseLoss() {
    for (String reduction : List.of("mean", "sum")) {
      Loss mse = loss("mse", Map.of("reduction", reduction));
      binary(mse::compute, x(4, 3), x(4, 3));
    }
  }

  @Test
  void crossEntropyWithIndicesAndProbabilities() {
    Tensor labels = Tensors.indices(ref, new int[] {2, 0, 4, 4}, 4);
    for (double smoothing : new double[] {0.0, 0.1}) {
      for (String reduction : List.of("mean", "sum")) {
        Loss ce =
            loss("cross-entropy", Map.of("reduction", reduction, "label_smoothing", smoothing));
        Function<List<Tensor>, Tensor> withIndices = in -> ce.compute(in.get(0), labels);
        assertGradients(withIndices, List.of(x(4, 5)));
        Tensor probabilities = NeuralOps.softmax(x(4, 5), 1);
        assertGradients(in -> ce.compute(in.get(0), in.get(1)), List.of(x(4, 5), probabilities));
      }
    }
  }

  @Test
  void denseParameters() {
    Dense dense = new Dense(4, 3, null, BuildContext.of(ref, DType.FLOAT64, 77));
    Tensor input = x(5, 4);
    Tensor target = x(5, 3);
    Loss mse = loss("mse", Map.of());
    GradientChecker.assertParameterGradients(
        () -> mse.compute(dense.forward(input, ForwardContext.inference()), target),
        dense.namedParameters());
    GradientChecker.assertParameterGradients(
        () -> dense.forward(input, ForwardContext.inference()).tanh(), dense.parameters());
  }
}
