package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.TrainResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recurrent layers as config plugins: {@code examples/marked-token-recall-gru.yaml}, a {@code
 * gru} between an embedding and a classification head, learns marked-token recall over padded
 * sequences (the padding mask reaches it) to its stated 95%; a gru on flat rows, and a layer that
 * reads an encoder's memory, are each refused in {@code model.layers} with the config path and
 * line.
 */
class RecurrentConfigTest {
  @TempDir Path tmp;

  private static final String HEAD =
      """
      seed: 7
      backend: cpu
      data:
        type: marked-token-recall
        examples: 2000
        vocabulary: 12
        min_length: 4
        max_length: 10
      optimizer:
        name: adam
        lr: 0.01
      training:
        epochs: 15
        batch_size: 32
        validation_split: 0.2
        stop:
          target_metric: val_accuracy
          target_value: 0.95
      model:
        layers:
          - type: embedding
            embedding_dim: 16
      """;

  private Path write(String name, String layers) throws IOException {
    Path file = tmp.resolve(name + ".yaml");
    Files.writeString(file, HEAD + layers);
    return file;
  }

  @Test
  void theGruExampleLearnsMarkedTokenRecall() throws IOException {
    Path file = Path.of("../examples/marked-token-recall-gru.yaml");
    TrainResult r;
    try (Assembly a = Heed.assemble(Heed.loadConfig(file, List.of("backend=cpu")), null)) {
      r = a.train(tmp.resolve("run"), null);
    }
    double accuracy = r.history().getLast().metrics().get("val_accuracy");
    assertTrue(accuracy >= 0.95, "val_accuracy " + accuracy + " after " + r.epochs() + " epochs");
  }

  @Test
  void aGruOnRowsThatAreNotSequencesIsRefusedAtLoadTime() throws IOException {
    Path file = tmp.resolve("rows.yaml");
    Files.writeString(
        file,
        """
        seed: 1
        backend: cpu
        data:
          type: seed-regression
          examples: 100
          inputs: 10
          outputs: 5
        model:
          layers:
            - type: gru
              hidden_size: 5
        loss: mse
        optimizer:
          name: sgd
          lr: 0.01
        training:
          epochs: 1
          batch_size: 10
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(file, List.of()));
    assertEquals("model.layers[0]", e.configPath(), e.getMessage());
    assertEquals(10, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("expected a sequence"), e.getMessage());
  }

  @Test
  void aDecoderInModelLayersIsRefusedWithItsPath() throws IOException {
    Path file =
        write(
            "decoder",
            """
                - type: transformer-decoder-layer
                  nhead: 2
                - type: sequence-classification-head
                  num_classes: 12
            """);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> {
              try (Assembly a = Heed.assemble(Heed.loadConfig(file, List.of()), null)) {
                a.train(tmp.resolve("run"), null);
              }
            });
    assertEquals("model.layers[1]", e.configPath(), e.getMessage());
    assertTrue(e.getMessage().contains("reads a second input"), e.getMessage());
    assertTrue(e.line() > 0, e.getMessage());
  }
}
