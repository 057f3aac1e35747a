package dev.heed.tokenizers;

import java.text.Normalizer.Form;
import java.util.List;

/** One normalizer of a {@code tokenizer.json}: changes a piece of text in place. */
@FunctionalInterface
interface NormalizerStep {

  void normalize(Normalized text);

  /** Hugging Face's {@code BertNormalizer}. */
  static NormalizerStep bert(
      boolean cleanText, boolean chineseChars, boolean stripAccents, boolean lowercase) {
    return n -> {
      if (cleanText) {
        n.filter(c -> !(c == 0 || c == 0xFFFD || Chars.isBertControl(c)));
        n.map(c -> Chars.isWhitespace(c) ? ' ' : c);
      }
      if (chineseChars) {
        boolean any = false;
        for (int c : n.cps) {
          if (Chars.isChinese(c)) {
            any = true;
            break;
          }
        }
        if (any) {
          Normalized.Changes ch = new Normalized.Changes();
          for (int c : n.cps) {
            if (Chars.isChinese(c)) {
              ch.add(' ', 0);
              ch.add(c, 1);
              ch.add(' ', 1);
            } else {
              ch.add(c, 0);
            }
          }
          n.transform(ch, 0);
        }
      }
      if (stripAccents) {
        UnicodeForms.apply(n, Form.NFD);
        n.filter(c -> !Chars.isNonspacingMark(c));
      }
      if (lowercase) {
        lowercase(n);
      }
    };
  }

  static void lowercase(Normalized n) {
    boolean special = false;
    for (int c : n.cps) {
      if (c == 0x130) {
        special = true;
        break;
      }
    }
    if (!special) {
      n.map(c -> c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : Character.toLowerCase(c));
      return;
    }
    Normalized.Changes ch = new Normalized.Changes();
    for (int c : n.cps) {
      Chars.lowercase(c, ch);
    }
    n.transform(ch, 0);
  }

  static NormalizerStep form(Form form) {
    return n -> UnicodeForms.apply(n, form);
  }

  /** HF's StripAccents: drops every mark (Mn, Mc, Me), unlike BERT's, which drops only Mn. */
  static NormalizerStep stripAccents() {
    return n -> n.filter(c -> !Chars.isMark(c));
  }

  /** Hugging Face's {@code Strip}: whitespace off the left and/or right end. */
  static NormalizerStep strip(boolean left, boolean right) {
    return n -> {
      int from = 0;
      int to = n.length();
      if (left) {
        while (from < to && Chars.isWhitespace(n.cps[from])) {
          from++;
        }
      }
      if (right) {
        while (to > from && Chars.isWhitespace(n.cps[to - 1])) {
          to--;
        }
      }
      if (from == 0 && to == n.length()) {
        return;
      }
      n.cps = java.util.Arrays.copyOfRange(n.cps, from, to);
      n.alignStart = java.util.Arrays.copyOfRange(n.alignStart, from, to);
      n.alignEnd = java.util.Arrays.copyOfRange(n.alignEnd, from, to);
    };
  }

  static NormalizerStep replace(Pattern pattern, String content) {
    return n -> n.replace(pattern, content);
  }

  static NormalizerStep prepend(String prefix) {
    return n -> n.prepend(prefix);
  }

  static NormalizerStep sequence(List<NormalizerStep> steps) {
    return n -> {
      for (NormalizerStep s : steps) {
        s.normalize(n);
      }
    };
  }
}
