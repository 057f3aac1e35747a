package dev.heed.assembly.internal;

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
 * Rules that can be checked from the config are checked when it is loaded, with its location,
 * instead of failing at the first step or with an allocation error (issue 16.8).
 */
class SizeRulesTest {
  @TempDir Path tmp;

  private Path config() throws IOException {
    return Files.writeString(
        tmp.resolve("c.yaml"),
        """
        seed: 1
        backend: cpu
        data: {type: seed-regression, examples: 200, inputs: 10}
        model:
          layers:
            - {type: dense, units: 5}
        optimizer: {name: sgd, lr: 0.1}
        training: {epochs: 1, batch_size: 16}
        """);
  }

  private String refusal(String override) throws IOException {
    Path c = config();
    return assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of(override)))
        .getMessage();
  }

  @Test
  void aZeroClipNormIsRefusedWhenLoaded() throws IOException {
    String m = refusal("training.clip_grad_norm=0");
    assertTrue(m.contains("config path `training.clip_grad_norm`"), m);
    assertTrue(m.contains("expected a number > 0"), m);
  }

  @Test
  void aBatchBeyondAnArrayIsRefusedWhenLoaded() throws IOException {
    String m = refusal("training.batch_size=2147483647");
    assertTrue(m.contains("config path `training.batch_size`"), m);
    assertTrue(m.contains("found 2147483647"), m);
  }

  @Test
  void tooManyGeneratedExamplesAreRefusedWhenLoaded() throws IOException {
    String m = refusal("data.examples=1000000000");
    assertTrue(m.contains("config path `data.examples`"), m);
    assertTrue(m.contains("found 1000000000"), m);
  }

  @Test
  void aDenseLayerBeyondAnArrayIsRefusedWhenLoaded() throws IOException {
    Path c = config();
    Files.writeString(
        c,
        Files.readString(c)
            .replace(
                "    - {type: dense, units: 5}",
                "    - {type: dense, units: 1000000000}\n    - {type: dense, units: 5}"));
    String m =
        assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of())).getMessage();
    assertTrue(m.contains("config path `model.layers[0].units`"), m);
    assertTrue(m.contains("found 1000000000"), m);
    assertTrue(m.contains("more than one Java array holds"), m);
  }

  @Test
  void denseLayersBeyondTheHeapAreRefusedWhenLoaded() throws IOException {
    Path c = config();
    String wide = "{type: dense, units: 46000}";
    Files.writeString(
        c,
        Files.readString(c)
            .replace(
                "    - {type: dense, units: 5}",
                ("    - " + wide + "\n").repeat(5) + "    - {type: dense, units: 5}"));
    String m =
        assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of())).getMessage();
    assertTrue(m.contains("config path `model.layers["), m);
    assertTrue(m.contains("MiB"), m);
    assertTrue(m.contains("heap"), m);
  }

  @Test
  void aShuffleBufferBeyondTheHeapIsRefusedWhenLoaded() throws IOException {
    String m = refusal("data.shuffle_buffer=2000000000");
    assertTrue(m.contains("config path `data.shuffle_buffer`"), m);
    assertTrue(m.contains("found 2000000000"), m);
  }
}
