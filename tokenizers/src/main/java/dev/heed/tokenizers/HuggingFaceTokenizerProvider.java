package dev.heed.tokenizers;

import dev.heed.core.plugin.Options;
import dev.heed.core.text.Tokenizer;
import dev.heed.core.text.TokenizerProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The {@code huggingface} tokenizer provider: opens a Hugging Face {@code tokenizer.json}. */
public final class HuggingFaceTokenizerProvider implements TokenizerProvider {

  /** Cheap: reads nothing until {@link #open}. */
  public HuggingFaceTokenizerProvider() {}

  @Override
  public String name() {
    return "huggingface";
  }

  @Override
  public List<String> aliases() {
    return List.of("tokenizer.json", "hf");
  }

  @Override
  public String description() {
    return "Hugging Face tokenizer.json (WordPiece, BPE, Unigram) in pure Java";
  }

  @Override
  public Tokenizer open(Path file, Options options) throws IOException {
    return HuggingFaceTokenizer.open(file);
  }
}
