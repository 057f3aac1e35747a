package dev.heed.core.text;

/**
 * How encodings are padded (Hugging Face's {@code PaddingParams}): padding tokens get attention 0,
 * special-token flag 1 and offsets (0, 0); overflow parts are padded to the same length.
 *
 * @param length pad every encoding to this many tokens, or null to pad a batch to its longest
 * @param padToMultipleOf round the padded length up to a multiple of this, or 0
 * @param padId id of the padding token
 * @param padTypeId type id of padding
 * @param padToken string of the padding token
 * @param left whether padding goes on the left
 */
public record Padding(
    Integer length, int padToMultipleOf, int padId, int padTypeId, String padToken, boolean left) {

  /** Checks the numbers. */
  public Padding {
    if ((length != null && length < 0) || padToMultipleOf < 0) {
      throw new IllegalArgumentException(
          "padding needs length >= 0 and pad_to_multiple_of >= 0, got "
              + length
              + " and "
              + padToMultipleOf);
    }
    java.util.Objects.requireNonNull(padToken, "padToken");
  }

  /** The length to pad a batch whose longest encoding has {@code longest} tokens to. */
  public int targetLength(int longest) {
    int n = length != null ? length : longest;
    if (padToMultipleOf > 0 && n % padToMultipleOf > 0) {
      n += padToMultipleOf - n % padToMultipleOf;
    }
    return n;
  }
}
