package dev.heed.attention;

import java.util.SplittableRandom;

/**
 * The marked-token recall task, generated: a sequence of content tokens {@code 1 … CONTENT} with a
 * marker token ({@link #MARKER}) at a random position; the answer is the token right after the
 * marker. Sequences have random lengths in {@code [minLength, maxLength]} and are padded with
 * {@link #PAD} to {@code maxLength}. Deterministic for a seed.
 */
final class MarkedTokenRecall {
  static final int PAD = 0;
  static final int CONTENT = 8;
  static final int MARKER = CONTENT + 1;
  static final int VOCABULARY = CONTENT + 2;

  /**
   * One batch.
   *
   * @param tokens {@code [batch, time]} row-major
   * @param next each token's successor ({@code PAD} after the last), {@code [batch, time]}
   * @param lengths the unpadded length of each sequence
   * @param answers the class of each answer: the token after the marker minus 1, in {@code [0,
   *     CONTENT)}
   * @param markers where each marker is
   */
  record Batch(int[] tokens, int[] next, int[] lengths, int[] answers, int[] markers, int time) {
    int size() {
      return lengths.length;
    }
  }

  private final int minLength;
  private final int maxLength;

  MarkedTokenRecall(int minLength, int maxLength) {
    if (minLength < 2 || maxLength < minLength) {
      throw new IllegalArgumentException(
          "marked-token recall: need 2 <= minLength <= maxLength, got "
              + minLength
              + " and "
              + maxLength);
    }
    this.minLength = minLength;
    this.maxLength = maxLength;
  }

  /** A batch of {@code size} examples from stream {@code seed}. */
  Batch batch(int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int t = maxLength;
    int[] tokens = new int[size * t];
    int[] next = new int[size * t];
    int[] lengths = new int[size];
    int[] answers = new int[size];
    int[] markers = new int[size];
    for (int b = 0; b < size; b++) {
      int len = r.nextInt(minLength, maxLength + 1);
      lengths[b] = len;
      for (int i = 0; i < len; i++) {
        tokens[b * t + i] = r.nextInt(1, CONTENT + 1);
      }
      int m = r.nextInt(0, len - 1);
      markers[b] = m;
      tokens[b * t + m] = MARKER;
      answers[b] = tokens[b * t + m + 1] - 1;
      for (int i = 0; i + 1 < t; i++) {
        next[b * t + i] = tokens[b * t + i + 1];
      }
    }
    return new Batch(tokens, next, lengths, answers, markers, t);
  }
}
