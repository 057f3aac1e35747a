package dev.heed.tokenizers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 decoding as Rust does it, lossy or strict. */
final class Utf8 {
  private Utf8() {}

  /** Invalid sequences become U+FFFD, one per maximal invalid part (Rust's from_utf8_lossy). */
  static String decodeLossy(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The text, or null if the bytes are not valid UTF-8. */
  static String decodeStrict(byte[] bytes, int len) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, len))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
