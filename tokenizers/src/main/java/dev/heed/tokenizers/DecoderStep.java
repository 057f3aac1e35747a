package dev.heed.tokenizers;

import java.util.ArrayList;
import java.util.List;

/** One decoder of a {@code tokenizer.json}: token strings in, token strings (or text) out. */
@FunctionalInterface
interface DecoderStep {

  List<String> decodeChain(List<String> tokens);

  static DecoderStep byteLevel() {
    return tokens -> List.of(ByteLevel.decode(tokens));
  }

  /** WordPiece's: glue pieces that carry the prefix, put a space before the others. */
  static DecoderStep wordPiece(String prefix, boolean cleanup) {
    return tokens -> {
      List<String> out = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        String t = tokens.get(i);
        if (i != 0) {
          t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
        }
        if (cleanup) {
          t = cleanup(t);
        }
        out.add(t);
      }
      return out;
    };
  }

  static String cleanup(String s) {
    return s.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" do not", " don't")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }

  /** Metaspace's: the marker becomes a space, except in the first token when one was prepended. */
  static DecoderStep metaspace(int replacement, boolean prepended) {
    return tokens -> {
      List<String> out = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        StringBuilder b = new StringBuilder();
        String t = tokens.get(i);
        for (int k = 0; k < t.length(); ) {
          int c = t.codePointAt(k);
          k += Character.charCount(c);
          if (c == replacement) {
            if (!(i == 0 && prepended)) {
              b.append(' ');
            }
          } else {
            b.appendCodePoint(c);
          }
        }
        out.add(b.toString());
      }
      return out;
    };
  }

  /** ByteFallback's: runs of {@code <0xNN>} tokens become their UTF-8 text, or one U+FFFD each. */
  static DecoderStep byteFallback() {
    return tokens -> {
      List<String> out = new ArrayList<>(tokens.size());
      byte[] pending = new byte[16];
      int n = 0;
      for (String t : tokens) {
        int b = byteToken(t);
        if (b >= 0) {
          if (n == pending.length) {
            pending = java.util.Arrays.copyOf(pending, n * 2);
          }
          pending[n++] = (byte) b;
          continue;
        }
        flush(pending, n, out);
        n = 0;
        out.add(t);
      }
      flush(pending, n, out);
      return out;
    };
  }

  private static int byteToken(String t) {
    if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
      try {
        return Integer.parseInt(t.substring(3, 5), 16);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  private static void flush(byte[] pending, int n, List<String> out) {
    if (n == 0) {
      return;
    }
    String s = Utf8.decodeStrict(pending, n);
    if (s != null) {
      out.add(s);
    } else {
      for (int i = 0; i < n; i++) {
        out.add("\uFFFD");
      }
    }
  }

  /** BPEDecoder's: the end-of-word suffix becomes a space, or nothing in the last token. */
  static DecoderStep bpe(String suffix) {
    return tokens -> {
      List<String> out = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
      }
      return out;
    };
  }

  static DecoderStep fuse() {
    return tokens -> List.of(String.join("", tokens));
  }

  /** Strip's: up to {@code start} leading and {@code stop} trailing {@code content} characters. */
  static DecoderStep strip(int content, int start, int stop) {
    return tokens -> {
      List<String> out = new ArrayList<>(tokens.size());
      for (String t : tokens) {
        int[] cps = t.codePoints().toArray();
        int from = 0;
        for (int i = 0; i < Math.min(start, cps.length); i++) {
          if (cps[i] == content) {
            from = i + 1;
          } else {
            break;
          }
        }
        int to = cps.length;
        for (int i = 0; i < stop; i++) {
          int index = cps.length - i - 1;
          if (index < 0 || cps[index] != content) {
            break;
          }
          to = index;
        }
        out.add(from >= to ? "" : new String(cps, from, to - from));
      }
      return out;
    };
  }

  static DecoderStep replace(Pattern pattern, String content) {
    return tokens -> {
      List<String> out = new ArrayList<>(tokens.size());
      for (String t : tokens) {
        Normalized n = Normalized.of(t);
        n.replace(pattern, content);
        out.add(n.toString());
      }
      return out;
    };
  }

  static DecoderStep sequence(List<DecoderStep> steps) {
    return tokens -> {
      for (DecoderStep s : steps) {
        tokens = s.decodeChain(tokens);
      }
      return tokens;
    };
  }
}
