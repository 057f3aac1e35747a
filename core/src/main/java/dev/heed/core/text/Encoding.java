package dev.heed.core.text;

import java.util.List;
import java.util.Objects;

/**
 * The result of encoding one text (or pair of texts). All arrays have the same length, one entry
 * per token, padding included.
 *
 * @param ids token ids
 * @param tokens token strings as the vocabulary spells them
 * @param typeIds segment of each token: 0 for the first sequence, 1 for the second (BERT's token
 *     type ids)
 * @param offsets for each token, {@code [start, end)} in Unicode code points of the original text
 *     of its sequence; {@code (0, 0)} for tokens the post-processor or padding added
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param specialTokensMask 1 for special tokens (added by the post-processor, or added tokens
 *     marked special, or padding), 0 otherwise
 * @param overflowing what truncation cut off, as further encodings (empty without truncation)
 */
public record Encoding(
    int[] ids,
    List<String> tokens,
    int[] typeIds,
    Offsets[] offsets,
    int[] attentionMask,
    int[] specialTokensMask,
    List<Encoding> overflowing) {

  /** A {@code [start, end)} span in code points. */
  public record Offsets(int start, int end) {}

  /** Checks that every array has one entry per token. */
  public Encoding {
    Objects.requireNonNull(ids, "ids");
    tokens = List.copyOf(tokens);
    overflowing = List.copyOf(overflowing);
    int n = ids.length;
    if (tokens.size() != n
        || typeIds.length != n
        || offsets.length != n
        || attentionMask.length != n
        || specialTokensMask.length != n) {
      throw new IllegalArgumentException(
          "an encoding needs one entry per token in every array, got "
              + n
              + " ids, "
              + tokens.size()
              + " tokens, "
              + typeIds.length
              + " type ids, "
              + offsets.length
              + " offsets, "
              + attentionMask.length
              + " mask entries, "
              + specialTokensMask.length
              + " special-token flags");
    }
  }

  /** Number of tokens, padding included. */
  public int length() {
    return ids.length;
  }
}
