package dev.heed.assembly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shape flowing through the layer list is inferred when the config is loaded, so a layer that
 * cannot take its input is refused with its config path instead of failing at the first step (issue
 * 16.8).
 */
class ShapeRulesTest {
  @TempDir Path tmp;

  private Path config(String layers) throws IOException {
    return Files.writeString(
        tmp.resolve("c.yaml"),
        """
        seed: 1
        backend: cpu
        data: {type: seed-regression, examples: 64, inputs: 10}
        model:
          layers:
        %s
        optimizer: {name: sgd, lr: 0.1}
        training: {epochs: 1, batch_size: 16}
        """
            .formatted(layers.indent(4).stripTrailing()));
  }

  private String refusal(String layers) throws IOException {
    Path c = config(layers);
    return assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of())).getMessage();
  }

  @Test
  void aSoftminDimOutsideTheInputRankIsRefusedWhenLoaded() throws IOException {
    String m =
        refusal(
            """
            - {type: dense, units: 8, activation: {name: softmin, dim: 2}}
            - {type: dense, units: 5}
            """);
    assertTrue(m.contains("config path `model.layers[0].activation.dim`"), m);
    assertTrue(m.contains("found dim 2"), m);
    assertTrue(m.contains("[-2, 1]"), m);
    assertTrue(m.contains("c.yaml:"), m);
  }

  @Test
  void aGluHalvesTheWidthTheNextLayerSees() throws Exception {
    // glu halves 10 to 5: the model's output count follows, and an attention layer after it is
    // built for 5 features
    Path c =
        config(
            """
            - {type: dense, units: 10, activation: glu}
            - {type: attention, unit: feature}
            """);
    var loaded = Heed.loadConfig(c, List.of());
    try (var a = Heed.assemble(loaded, null)) {
      assertEquals("cpu", a.backendName());
      a.train(tmp.resolve("run"), null);
    }
  }

  @Test
  void aGluLeavingTheWrongWidthIsRefusedWhenLoaded() throws IOException {
    String m = refusal("- {type: dense, units: 5, activation: glu}");
    assertTrue(m.contains("config path `model.layers[0]"), m);
    assertTrue(m.contains("expected an even number"), m);
    String n = refusal("- {type: dense, units: 5, activation: {name: glu, dim: 0}}");
    assertTrue(n.contains("config path `model.layers[0].activation.dim`"), n);
  }

  @Test
  void multiHeadAttentionOnAFlatInputIsRefusedWhenLoaded() throws IOException {
    String m =
        refusal(
            """
            - {type: attention, unit: {name: multi-head, num_heads: 2}}
            - {type: dense, units: 5}
            """);
    assertTrue(m.contains("config path `model.layers[0].unit`"), m);
    assertTrue(m.contains("flat"), m);
    assertTrue(m.contains("sequence"), m);
  }

  @Test
  void aSequenceLayerOnAFlatInputIsRefusedWhenLoaded() throws IOException {
    String m =
        refusal(
            """
            - {type: transformer-encoder-layer, nhead: 2}
            - {type: dense, units: 5}
            """);
    assertTrue(m.contains("config path `model.layers[0]`"), m);
    assertTrue(m.contains("sequence"), m);
  }

  @Test
  void aProvisioningFailureIsAConfigErrorWithoutGuice() throws IOException {
    // 3 heads do not divide 32 features: the unit refuses it when it is created
    Path c =
        Files.writeString(
            tmp.resolve("s.yaml"),
            """
            seed: 1
            backend: cpu
            data: {type: marked-token-recall, examples: 64, length: 6}
            model:
              layers:
                - {type: embedding, embedding_dim: 32}
                - {type: self-attention, unit: multi-head, num_heads: 3}
                - {type: sequence-classification-head, num_classes: 12}
            optimizer: {name: sgd, lr: 0.1}
            training: {epochs: 1, batch_size: 16}
            """);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> {
              try (var a = Heed.assemble(Heed.loadConfig(c, List.of()), null)) {
                a.train(tmp.resolve("run"), null);
              }
            });
    String m = e.getMessage();
    assertTrue(m.contains("num_heads"), m);
    assertTrue(m.contains("model.layers[1]"), m);
    assertFalse(m.contains("inject"), m);
    assertFalse(m.contains("Unable to provision"), m);
  }

  @Test
  void anOptimizerRefusingItsOptionsWhenCreatedIsAConfigError() throws IOException {
    // the schema takes each option; sgd refuses Nesterov momentum without momentum when created
    Path c = config("- {type: dense, units: 5}");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> {
              try (var a =
                  Heed.assemble(Heed.loadConfig(c, List.of("optimizer.nesterov=true")), null)) {
                a.train(tmp.resolve("run"), null);
              }
            });
    String m = e.getMessage();
    assertTrue(m.contains("config path `optimizer.nesterov`"), m);
    assertTrue(m.contains("set momentum"), m);
    assertFalse(m.contains("Guice"), m);
    assertFalse(m.contains("Unable to provision"), m);
  }

  @Test
  void featureAttentionBeyondAnArrayIsRefusedWhenLoaded() throws IOException {
    // 65536 inputs are inside the schema's maximum; the unit's weight would be 65536² floats
    Path c = config("- {type: attention, unit: feature}\n- {type: dense, units: 5}");
    String m =
        assertThrows(
                ConfigException.class,
                () -> Heed.loadConfig(c, List.of("data.inputs=65536", "data.examples=16")))
            .getMessage();
    assertTrue(m.contains("config path `model.layers[0].unit`"), m);
    assertTrue(m.contains("65536 features"), m);
    assertTrue(m.contains("more than one Java array holds"), m);
  }

  @Test
  void featureAttentionBeyondTheHeapIsRefusedWhenLoaded() throws IOException {
    Path c = config("- {type: attention, unit: feature}\n- {type: dense, units: 5}");
    String m =
        assertThrows(
                ConfigException.class,
                () -> Heed.loadConfig(c, List.of("data.inputs=46000", "data.examples=16")))
            .getMessage();
    assertTrue(m.contains("config path `model.layers[0].unit`"), m);
    assertTrue(m.contains("MiB"), m);
    assertTrue(m.contains("heap"), m);
  }

  @Test
  void anEmbeddingBeyondAnArrayIsRefusedWhenLoaded() throws IOException {
    Path c =
        Files.writeString(
            tmp.resolve("e.yaml"),
            """
            seed: 1
            backend: cpu
            data: {type: marked-token-recall, examples: 64, length: 6}
            model:
              layers:
                - {type: embedding, embedding_dim: 1000000000}
                - {type: sequence-classification-head, num_classes: 12}
            optimizer: {name: sgd, lr: 0.1}
            """);
    String m =
        assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of())).getMessage();
    assertTrue(m.contains("config path `model.layers[0]`"), m);
    assertTrue(m.contains("more than one Java array holds"), m);
  }

  @Test
  void aTransformerFeedForwardBeyondAnArrayIsRefusedWhenLoaded() throws IOException {
    Path c =
        Files.writeString(
            tmp.resolve("t.yaml"),
            """
            seed: 1
            backend: cpu
            data: {type: marked-token-recall, examples: 64, length: 6}
            model:
              layers:
                - {type: embedding, embedding_dim: 32}
                - {type: transformer-encoder-layer, nhead: 2, dim_feedforward: 2000000000}
                - {type: sequence-classification-head, num_classes: 12}
            optimizer: {name: sgd, lr: 0.1}
            """);
    String m =
        assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of())).getMessage();
    assertTrue(m.contains("config path `model.layers[1]`"), m);
    assertTrue(m.contains("linear1.weight [2000000000, 32]"), m);
    assertTrue(m.contains("more than one Java array holds"), m);
  }
}
