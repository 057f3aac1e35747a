package dev.heed.assembly;

import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.internal.PartsReader;
import dev.heed.assembly.internal.YamlReader;
import dev.heed.core.Plugins;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.EncoderDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Encoder–decoder models from a config's {@code model} section of named inputs and parts (see
 * {@link PartsReader} for the form): parts that take two inputs, the encoder's output into the
 * decoder's memory, each part a list of layer plugins. {@link Seq2Seq} trains such a config on
 * source/target pairs ({@code heed train}); {@link dev.heed.assembly.train.Trainer} takes {@code
 * model.layers} ({@link dev.heed.core.nn.Sequential}) only.
 */
public final class EncoderDecoderConfigs {
  private EncoderDecoderConfigs() {}

  /**
   * The model that {@code file} (YAML, or JSON when it ends with {@code .json}) describes.
   *
   * @throws ConfigException with the file, line and config path of the first mistake
   */
  public static EncoderDecoder read(Path file, BuildContext ctx) throws IOException {
    String text = Files.readString(file);
    return PartsReader.build(
        YamlReader.parse(text, file, file.toString(), file.toString().endsWith(".json")),
        Plugins.shared(),
        ctx);
  }

  /**
   * The model that YAML {@code text} describes; {@code label} stands for the file in messages
   * ({@code label:line:column}).
   */
  public static EncoderDecoder read(String text, String label, BuildContext ctx) {
    return PartsReader.build(
        YamlReader.parse(text, Path.of(label), label, false), Plugins.shared(), ctx);
  }
}
