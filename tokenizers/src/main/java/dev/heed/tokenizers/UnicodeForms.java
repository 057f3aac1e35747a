package dev.heed.tokenizers;

import java.text.Normalizer;
import java.text.Normalizer.Form;

/**
 * NFD, NFKD, NFC and NFKC with Hugging Face's alignments. HF (through its {@code
 * unicode-normalization-alignments} crate) aligns a decomposed character's first code point with
 * the character and inserts the rest after it; a composed character takes the alignment of the
 * first code point it was made from and the next ones are dropped, so marks left after it align
 * with the positions that follow. The code points themselves come from {@link
 * java.text.Normalizer}.
 */
final class UnicodeForms {
  private UnicodeForms() {}

  static void apply(Normalized n, Form form) {
    if (n.isEmpty()) {
      return;
    }
    String text = n.toString();
    if (Normalizer.isNormalized(text, form)) {
      return;
    }
    boolean compose = form == Form.NFC || form == Form.NFKC;
    Form decomposition = form == Form.NFC || form == Form.NFD ? Form.NFD : Form.NFKD;
    // 1. each code point decomposed on its own: first part replaces it, the rest are inserted
    Normalized.Changes dec = new Normalized.Changes();
    for (int cp : n.cps) {
      if (cp < 0xC0) {
        if (cp < 0x80 || decomposition == Form.NFD) {
          dec.add(cp, 0);
          continue;
        }
      }
      String d = Normalizer.normalize(Character.toString(cp), decomposition);
      int[] parts = d.codePoints().toArray();
      for (int i = 0; i < parts.length; i++) {
        dec.add(parts[i], i == 0 ? 0 : 1);
      }
    }
    String decomposed = new String(dec.cps, 0, dec.size);
    String target = Normalizer.normalize(text, form);
    Normalized.Changes out = new Normalized.Changes();
    if (!compose) {
      // canonical reordering moves marks; the changes stay where they were
      int[] t = target.codePoints().toArray();
      if (t.length == dec.size) {
        for (int i = 0; i < t.length; i++) {
          out.add(t[i], dec.changes[i]);
        }
        n.transform(out, 0);
        return;
      }
      positional(n, t);
      return;
    }
    // 2. composition, chunk by chunk: a chunk is a starter with the marks after it
    int i = 0;
    while (i < dec.size) {
      int j = i + 1;
      while (j < dec.size && !isStarter(dec.cps[j])) {
        j++;
      }
      int old = 0;
      for (int k = i; k < j; k++) {
        if (dec.changes[k] <= 0) {
          old++;
        }
      }
      String chunk =
          decomposed.substring(
              decomposed.offsetByCodePoints(0, i), decomposed.offsetByCodePoints(0, j));
      int[] composed = Normalizer.normalize(chunk, form).codePoints().toArray();
      int m = composed.length;
      for (int k = 0; k < m; k++) {
        out.add(composed[k], change(k, m, old));
      }
      i = j;
    }
    if (!new String(out.cps, 0, out.size).equals(target)) {
      positional(n, target.codePoints().toArray());
      return;
    }
    n.transform(out, 0);
  }

  /**
   * The change of output {@code k} of {@code m} made from {@code old} code points: a composed
   * character absorbs the code points that disappeared (HF's crate lowers the starter's change for
   * each mark it takes in, and the marks left keep their places); extra outputs are inserted.
   */
  private static int change(int k, int m, int old) {
    if (m < old) {
      return k == 0 ? -(old - m) : 0;
    }
    return k < old ? 0 : 1;
  }

  private static boolean isStarter(int cp) {
    if (cp < 0x300) {
      return true;
    }
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2)) {
      return false;
    }
    return !Chars.isMark(cp);
  }

  /** Fallback: new code points aligned one to one with the old, the rest inserted or dropped. */
  private static void positional(Normalized n, int[] t) {
    Normalized.Changes out = new Normalized.Changes();
    int old = n.length();
    for (int k = 0; k < t.length; k++) {
      out.add(t[k], change(k, t.length, old));
    }
    n.transform(out, 0);
  }
}
