package dev.heed.tokenizers;

import java.util.Arrays;

/**
 * A piece of text being normalized, in Unicode code points, with each code point's span in the
 * original text: Hugging Face's {@code NormalizedString}, with alignments kept in absolute code
 * point offsets of the whole input rather than UTF-8 bytes relative to the piece (which gives the
 * same offsets once HF converts its bytes to characters).
 *
 * <p>Every change goes through {@link #transform}: a list of new code points, each with a change
 * count (0 replaces the next old code point and takes its alignment; {@code n > 0} inserts and
 * takes the alignment of the old code point before; {@code -n} replaces and then drops {@code n}
 * old code points).
 */
final class Normalized {
  int[] cps;
  int[] alignStart;
  int[] alignEnd;

  /** Where this piece starts in the original text (HF's {@code original_shift}). */
  final int shift;

  Normalized(int[] cps, int[] alignStart, int[] alignEnd, int shift) {
    this.cps = cps;
    this.alignStart = alignStart;
    this.alignEnd = alignEnd;
    this.shift = shift;
  }

  /**
   * The whole input text, not yet changed. A lone surrogate (which a Java string may hold and a
   * Rust string may not) is read as U+FFFD, one code point like any other.
   */
  static Normalized of(String text) {
    int[] cps = text.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      if (cps[i] >= 0xD800 && cps[i] <= 0xDFFF) {
        cps[i] = 0xFFFD;
      }
    }
    int[] s = new int[cps.length];
    int[] e = new int[cps.length];
    for (int i = 0; i < cps.length; i++) {
      s[i] = i;
      e[i] = i + 1;
    }
    return new Normalized(cps, s, e, 0);
  }

  int length() {
    return cps.length;
  }

  boolean isEmpty() {
    return cps.length == 0;
  }

  @Override
  public String toString() {
    return new String(cps, 0, cps.length);
  }

  /** The sub-piece {@code [from, to)} of the normalized code points. */
  Normalized slice(int from, int to) {
    int newShift = from < to ? alignStart[from] : (from < cps.length ? alignStart[from] : shift);
    return new Normalized(
        Arrays.copyOfRange(cps, from, to),
        Arrays.copyOfRange(alignStart, from, to),
        Arrays.copyOfRange(alignEnd, from, to),
        newShift);
  }

  /** The original span of normalized {@code [from, to)}: first start, last end. */
  int originalStart(int from, int to) {
    return from == to ? from : alignStart[from];
  }

  int originalEnd(int from, int to) {
    return from == to ? to : alignEnd[to - 1];
  }

  /** Growable list of (code point, change) pairs for {@link #transform}. */
  static final class Changes {
    int[] cps = new int[16];
    int[] changes = new int[16];
    int size;

    void add(int cp, int change) {
      if (size == cps.length) {
        cps = Arrays.copyOf(cps, size * 2);
        changes = Arrays.copyOf(changes, size * 2);
      }
      cps[size] = cp;
      changes[size] = change;
      size++;
    }
  }

  /**
   * Replaces the whole normalized text; {@code initialOffset} old code points at the start are
   * dropped first.
   */
  void transform(Changes ch, int initialOffset) {
    int[] ncps = new int[ch.size];
    int[] ns = new int[ch.size];
    int[] ne = new int[ch.size];
    int idx = initialOffset;
    for (int i = 0; i < ch.size; i++) {
      int change = ch.changes[i];
      if (change > 0) {
        if (idx < 1) {
          ns[i] = shift;
          ne[i] = shift;
        } else {
          ns[i] = alignStart[idx - 1];
          ne[i] = alignEnd[idx - 1];
        }
      } else {
        ns[i] = alignStart[idx];
        ne[i] = alignEnd[idx];
        idx += 1 - change;
      }
      ncps[i] = ch.cps[i];
    }
    cps = ncps;
    alignStart = ns;
    alignEnd = ne;
  }

  /** Keeps the code points for which {@code keep} is true; they keep their alignments. */
  void filter(java.util.function.IntPredicate keep) {
    int n = 0;
    for (int cp : cps) {
      if (keep.test(cp)) {
        n++;
      }
    }
    if (n == cps.length) {
      return;
    }
    int[] ncps = new int[n];
    int[] ns = new int[n];
    int[] ne = new int[n];
    int j = 0;
    for (int i = 0; i < cps.length; i++) {
      if (keep.test(cps[i])) {
        ncps[j] = cps[i];
        ns[j] = alignStart[i];
        ne[j] = alignEnd[i];
        j++;
      }
    }
    cps = ncps;
    alignStart = ns;
    alignEnd = ne;
  }

  /** Maps every code point to one code point, alignments unchanged. */
  void map(java.util.function.IntUnaryOperator f) {
    for (int i = 0; i < cps.length; i++) {
      cps[i] = f.applyAsInt(cps[i]);
    }
  }

  /** HF's {@code prepend}: the text goes before the first code point, aligned with it. */
  void prepend(String text) {
    if (cps.length == 0) {
      return;
    }
    Changes ch = new Changes();
    int[] p = text.codePoints().toArray();
    for (int i = 0; i < p.length; i++) {
      ch.add(p[i], i == 0 ? 0 : 1);
    }
    ch.add(cps[0], 1);
    for (int i = 1; i < cps.length; i++) {
      ch.add(cps[i], 0);
    }
    transform(ch, 0);
  }

  /**
   * HF's {@code replace}: every match of {@code pattern} becomes {@code content}, each new code
   * point aligned with the last code point of the match (HF inserts the content after removing the
   * match).
   */
  void replace(Pattern pattern, String content) {
    int[] matches = pattern.findMatches(this);
    boolean any = false;
    for (int m = 2; m < matches.length; m += 3) {
      any |= matches[m] != 0;
    }
    if (!any) {
      return;
    }
    int[] rep = content.codePoints().toArray();
    IntList out = new IntList(cps.length);
    IntList starts = new IntList(cps.length);
    IntList ends = new IntList(cps.length);
    for (int m = 0; m < matches.length; m += 3) {
      int start = matches[m];
      int end = matches[m + 1];
      if (matches[m + 2] == 0) {
        for (int i = start; i < end; i++) {
          out.add(cps[i]);
          starts.add(alignStart[i]);
          ends.add(alignEnd[i]);
        }
      } else {
        int s = end >= 1 ? alignStart[end - 1] : shift;
        int e = end >= 1 ? alignEnd[end - 1] : shift;
        for (int cp : rep) {
          out.add(cp);
          starts.add(s);
          ends.add(e);
        }
      }
    }
    cps = out.toArray();
    alignStart = starts.toArray();
    alignEnd = ends.toArray();
  }
}
