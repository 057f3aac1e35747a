package dev.heed.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /**
   * Encodes pairs {@code (first[i], second[i])}; with padding configured, they are padded together.
   *
   * @throws IllegalArgumentException if the lists differ in size
   */
  default List<Encoding> encodePairBatch(
      List<String> first, List<String> second, boolean addSpecialTokens) {
    if (first.size() != second.size()) {
      throw new IllegalArgumentException(
          "a batch of pairs needs as many second texts ("
              + second.size()
              + ") as first texts ("
              + first.size()
              + ")");
    }
    List<Encoding> out = new ArrayList<>(first.size());
    for (int i = 0; i < first.size(); i++) {
      out.add(encodePair(first.get(i), second.get(i), addSpecialTokens));
    }
    return out;
  }

  /**
   * This tokenizer with other truncation, or none ({@code null}); this one is unchanged.
   *
   * @throws IllegalArgumentException if the stride leaves no room once the special tokens of one
   *     sequence are counted
   */
  Tokenizer withTruncation(Truncation truncation);

  /** This tokenizer with other padding, or none ({@code null}); this one is unchanged. */
  Tokenizer withPadding(Padding padding);

  /** The truncation in force (from the file or {@link #withTruncation}), if any. */
  Optional<Truncation> truncation();

  /** The padding in force (from the file or {@link #withPadding}), if any. */
  Optional<Padding> padding();

  /** Turns ids back into text; {@code skipSpecialTokens} leaves out special tokens. */
  String decode(int[] ids, boolean skipSpecialTokens);

  /** Number of ids, added tokens included. */
  int vocabSize();

  /** The id of a token string, if it is in the vocabulary or among the added tokens. */
  OptionalInt tokenToId(String token);

  /** The token string of an id, or {@code null} if there is none. */
  String idToToken(int id);
}
