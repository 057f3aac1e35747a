package dev.heed.tokenizers;

/**
 * How long encodings may be (Hugging Face's {@code TruncationParams}). Special tokens the
 * post-processor adds count against {@code maxLength}; what is cut off becomes overflow, each part
 * overlapping the previous by {@code stride} tokens. As in Hugging Face's tokenizers since 0.23,
 * the model stops at the first pre-tokenized piece that brings a sequence to {@code maxLength}
 * tokens, so the overflow holds only the tokens up to that piece, not the whole rest of the text.
 *
 * @param maxLength the most tokens an encoding keeps, special tokens included
 * @param stride tokens repeated from the previous part in each overflow part; less than what {@code
 *     maxLength} leaves for the sequence
 * @param strategy which sequence of a pair gives up tokens
 * @param left whether tokens are cut from the left instead of the right
 */
public record Truncation(int maxLength, int stride, Strategy strategy, boolean left) {

  /** Which sequence of a pair is shortened. */
  public enum Strategy {
    /** Shorten the longer sequence first, down to half each. */
    LONGEST_FIRST,
    /** Only the first sequence. */
    ONLY_FIRST,
    /** Only the second sequence. */
    ONLY_SECOND
  }

  /** Checks the numbers. */
  public Truncation {
    if (maxLength < 0 || stride < 0) {
      throw new IllegalArgumentException(
          "truncation needs max_length >= 0 and stride >= 0, got " + maxLength + " and " + stride);
    }
    java.util.Objects.requireNonNull(strategy, "strategy");
  }
}
