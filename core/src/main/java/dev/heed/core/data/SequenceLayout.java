package dev.heed.core.data;

/**
 * How the rows of a token-sequence data set are laid out. A row holds {@code length} token ids
 * (stored as floats; {@code 0} is padding and only follows the real tokens) followed by the
 * targets: one one-hot row of {@code vocabulary} classes per example, or, when {@code perPosition},
 * one per position ({@code length × vocabulary}, all zero at padded positions). The trainer feeds
 * the ids as an INT32 tensor {@code [B, length]} with a key-padding mask.
 *
 * @param length the padded sequence length
 * @param vocabulary token ids {@code 0 … vocabulary-1}, also the number of classes
 * @param perPosition whether every position has a target (sequence to sequence)
 */
public record SequenceLayout(int length, int vocabulary, boolean perPosition) {

  /** Targets per row. */
  public int targetWidth() {
    return perPosition ? length * vocabulary : vocabulary;
  }
}
