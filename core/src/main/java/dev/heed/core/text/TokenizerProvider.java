package dev.heed.core.text;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Service interface of a tokenizer format (for example {@code huggingface} for a {@code
 * tokenizer.json} file).
 */
public interface TokenizerProvider extends Provider {

  /**
   * Opens the tokenizer that {@code file} describes, with options validated against {@link
   * #options()}. The file is only read.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is not a tokenizer this provider can run; the
   *     message says which part is wrong (a JSON path) and what is supported
   */
  Tokenizer open(Path file, Options options) throws IOException;
}
