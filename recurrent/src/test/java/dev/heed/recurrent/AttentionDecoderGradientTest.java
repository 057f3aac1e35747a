package dev.heed.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attention decoder's gradients (target, memory, parameters) match central differences in
 * float64 for each cell, style, first state and a few attention units, with memory padding; its
 * weights rows sum to 1 and give padded memory positions nothing; a wrong memory is named.
 */
@SuppressWarnings("try")
class AttentionDecoderGradientTest {
  private static final Backend REF = TestBackends.reference();

  static Stream<Map<String, Object>> options() {
    return Stream.of(
        Map.of("hidden_size", 3, "attention", "additive"),
        Map.of("hidden_size", 3, "cell", "lstm", "init_state", "zeros"),
        Map.of(
            "hidden_size",
            3,
            "style",
            "luong",
            "attention",
            Map.of("name", "dot", "general", true)),
        Map.of("hidden_size", 3, "style", "luong", "cell", "lstm", "attention", "additive"));
  }

  private static MemoryLayer build(Map<String, Object> options) {
    LayerProvider p = Plugins.shared().layers().get("attention-decoder");
    Map<String, Object> o = new LinkedHashMap<>(options);
    o.put("memory_features", 4);
    return (MemoryLayer)
        p.create(
            p.options().resolve("test", o, Plugins.shared()),
            2,
            BuildContext.of(REF, DType.FLOAT64, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("options")
  void gradientsMatchCentralDifferences(Map<String, Object> options) {
    try (Scope scope = Scope.open()) {
      MemoryLayer layer = build(options);
      Tensor tgt = Tensors.normal(REF, Shape.of(2, 3, 2), DType.FLOAT64, 0, 1, 5);
      Tensor memory = Tensors.normal(REF, Shape.of(2, 4, 4), DType.FLOAT64, 0, 1, 7);
      Tensor mask = AttentionMasks.fromLengths(REF, DType.FLOAT64, new int[] {4, 2}, 4);
      Map<String, Tensor> leaves = new LinkedHashMap<>();
      leaves.put("target", tgt);
      leaves.put("memory", memory);
      layer.namedParameters().forEach((k, p) -> leaves.put(k, p.value()));
      GradientChecker.assertPassed(
          GradientChecker.checkLeaves(
              () -> layer.forward(tgt, memory, null, mask, ForwardContext.inference()),
              leaves,
              GradientChecker.Tolerance.defaults()));
    }
  }

  @Test
  void weightsSumToOneAndSkipPaddedMemory() {
    try (Scope scope = Scope.open()) {
      AttentionDecoder layer = (AttentionDecoder) build(Map.of("hidden_size", 3));
      Tensor tgt = Tensors.normal(REF, Shape.of(2, 3, 2), DType.FLOAT64, 0, 1, 5);
      Tensor memory = Tensors.normal(REF, Shape.of(2, 4, 4), DType.FLOAT64, 0, 1, 7);
      Tensor mask = AttentionMasks.fromLengths(REF, DType.FLOAT64, new int[] {4, 2}, 4);
      Tensor out = layer.forward(tgt, memory, null, mask, ForwardContext.inference());
      assertEquals(Shape.of(2, 3, 7), out.shape());
      double[] w = layer.lastAttentionWeights().contiguous().toDoubleArray();
      for (int row = 0; row < 6; row++) {
        double sum = 0;
        for (int k = 0; k < 4; k++) {
          sum += w[row * 4 + k];
        }
        assertEquals(1.0, sum, 1e-12, "row " + row);
        if (row >= 3) {
          assertEquals(0.0, w[row * 4 + 2], 0.0);
          assertEquals(0.0, w[row * 4 + 3], 0.0);
        }
      }
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  layer.forward(
                      tgt,
                      Tensors.zeros(REF, Shape.of(2, 4, 6), DType.FLOAT64),
                      null,
                      null,
                      ForwardContext.inference()));
      assertTrue(e.getMessage().contains("memory features 4"), e.getMessage());
    }
  }
}
