package dev.heed.attention;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.GradientChecker;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every block's gradients (input and parameters) match central differences in float64, with a
 * key-padding mask where the block takes one ([batch 2, time 3, features 4], lengths 3 and 2).
 */
@SuppressWarnings("try")
class BlockGradientTest {
  static final int FEATURES = 4;

  static Stream<Arguments> blocks() {
    Map<String, Object> encoder =
        Map.of("nhead", 2, "dim_feedforward", 6, "dropout", 0.0, "activation", "gelu");
    Map<String, Object> preNorm = new LinkedHashMap<>(encoder);
    preNorm.put("norm_first", true);
    preNorm.put("causal", true);
    Map<String, Object> stack = new LinkedHashMap<>(preNorm);
    stack.put("num_layers", 2);
    stack.put("final_norm", true);
    return Stream.of(
        Arguments.of(new LayerNormProvider(), Map.of()),
        Arguments.of(new FeedForwardProvider(), Map.of("dim_feedforward", 5, "activation", "gelu")),
        Arguments.of(new FeedForwardProvider(), Map.of("dim_feedforward", 5, "bias", false)),
        Arguments.of(new SinusoidalPositionalEncodingProvider(), Map.of()),
        Arguments.of(new LearnedPositionalEncodingProvider(), Map.of("max_len", 5)),
        Arguments.of(new ResidualProvider(), Map.of("layer", "layer-norm")),
        Arguments.of(new SelfAttentionProvider(), Map.of("unit", "additive", "causal", true)),
        Arguments.of(new SelfAttentionProvider(), Map.of("num_heads", 2, "dropout", 0.0)),
        Arguments.of(new TransformerEncoderLayerProvider(), encoder),
        Arguments.of(new TransformerEncoderLayerProvider(), preNorm),
        Arguments.of(new TransformerEncoderProvider(), stack),
        Arguments.of(new SequenceClassificationHeadProvider(), Map.of("num_classes", 3)),
        Arguments.of(
            new SequenceClassificationHeadProvider(),
            Map.of("num_classes", 3, "pooling", "last", "hidden", 5)),
        Arguments.of(new SequenceClassificationHeadProvider(), Map.of("pooling", "first")),
        Arguments.of(new SequenceClassificationHeadProvider(), Map.of("pooling", "max")),
        Arguments.of(new LanguageModelHeadProvider(), Map.of("vocab_size", 7)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("blocks")
  void gradientsMatchCentralDifferences(LayerProvider provider, Map<String, Object> options) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Layer layer =
          provider.create(
              provider.options().resolve("test", options, Plugins.shared()),
              FEATURES,
              BuildContext.of(ref, DType.FLOAT64, 17));
      Tensor x =
          Tensors.normal(
              ref, dev.heed.core.tensor.Shape.of(2, 3, FEATURES), DType.FLOAT64, 0, 1, 23);
      Tensor mask = AttentionMasks.fromLengths(ref, DType.FLOAT64, new int[] {3, 2}, 3);
      Map<String, Tensor> leaves = new LinkedHashMap<>();
      leaves.put("input", x);
      layer.namedParameters().forEach((k, p) -> leaves.put(k, p.value()));
      GradientChecker.Report report =
          GradientChecker.checkLeaves(
              () ->
                  layer instanceof MaskedLayer m
                      ? m.forward(x, mask, ForwardContext.inference())
                      : layer.forward(x, ForwardContext.inference()),
              leaves,
              GradientChecker.Tolerance.defaults());
      GradientChecker.assertPassed(report);
    }
  }
}
