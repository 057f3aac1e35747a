package dev.heed.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Turns text into token ids and back. Implementations are immutable and thread-safe: one instance
 * may encode from many threads at once.
 *
 * <p>Offsets in an {@link Encoding} count Unicode code points of the text that was passed in (not
 * UTF-16 units and not bytes), as Hugging Face's Python and Node bindings report them.
 */
public interface Tokenizer {

  /**
   * Encodes one text.
   *
   * @param addSpecialTokens whether the post-processor adds its special tokens ({@code [CLS]}, …)
   */
  Encoding encode(String text, boolean addSpecialTokens);

  /** Encodes a pair of texts (for example question and context) into one sequence. */
  Encoding encodePair(String first, String second, boolean addSpecialTokens);

  /**
   * Encodes several texts; with padding configured, they are padded together (for example to the
   * longest). The result has one encoding per text, in order.
   */
  default List<Encoding> encodeBatch(List<String> texts, boolean addSpecialTokens) {
    List<Encoding> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(encode(t, addSpecialTokens));
    }
    return out;
  }

  /** Turns ids back into text; {@code skipSpecialTokens} leaves out special tokens. */
  String decode(int[] ids, boolean skipSpecialTokens);

  /** Number of ids, added tokens included. */
  int vocabSize();

  /** The id of a token string, if it is in the vocabulary or among the added tokens. */
  OptionalInt tokenToId(String token);

  /** The token string of an id, or {@code null} if there is none. */
  String idToToken(int id);
}
