package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.EncoderDecoderConfigs;
import dev.heed.assembly.api.ConfigException;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.EncoderDecoder;
import dev.heed.core.tensor.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models of named parts ({@link EncoderDecoderConfigs}): a transformer read from a file, and every
 * mistake refused with its config path and line — a misspelt memory (with a "did you mean"), a
 * cycle, a memory of the wrong width, a decoder without a memory, a memory no layer reads, an
 * unknown layer, a bad option.
 */
@SuppressWarnings("try")
class PartsConfigTest {
  @TempDir Path tmp;

  private static final String TEMPLATE =
      """
      model:
        inputs:
          source: {vocabulary: 15}
          target: {vocabulary: 15}
        parts:
          encoder:
            input: source
            layers:
              - type: embedding
                embedding_dim: 16
              - type: transformer-encoder
                nhead: 2
                dim_feedforward: 32
          decoder:
            input: target
            memory: encoder
            layers:
              - type: embedding
                embedding_dim: 16
              - type: transformer-decoder
                nhead: 2
                dim_feedforward: 32
              - type: lm-head
                vocab_size: 15
        output: decoder
      """;

  private static BuildContext ctx() {
    return BuildContext.of(Training.cpu(), DType.FLOAT64, 1);
  }

  private static ConfigException refused(String yaml) {
    return assertThrows(
        ConfigException.class, () -> EncoderDecoderConfigs.read(yaml, "test", ctx()));
  }

  @Test
  void aTransformerOfNamedPartsIsReadFromAFile() throws Exception {
    Path file = tmp.resolve("model.yaml");
    Files.writeString(file, TEMPLATE);
    try (Scope scope = Scope.open()) {
      EncoderDecoder model = EncoderDecoderConfigs.read(file, ctx());
      assertEquals(2, model.encoder().size());
      assertEquals(3, model.decoder().size());
      assertTrue(
          model.namedParameters().containsKey("decoder.1.layers.1.multihead_attn.in_proj_weight"));
    }
  }

  @Test
  void aMisspeltMemoryIsNamedWithTheKnownNames() {
    ConfigException e = refused(TEMPLATE.replace("memory: encoder", "memory: encodr"));
    assertEquals("model.parts.decoder.memory", e.configPath());
    assertEquals(16, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'encoder'"), e.getMessage());
  }

  @Test
  void aCycleIsRefused() {
    ConfigException e = refused(TEMPLATE.replace("input: source", "input: decoder"));
    assertTrue(e.getMessage().contains("form a cycle"), e.getMessage());
    assertTrue(e.configPath().endsWith(".input"), e.configPath());
  }

  @Test
  void aMemoryOfTheWrongWidthIsRefusedAtTheLayer() {
    ConfigException e =
        refused(
            TEMPLATE.replace(
                "      - type: transformer-decoder\n",
                "      - type: transformer-decoder\n          memory_features: 12\n"));
    assertEquals("model.parts.decoder.layers[1]", e.configPath());
    assertTrue(e.getMessage().contains("memory of 12 features"), e.getMessage());
    assertTrue(e.line() > 0);
  }

  @Test
  void aDecoderWithoutMemoryAndAMemoryNoLayerReadsAreRefused() {
    ConfigException noMemory = refused(TEMPLATE.replace("      memory: encoder\n", ""));
    assertEquals("model.parts.decoder.layers[1]", noMemory.configPath(), noMemory.getMessage());
    assertTrue(noMemory.getMessage().contains("give part 'decoder' a 'memory'"));
    ConfigException unread =
        refused(
            TEMPLATE.replace(
                "      - type: transformer-decoder\n", "      - type: transformer-encoder\n"));
    assertEquals("model.parts.decoder.memory", unread.configPath(), unread.getMessage());
  }

  @Test
  void anUnknownLayerAndABadOptionAreLocated() {
    ConfigException type = refused(TEMPLATE.replace("type: lm-head", "type: lm-haed"));
    assertEquals("model.parts.decoder.layers[2].type", type.configPath(), type.getMessage());
    assertTrue(type.getMessage().contains("lm-head"), type.getMessage());
    ConfigException option = refused(TEMPLATE.replaceFirst("nhead: 2", "nhead: 3"));
    assertTrue(
        option.configPath().startsWith("model.parts.encoder.layers[1]"), option.configPath());
    assertTrue(option.getMessage().contains("nhead"), option.getMessage());
  }
}
