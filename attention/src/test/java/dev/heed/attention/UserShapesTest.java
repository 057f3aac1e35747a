package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shapes users hit: batch size 1, sequence length 1, one query per example, and variable
 * lengths through padding masks — a padded example gives the same results at its real positions as
 * the same example alone and unpadded, and one unit serves every length.
 */
@SuppressWarnings("try")
class UserShapesTest {
  static final int D = 4;

  static Stream<Arguments> units() {
    return Stream.of(
        Arguments.of("additive", Map.of()),
        Arguments.of("dot", Map.of()),
        Arguments.of("dot", Map.of("general", true)),
        Arguments.of("scaled-dot", Map.of()),
        Arguments.of("multi-head", Map.of("num_heads", 2)),
        Arguments.of("multi-head", Map.of("num_heads", 2, "average_attn_weights", false)));
  }

  private static AttentionUnit unit(String name, Map<String, Object> options, Backend b) {
    AttentionUnitProvider p = Plugins.shared().attentionUnits().get(name);
    return p.create(
        p.options().resolve(name, options, Plugins.shared()),
        AttentionSpec.self(D),
        BuildContext.of(b, DType.FLOAT64, 3));
  }

  private static Tensor randn(Backend b, long seed, int... dims) {
    return Tensors.normal(b, Shape.of(dims), DType.FLOAT64, 0, 1, seed);
  }

