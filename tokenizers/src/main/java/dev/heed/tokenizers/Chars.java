package dev.heed.tokenizers;

/** Character classes as Hugging Face's Rust code (and its Unicode crates) define them. */
final class Chars {
  private Chars() {}

  /** Rust's {@code char::is_whitespace}: the Unicode White_Space property. */
  static boolean isWhitespace(int c) {
    return (c >= 0x09 && c <= 0x0D)
        || c == 0x20
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }

  /** BERT's control characters: categories C* except tab, newline and carriage return. */
  static boolean isBertControl(int c) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return false;
    }
    int t = Character.getType(c);
    return t == Character.CONTROL
        || t == Character.FORMAT
        || t == Character.PRIVATE_USE
        || t == Character.SURROGATE
        || t == Character.UNASSIGNED;
  }

  static boolean isChinese(int c) {
    return (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0x3400 && c <= 0x4DBF)
        || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F)
        || (c >= 0x2B740 && c <= 0x2B81F)
        || (c >= 0x2B920 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0x2F800 && c <= 0x2FA1F);
  }

  /** ASCII punctuation or a Unicode punctuation category (P*), as BERT and Punctuation use. */
  static boolean isPunctuation(int c) {
    if (c < 0x80) {
      return (c >= 0x21 && c <= 0x2F)
          || (c >= 0x3A && c <= 0x40)
          || (c >= 0x5B && c <= 0x60)
          || (c >= 0x7B && c <= 0x7E);
    }
    int t = Character.getType(c);
    return t == Character.CONNECTOR_PUNCTUATION
        || t == Character.DASH_PUNCTUATION
        || t == Character.START_PUNCTUATION
        || t == Character.END_PUNCTUATION
        || t == Character.INITIAL_QUOTE_PUNCTUATION
        || t == Character.FINAL_QUOTE_PUNCTUATION
        || t == Character.OTHER_PUNCTUATION;
  }

  /**
   * Nonspacing marks (Mn): what HF's {@code is_combining_mark} removes in StripAccents and BERT's
   * accent stripping (spacing and enclosing marks stay).
   */
  static boolean isNonspacingMark(int c) {
    return c >= 0x300 && Character.getType(c) == Character.NON_SPACING_MARK;
  }

  /** General category Mark (Mn, Mc, Me). */
  static boolean isMark(int c) {
    if (c < 0x300) {
      return false;
    }
    int t = Character.getType(c);
    return t == Character.NON_SPACING_MARK
        || t == Character.COMBINING_SPACING_MARK
        || t == Character.ENCLOSING_MARK;
  }

  /** Rust's {@code char::is_numeric}: Nd, Nl or No. */
  static boolean isNumeric(int c) {
    if (c < 0x80) {
      return c >= '0' && c <= '9';
    }
    int t = Character.getType(c);
    return t == Character.DECIMAL_DIGIT_NUMBER
        || t == Character.LETTER_NUMBER
        || t == Character.OTHER_NUMBER;
  }

  /** Rust's {@code char::to_lowercase}, which has no context: only U+0130 maps to two chars. */
  static void lowercase(int c, Normalized.Changes out) {
    if (c < 0x80) {
      out.add(c >= 'A' && c <= 'Z' ? c + 32 : c, 0);
    } else if (c == 0x130) {
      out.add('i', 0);
      out.add(0x307, 1);
    } else {
      out.add(Character.toLowerCase(c), 0);
    }
  }
}
