package dev.heed.pretrained;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model directory's {@code generation_config.json} (or, without one, the token ids of its {@code
 * config.json}), with Hugging Face's defaults for what it leaves out.
 *
 * @param bosTokenId the beginning-of-sequence token, or null
 * @param eosTokenIds the tokens that end generation (may be empty)
 * @param padTokenId the padding token, or null
 * @param maxLength prompt plus generated tokens at most (default 20)
 * @param maxNewTokens generated tokens at most, or null to use {@code maxLength}
 * @param doSample whether to sample (default greedy)
 * @param sampling temperature (1), top_k (50), top_p (1) and repetition_penalty (1)
 */
public record GenerationConfig(
    Integer bosTokenId,
    int[] eosTokenIds,
    Integer padTokenId,
    int maxLength,
    Integer maxNewTokens,
    boolean doSample,
    Sampling sampling) {

  /** Copies the token list. */
  public GenerationConfig {
    eosTokenIds = eosTokenIds.clone();
  }

  /** The generation settings of model directory {@code dir}. */
  public static GenerationConfig read(Path dir) {
    Path file = dir.resolve("generation_config.json");
    ConfigJson c = ConfigJson.read(Files.isRegularFile(file) ? file : dir.resolve("config.json"));
    return new GenerationConfig(
        c.tokenId("bos_token_id"),
        c.tokenIds("eos_token_id"),
        c.tokenId("pad_token_id"),
        c.positive("max_length", 20),
        c.has("max_new_tokens") ? c.positive("max_new_tokens") : null,
        c.bool("do_sample", false),
        new Sampling(
            c.number("temperature", 1.0),
            c.nonNegative("top_k", 50),
            c.number("top_p", 1.0),
            c.number("repetition_penalty", 1.0)));
  }

  /**
   * The options of {@link Generation#generate} for a prompt of {@code promptLength} tokens: up to
   * {@code maxNewTokens}, or what {@code maxLength} leaves; stopping at the end tokens.
   */
  public Generation.Options options(int promptLength, long seed) {
    int steps = maxNewTokens != null ? maxNewTokens : Math.max(0, maxLength - promptLength);
    return new Generation.Options(steps, doSample, sampling, seed, eosTokenIds);
  }
}
