package dev.heed.attention;

import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Character-level language-modelling data from any text: the vocabulary is the distinct characters
 * (sorted) of the text or of a larger text it was cut from, and a batch is random windows of {@code
 * length} characters with, as targets, the same windows shifted by one. Deterministic for a seed.
 */
final class CharacterText {
  private final String text;
  private final char[] vocabulary;
  private final int[] encoded;

  CharacterText(String text) {
    this(text, text);
  }

  /** The text {@code text} with the vocabulary of {@code vocabularyText} (a text it is part of). */
  CharacterText(String text, String vocabularyText) {
    if (text.length() < 2) {
      throw new IllegalArgumentException(
          "character text: need at least 2 characters, got " + text.length());
    }
    this.text = text;
    TreeSet<Character> chars = new TreeSet<>();
    for (char c : vocabularyText.toCharArray()) {
      chars.add(c);
    }
    vocabulary = new char[chars.size()];
    int i = 0;
    for (char c : chars) {
      vocabulary[i++] = c;
    }
    encoded = new int[text.length()];
    for (int k = 0; k < text.length(); k++) {
      encoded[k] = indexOf(text.charAt(k));
    }
  }

  int vocabularySize() {
    return vocabulary.length;
  }

  int indexOf(char c) {
    int i = java.util.Arrays.binarySearch(vocabulary, c);
    if (i < 0) {
      throw new IllegalArgumentException("character text: '" + c + "' is not in the vocabulary");
    }
    return i;
  }

  char charAt(int index) {
    return vocabulary[index];
  }

  /** The entropy (nats per character) of the text's character frequencies: the unigram baseline. */
  double unigramEntropy() {
    double[] counts = new double[vocabulary.length];
    for (int e : encoded) {
      counts[e]++;
    }
    double h = 0;
    for (double c : counts) {
      if (c > 0) {
        double p = c / encoded.length;
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  /**
   * One batch.
   *
   * @param inputs {@code [batch, length]} character indices
   * @param targets the next character of each input position
   */
  record Batch(int[] inputs, int[] targets, int size, int length) {}

  /** {@code size} windows of {@code length} characters, from stream {@code seed}. */
  Batch batch(int size, int length, long seed) {
    if (length + 1 > text.length()) {
      throw new IllegalArgumentException(
          "character text: windows of "
              + length
              + " need a text of more than "
              + length
              + " characters");
    }
    SplittableRandom r = new SplittableRandom(seed);
    int[] in = new int[size * length];
    int[] out = new int[size * length];
    for (int b = 0; b < size; b++) {
      int start = r.nextInt(encoded.length - length);
      System.arraycopy(encoded, start, in, b * length, length);
      System.arraycopy(encoded, start + 1, out, b * length, length);
    }
    return new Batch(in, out, size, length);
  }
}
