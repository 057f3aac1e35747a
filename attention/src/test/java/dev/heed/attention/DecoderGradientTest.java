package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.GradientChecker;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder blocks' gradients (target, memory and parameters) match central differences in
 * float64, with target and memory padding ([batch 2, target 3, memory 4, d_model 4]); a memory of
 * another width (memory_features 6) takes separate key and value projections.
 */
@SuppressWarnings("try")
class DecoderGradientTest {

  static Stream<Arguments> blocks() {
    Map<String, Object> post = Map.of("nhead", 2, "dim_feedforward", 6, "dropout", 0.0);
    Map<String, Object> pre = new LinkedHashMap<>(post);
    pre.put("norm_first", true);
    pre.put("activation", "gelu");
    Map<String, Object> wide = new LinkedHashMap<>(post);
    wide.put("memory_features", 6);
    Map<String, Object> stack = new LinkedHashMap<>(pre);
    stack.put("num_layers", 2);
    stack.put("final_norm", true);
    Map<String, Object> transformer = new LinkedHashMap<>(post);
    transformer.put("num_encoder_layers", 1);
    transformer.put("num_decoder_layers", 1);
    return Stream.of(
        Arguments.of(new TransformerDecoderLayerProvider(), post, 4),
        Arguments.of(new TransformerDecoderLayerProvider(), pre, 4),
        Arguments.of(new TransformerDecoderLayerProvider(), wide, 6),
        Arguments.of(new TransformerDecoderProvider(), stack, 4),
        Arguments.of(new TransformerProvider(), transformer, 4));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("blocks")
  void gradientsMatchCentralDifferences(
      LayerProvider provider, Map<String, Object> options, int memoryFeatures) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      MemoryLayer layer =
          (MemoryLayer)
              provider.create(
                  provider.options().resolve("test", options, Plugins.shared()),
                  4,
                  BuildContext.of(ref, DType.FLOAT64, 17));
      Tensor tgt = Tensors.normal(ref, Shape.of(2, 3, 4), DType.FLOAT64, 0, 1, 23);
      Tensor memory = Tensors.normal(ref, Shape.of(2, 4, memoryFeatures), DType.FLOAT64, 0, 1, 29);
      Tensor tgtMask = AttentionMasks.fromLengths(ref, DType.FLOAT64, new int[] {3, 2}, 3);
      Tensor memoryMask = AttentionMasks.fromLengths(ref, DType.FLOAT64, new int[] {2, 4}, 4);
      Map<String, Tensor> leaves = new LinkedHashMap<>();
      leaves.put("target", tgt);
      leaves.put("memory", memory);
      layer.namedParameters().forEach((k, p) -> leaves.put(k, p.value()));
      GradientChecker.assertPassed(
          GradientChecker.checkLeaves(
              () -> layer.forward(tgt, memory, tgtMask, memoryMask, ForwardContext.inference()),
              leaves,
              GradientChecker.Tolerance.defaults()));
    }
  }

  @Test
  void aDecoderWithoutItsMemoryOrWithTheWrongWidthSaysWhatItNeeds() {
    Backend ref = TestBackends.reference();
    LayerProvider p = new TransformerDecoderLayerProvider();
    try (Scope scope = Scope.open()) {
      MemoryLayer layer =
          (MemoryLayer)
              p.create(
                  p.options().resolve("test", Map.of("nhead", 2), Plugins.shared()),
                  4,
                  BuildContext.of(ref, DType.FLOAT64, 1));
      Tensor tgt = Tensors.zeros(ref, Shape.of(2, 3, 4), DType.FLOAT64);
      IllegalArgumentException noMemory =
          assertThrows(
              IllegalArgumentException.class, () -> layer.forward(tgt, ForwardContext.inference()));
      assertTrue(noMemory.getMessage().contains("reads a memory"), noMemory.getMessage());
      Tensor wide = Tensors.zeros(ref, Shape.of(2, 5, 6), DType.FLOAT64);
      IllegalArgumentException width =
          assertThrows(
              IllegalArgumentException.class,
              () -> layer.forward(tgt, wide, null, null, ForwardContext.inference()));
      assertTrue(
          width.getMessage().contains("memory features 4") && width.getMessage().contains("6"),
          width.getMessage());
    }
  }
}
