package dev.heed.recurrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.GradientChecker;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The padding mask that configs give sequence layers: a padded example gives the outputs of the
 * same example alone and unpadded (zeros past its end), the layer is found by name and fits a
 * {@link Sequential}, its gradients with the mask match central differences, and bad shapes get a
 * message naming them.
 */
@SuppressWarnings("try")
class RecurrentMaskTest {
  private static final Backend REF = TestBackends.reference();

  private static Layer layer(String name, Map<String, Object> options) {
    LayerProvider p = Plugins.shared().layers().get(name);
    return p.create(
        p.options().resolve("test", options, Plugins.shared()),
        3,
        BuildContext.of(REF, DType.FLOAT64, 5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gru", "lstm"})
  void aPaddedExampleGivesWhatItGivesAloneAndZerosPastItsEnd(String name) {
    try (Scope scope = Scope.open()) {
      MaskedLayer layer =
          (MaskedLayer) layer(name, Map.of("hidden_size", 4, "bidirectional", true));
      Tensor x = Tensors.normal(REF, Shape.of(2, 5, 3), DType.FLOAT64, 0, 1, 11);
      Tensor mask = AttentionMasks.fromLengths(REF, DType.FLOAT64, new int[] {5, 2}, 5);
      Tensor both = layer.forward(x, mask, ForwardContext.inference());
      Tensor alone =
          layer.forward(
              Shapes.slice(Shapes.slice(x, 0, 1, 2), 1, 0, 2), ForwardContext.inference());
      double[] padded = Shapes.slice(both, 0, 1, 2).contiguous().toDoubleArray();
      double[] own = alone.toDoubleArray();
      for (int i = 0; i < own.length; i++) {
        assertEquals(own[i], padded[i], 1e-12, "element " + i);
      }
      for (int i = own.length; i < padded.length; i++) {
        assertEquals(0.0, padded[i], 0.0, "padded step element " + i);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gru", "lstm"})
  void gradientsWithAPaddingMaskMatchCentralDifferences(String name) {
    try (Scope scope = Scope.open()) {
      MaskedLayer layer =
          (MaskedLayer)
              layer(name, Map.of("hidden_size", 2, "bidirectional", true, "num_layers", 2));
      Tensor x = Tensors.normal(REF, Shape.of(2, 3, 3), DType.FLOAT64, 0, 1, 13);
      Tensor mask = AttentionMasks.fromLengths(REF, DType.FLOAT64, new int[] {3, 2}, 3);
      Map<String, Tensor> leaves = new LinkedHashMap<>();
      leaves.put("input", x);
      layer.namedParameters().forEach((k, p) -> leaves.put(k, p.value()));
      GradientChecker.assertPassed(
          GradientChecker.checkLeaves(
              () -> layer.forward(x, mask, ForwardContext.inference()),
              leaves,
              GradientChecker.Tolerance.defaults()));
    }
  }

  @Test
  void aGruFitsASequentialAndNamesItsParametersAsPyTorch() {
    try (Scope scope = Scope.open()) {
      Sequential model =
          new Sequential(List.of(layer("gru", Map.of("hidden_size", 4, "num_layers", 2))));
      assertEquals(
          List.of(
              "0.weight_ih_l0",
              "0.weight_hh_l0",
              "0.bias_ih_l0",
              "0.bias_hh_l0",
              "0.weight_ih_l1",
              "0.weight_hh_l1",
              "0.bias_ih_l1",
              "0.bias_hh_l1"),
          List.copyOf(model.namedParameters().keySet()));
      Tensor out =
          model.forward(
              Tensors.zeros(REF, Shape.of(2, 5, 3), DType.FLOAT64), ForwardContext.inference());
      assertArrayEquals(new int[] {2, 5, 4}, out.shape().dims());
      LayerProvider lstm = Plugins.shared().layers().get("lstm");
      assertEquals(
          10,
          lstm.outputFeatures(
              lstm.options()
                  .resolve(
                      "test", Map.of("hidden_size", 5, "bidirectional", true), Plugins.shared()),
              3));
    }
  }

  @Test
  void badShapesAreNamed() {
    try (Scope scope = Scope.open()) {
      MaskedLayer gru = (MaskedLayer) layer("gru", Map.of("hidden_size", 4));
      IllegalArgumentException width =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  gru.forward(
                      Tensors.zeros(REF, Shape.of(2, 5, 7), DType.FLOAT64),
                      ForwardContext.inference()));
      assertTrue(width.getMessage().contains("[batch, time, 3]"), width.getMessage());
      IllegalArgumentException mask =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  gru.forward(
                      Tensors.zeros(REF, Shape.of(2, 5, 3), DType.FLOAT64),
                      Tensors.zeros(REF, Shape.of(2, 5, 5), DType.FLOAT64),
                      ForwardContext.inference()));
      assertTrue(mask.getMessage().contains("padding mask"), mask.getMessage());
    }
  }
}
