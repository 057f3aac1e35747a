package dev.heed.tokenizers;

/**
 * HF's {@code process_offsets} for byte-level tokens: offsets leave out the spaces ('Ġ') a token
 * starts or ends with, except the one space added in front of the first token.
 */
final class ByteLevelTrim {
  private ByteLevelTrim() {}

  private static final int SPACE_CHAR = ByteLevel.BYTE_CHAR[' '];

  private static boolean isSpace(int c) {
    return c == SPACE_CHAR || Chars.isWhitespace(c);
  }

  static void trim(Enc e, boolean addPrefixSpace) {
    for (int i = 0; i < e.length(); i++) {
      String t = e.tokens[i];
      int[] cps = t.codePoints().toArray();
      int leading = 0;
      while (leading < cps.length && isSpace(cps[leading])) {
        leading++;
      }
      int trailing = 0;
      while (trailing < cps.length && isSpace(cps[cps.length - 1 - trailing])) {
        trailing++;
      }
      if (leading == 0 && trailing == 0) {
        continue;
      }
      if (leading > 0) {
        boolean first = i == 0 || e.starts[i] == 0;
        if (first && addPrefixSpace && leading == 1) {
          leading = 0;
        }
        e.starts[i] = Math.min(e.starts[i] + leading, e.ends[i]);
      }
      if (trailing > 0 && e.ends[i] >= trailing) {
        e.ends[i] = Math.max(e.ends[i] - trailing, e.starts[i]);
      }
    }
  }
}
