package dev.heed.tokenizers;

import java.nio.charset.StandardCharsets;

/** GPT-2's map between bytes and printable characters, and helpers around it. */
final class ByteLevel {
  private ByteLevel() {}

  /** The printable character that stands for each byte. */
  static final int[] BYTE_CHAR = new int[256];

  /** The byte each of those characters stands for, or -1. */
  static final int[] CHAR_BYTE = new int[512];

  static {
    boolean[] direct = new boolean[256];
    for (int b = 0; b < 256; b++) {
      direct[b] = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      BYTE_CHAR[b] = direct[b] ? b : 256 + n++;
    }
    java.util.Arrays.fill(CHAR_BYTE, -1);
    for (int b = 0; b < 256; b++) {
      CHAR_BYTE[BYTE_CHAR[b]] = b;
    }
  }

  /** Replaces each code point by the characters of its UTF-8 bytes. */
  static void toByteChars(Normalized n) {
    boolean ascii = true;
    for (int c : n.cps) {
      if (c >= 0x80 || BYTE_CHAR[c] != c) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return;
    }
    Normalized.Changes ch = new Normalized.Changes();
    byte[] buf = new byte[4];
    for (int c : n.cps) {
      int len = utf8(c, buf);
      for (int i = 0; i < len; i++) {
        ch.add(BYTE_CHAR[buf[i] & 0xFF], i == 0 ? 0 : 1);
      }
    }
    n.transform(ch, 0);
  }

  static int utf8(int c, byte[] buf) {
    if (c < 0x80) {
      buf[0] = (byte) c;
      return 1;
    } else if (c < 0x800) {
      buf[0] = (byte) (0xC0 | (c >> 6));
      buf[1] = (byte) (0x80 | (c & 0x3F));
      return 2;
    } else if (c < 0x10000) {
      buf[0] = (byte) (0xE0 | (c >> 12));
      buf[1] = (byte) (0x80 | ((c >> 6) & 0x3F));
      buf[2] = (byte) (0x80 | (c & 0x3F));
      return 3;
    } else {
      buf[0] = (byte) (0xF0 | (c >> 18));
      buf[1] = (byte) (0x80 | ((c >> 12) & 0x3F));
      buf[2] = (byte) (0x80 | ((c >> 6) & 0x3F));
      buf[3] = (byte) (0x80 | (c & 0x3F));
      return 4;
    }
  }

  /**
   * Decodes tokens of byte characters back to text, as HF's ByteLevel decoder: a token made only of
   * byte characters gives those bytes, any other token its own UTF-8; invalid UTF-8 becomes U+FFFD.
   */
  static String decode(Iterable<String> tokens) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String t : tokens) {
      byte[] bytes = new byte[t.length()];
      int len = 0;
      boolean ok = true;
      for (int i = 0; i < t.length(); ) {
        int c = t.codePointAt(i);
        i += Character.charCount(c);
        if (c < CHAR_BYTE.length && CHAR_BYTE[c] >= 0) {
          bytes[len++] = (byte) CHAR_BYTE[c];
        } else {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.write(bytes, 0, len);
      } else {
        out.writeBytes(t.getBytes(StandardCharsets.UTF_8));
      }
    }
    return Utf8.decodeLossy(out.toByteArray());
  }
}
