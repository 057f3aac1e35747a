package dev.heed.tokenizers;

import java.util.ArrayList;
import java.util.List;

/**
 * What a split does with the delimiters it finds (Hugging Face's {@code SplitDelimiterBehavior}).
 */
enum Behavior {
  REMOVED,
  ISOLATED,
  MERGED_WITH_PREVIOUS,
  MERGED_WITH_NEXT,
  CONTIGUOUS;

  /** Splits {@code text} around the matches of {@code pattern}; empty pieces are dropped. */
  List<Normalized> split(Normalized text, Pattern pattern) {
    int[] m = pattern.findMatches(text);
    int n = m.length / 3;
    // (start, end, remove) for each resulting piece
    IntList pieces = new IntList(m.length);
    switch (this) {
      case REMOVED -> {
        for (int i = 0; i < n; i++) {
          pieces.add(m[3 * i], m[3 * i + 1], m[3 * i + 2]);
        }
      }
      case ISOLATED -> {
        for (int i = 0; i < n; i++) {
          pieces.add(m[3 * i], m[3 * i + 1], 0);
        }
      }
      case CONTIGUOUS -> {
        boolean previous = false;
        for (int i = 0; i < n; i++) {
          boolean isMatch = m[3 * i + 2] != 0;
          if (isMatch == previous && pieces.size() > 0) {
            pieces.set(pieces.size() - 2, m[3 * i + 1]);
          } else {
            pieces.add(m[3 * i], m[3 * i + 1], 0);
          }
          previous = isMatch;
        }
      }
      case MERGED_WITH_PREVIOUS -> {
        boolean previous = false;
        for (int i = 0; i < n; i++) {
          boolean isMatch = m[3 * i + 2] != 0;
          if (isMatch && !previous && pieces.size() > 0) {
            pieces.set(pieces.size() - 2, m[3 * i + 1]);
          } else {
            pieces.add(m[3 * i], m[3 * i + 1], 0);
          }
          previous = isMatch;
        }
      }
      case MERGED_WITH_NEXT -> {
        boolean previous = false;
        IntList rev = new IntList(m.length);
        for (int i = n - 1; i >= 0; i--) {
          boolean isMatch = m[3 * i + 2] != 0;
          if (isMatch && !previous && rev.size() > 0) {
            rev.set(rev.size() - 3, m[3 * i]);
          } else {
            rev.add(m[3 * i], m[3 * i + 1], 0);
          }
          previous = isMatch;
        }
        for (int i = rev.size() / 3 - 1; i >= 0; i--) {
          pieces.add(rev.get(3 * i), rev.get(3 * i + 1), 0);
        }
      }
    }
    List<Normalized> out = new ArrayList<>(pieces.size() / 3);
    for (int i = 0; i < pieces.size(); i += 3) {
      if (pieces.get(i + 2) == 0 && pieces.get(i) < pieces.get(i + 1)) {
        out.add(text.slice(pieces.get(i), pieces.get(i + 1)));
      }
    }
    return out;
  }

  /** The JSON spelling ({@code "MergedWithPrevious"}, …), or null. */
  static Behavior parse(String s) {
    return switch (s) {
      case "Removed" -> REMOVED;
      case "Isolated" -> ISOLATED;
      case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
      case "MergedWithNext" -> MERGED_WITH_NEXT;
      case "Contiguous" -> CONTIGUOUS;
      default -> null;
    };
  }
}
