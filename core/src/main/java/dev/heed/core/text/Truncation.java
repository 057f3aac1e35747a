package dev.heed.core.text;

/**
 * How long encodings may be (Hugging Face's {@code TruncationParams}). Special tokens the
 * post-processor adds count against {@code maxLength}; what is cut off becomes overflow ({@link
 * Encoding#overflowing()}), each part overlapping the previous by {@code stride} tokens. An
 * implementation may stop tokenizing once a sequence has {@code maxLength} tokens (Hugging Face's
 * tokenizers do since 0.23), so the overflow need not hold the whole rest of a long text.
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