  private static void close(String what, Tensor expected, Tensor actual) {
    assertEquals(expected.shape(), actual.shape(), what + ": shape");
    assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-12, what);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("units")
  void batchOfOneAndLengthOne(String name, Map<String, Object> options) {
    Backend b = TestBackends.reference();
    try (Scope s = Scope.open()) {
      AttentionUnit u = unit(name, options, b);
      Tensor x = randn(b, 1, 1, 1, D);
      AttentionResult r = u.attend(x, x, x, null, ForwardContext.inference());
      assertEquals(Shape.of(1, 1, D), r.output().shape(), name + ": output of [1, 1, D]");
      double[] w = r.weights().toDoubleArray();
      assertArrayEquals(
          new double[w.length], Elementwise1.minusOne(w), 1e-12, name + ": one key weighs 1");
      // one query per example, [B, D], against 5 keys
      Tensor q = randn(b, 2, 3, D);
      Tensor k = randn(b, 3, 3, 5, D);
      AttentionResult single = u.attend(q, k, k, null, ForwardContext.inference());
      assertEquals(Shape.of(3, D), single.output().shape(), name + ": output of a single query");
      AttentionResult asSequence =
          u.attend(Shapes.unsqueeze(q, 1), k, k, null, ForwardContext.inference());
      close(
          name + ": single query vs a sequence of one",
          Shapes.squeeze(asSequence.output(), 1),
          single.output());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("units")
  void paddedExamplesMatchUnpaddedOnes(String name, Map<String, Object> options) {
    Backend b = TestBackends.reference();
    try (Scope s = Scope.open()) {
      AttentionUnit u = unit(name, options, b);
      int t = 6;
      int[] lengths = {6, 2, 4};
      Tensor x = randn(b, 4, 3, t, D);
      Tensor mask = AttentionMasks.fromLengths(b, DType.FLOAT64, lengths, t);
      AttentionResult padded = u.attend(x, x, x, mask, ForwardContext.inference());
      for (int e = 0; e < 3; e++) {
        int len = lengths[e];
        Tensor alone = Shapes.slice(Shapes.slice(x, 0, e, e + 1), 1, 0, len);
        AttentionResult r = u.attend(alone, alone, alone, null, ForwardContext.inference());
        Tensor out = Shapes.slice(Shapes.slice(padded.output(), 0, e, e + 1), 1, 0, len);
        close(name + ": output of example " + e + " padded vs alone", r.output(), out);
        Tensor w = Shapes.slice(padded.weights(), 0, e, e + 1);
        int queryAxis = w.rank() - 2;
        w = Shapes.slice(w, queryAxis, 0, len);
        close(
            name + ": weights of example " + e + " on real keys",
            r.weights(),
            Shapes.slice(w, -1, 0, len));
        double[] rest = Shapes.slice(w, -1, len, t).toDoubleArray();
        assertArrayEquals(new double[rest.length], rest, 0.0, name + ": padded keys weigh 0");
      }
    }
  }

  static Stream<Arguments> sequenceBlocks() {
    Map<String, Object> enc = Map.of("nhead", 2, "dim_feedforward", 8, "dropout", 0.0);
    Map<String, Object> stack =
        Map.of(
            "nhead",
            2,
            "dim_feedforward",
            8,
            "dropout",
            0.0,
            "num_layers",
            2,
            "norm_first",
            true,
            "final_norm",
            true);
    return Stream.of(
        Arguments.of(new SelfAttentionProvider(), Map.of("unit", "additive")),
        Arguments.of(new SelfAttentionProvider(), Map.of("unit", "scaled-dot")),
        Arguments.of(new TransformerEncoderLayerProvider(), enc),
        Arguments.of(new TransformerEncoderProvider(), stack),
        Arguments.of(new SequenceClassificationHeadProvider(), Map.of("pooling", "mean")),
        Arguments.of(new SequenceClassificationHeadProvider(), Map.of("pooling", "last")),
        Arguments.of(new SequenceClassificationHeadProvider(), Map.of("pooling", "max")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("sequenceBlocks")
  void blocksHandlePaddingBatchOfOneAndLengthOne(LayerProvider p, Map<String, Object> options) {
    Backend b = TestBackends.reference();
    try (Scope s = Scope.open()) {
      MaskedLayer layer =
          (MaskedLayer)
              p.create(
                  p.options().resolve("test", options, Plugins.shared()),
                  D,
                  BuildContext.of(b, DType.FLOAT64, 9));
      int t = 5;
      int[] lengths = {5, 1, 3};
      Tensor x = randn(b, 7, 3, t, D);
      Tensor padded =
          layer.forward(
              x,
              AttentionMasks.fromLengths(b, DType.FLOAT64, lengths, t),
              ForwardContext.inference());
      boolean perPosition = padded.rank() == 3;
      for (int e = 0; e < 3; e++) {
        int len = lengths[e];
        Tensor alone = Shapes.slice(Shapes.slice(x, 0, e, e + 1), 1, 0, len);
        Tensor r = layer.forward(alone, ForwardContext.inference());
        Tensor mine = Shapes.slice(padded, 0, e, e + 1);
        if (perPosition) {
          mine = Shapes.slice(mine, 1, 0, len);
        }
        close(p.name() + ": example " + e + " (length " + len + ") padded vs alone", r, mine);
      }
    }
  }

  @Test
  void embeddingTakesAnyShapeAndRejectsUnknownTokens() {
    Backend b = TestBackends.reference();
    try (Scope s = Scope.open()) {
      EmbeddingProvider p = new EmbeddingProvider();
      var layer =
          p.create(
              p.options().resolve("test", Map.of("embedding_dim", 3), Plugins.shared()),
              5,
              BuildContext.of(b, DType.FLOAT32, 1));
      assertEquals(
          3,
          p.outputFeatures(
              p.options().resolve("test", Map.of("embedding_dim", 3), Plugins.shared()), 5));
      Tensor y = layer.forward(Tensors.indices(b, new int[] {4}, 1, 1), ForwardContext.inference());
      assertEquals(Shape.of(1, 1, 3), y.shape());
      Tensor floats = Tensors.of(b, DType.FLOAT32, new float[] {0, 1, 2, 3}, 2, 2);
      assertEquals(Shape.of(2, 2, 3), layer.forward(floats, ForwardContext.inference()).shape());
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class,
              () ->
                  layer.forward(Tensors.indices(b, new int[] {5}, 1), ForwardContext.inference()));
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().contains("[0, 5)"), e.getMessage());
    }
  }

  /** Tiny helper: {@code w - 1}. */
  private static final class Elementwise1 {
    static double[] minusOne(double[] w) {
      double[] r = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        r[i] = w[i] - 1;
      }
      return r;
    }
  }
}
