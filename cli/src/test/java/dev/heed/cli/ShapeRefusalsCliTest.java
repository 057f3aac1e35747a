package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs that validated and then failed at the first step or while the assembly was built are
 * refused by {@code heed train} as bad input: exit 2, the config location, no stack trace and no
 * Guice text (issue 16.8).
 */
class ShapeRefusalsCliTest {
  @TempDir Path tmp;

  private Path config(String layers, String optimizer) throws IOException {
    return Files.writeString(
        tmp.resolve("c.yaml"),
        """
        seed: 1
        backend: cpu
        data: {type: seed-regression, examples: 64, inputs: 10}
        model:
          layers:
        %s
        optimizer: %s
        training: {epochs: 1, batch_size: 16}
        """
            .formatted(layers.indent(4).stripTrailing(), optimizer));
  }

  private static void refused(Heeds.Result r, Path out, String... fragments) {
    r.expect(Exits.BAD_INPUT).noStackTrace();
    for (String f : fragments) {
      assertTrue(r.err().contains(f), () -> "no '" + f + "' in:\n" + r.err());
    }
    assertFalse(r.err().contains("Guice"), r.err());
    assertFalse(r.err().contains("provision"), r.err());
    assertFalse(Files.exists(out.resolve("checkpoint")), () -> "wrote a checkpoint in " + out);
  }

  @Test
  void multiHeadAttentionOnFlatRowsIsBadInput() throws IOException {
    Path c =
        config(
            """
            - {type: attention, unit: {name: multi-head, num_heads: 2}}
            - {type: dense, units: 5}
            """,
            "{name: sgd, lr: 0.1}");
    Path out = tmp.resolve("run");
    refused(
        Heeds.run("train", c.toString(), "--out", out.toString()),
        out,
        "c.yaml:6:",
        "model.layers[0].unit",
        "expected a sequence");
  }

  @Test
  void anOptimizerRefusingItsOptionsWhenCreatedIsBadInput() throws IOException {
    Path c = config("- {type: dense, units: 5}", "{name: sgd, lr: 0.1, nesterov: true}");
    Path out = tmp.resolve("run");
    refused(
        Heeds.run("train", c.toString(), "--out", out.toString()),
        out,
        "c.yaml:",
        "optimizer.nesterov",
        "set momentum");
  }
}
