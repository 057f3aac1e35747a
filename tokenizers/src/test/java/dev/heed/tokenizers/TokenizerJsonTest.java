package dev.heed.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.text.Encoding;
import dev.heed.core.text.Padding;
import dev.heed.core.text.Tokenizer;
import dev.heed.core.text.Truncation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code tokenizer.json}: what is refused and how, the provider, the API around. */
class TokenizerJsonTest {

  private static String wordLevelLike(String normalizer, String preTokenizer, String model) {
    return """
    {"version": "1.0", "added_tokens": [], "normalizer": %s, "pre_tokenizer": %s,
     "post_processor": null, "decoder": null, "model": %s}
    """
        .formatted(normalizer, preTokenizer, model);
  }

  private static final String WORDPIECE =
      """
      {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
       "max_input_chars_per_word": 100,
       "vocab": {"[UNK]": 0, "hello": 1, "world": 2, "##s": 3, ",": 4}}
      """;

  @Test
  void aSmallWordPieceTokenizerEncodesWithOffsetsInCodePoints() {
    HuggingFaceTokenizer tok =
        HuggingFaceTokenizer.fromJson(
            wordLevelLike(
                "{\"type\": \"BertNormalizer\", \"lowercase\": true}",
                "{\"type\": \"BertPreTokenizer\"}",
                WORDPIECE));
    Encoding e = tok.encode("😀 Hello, worlds", true);
    assertArrayEquals(new int[] {0, 1, 4, 2, 3}, e.ids());
    assertEquals(List.of("[UNK]", "hello", ",", "world", "##s"), e.tokens());
    assertEquals(new Encoding.Offsets(0, 1), e.offsets()[0]);
    assertEquals(new Encoding.Offsets(2, 7), e.offsets()[1]);
    assertEquals(new Encoding.Offsets(14, 15), e.offsets()[4]);
    assertEquals(5, tok.vocabSize());
    assertEquals(2, tok.tokenToId("world").orElseThrow());
    assertEquals("##s", tok.idToToken(3));
  }

  @Test
  void unsupportedComponentsAreRefusedWithWhereAndWhatIsSupported() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HuggingFaceTokenizer.fromJson(
                    wordLevelLike("{\"type\": \"Nmt\"}", "null", WORDPIECE)));
    assertTrue(e.getMessage().contains("$.normalizer"), e.getMessage());
    assertTrue(e.getMessage().contains("'Nmt' is not supported"), e.getMessage());
    assertTrue(e.getMessage().contains("BertNormalizer"), e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HuggingFaceTokenizer.fromJson(
                    wordLevelLike(
                        "{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Precompiled\","
                            + " \"precompiled_charsmap\": \"AA==\"}]}",
                        "null",
                        WORDPIECE)));
    assertTrue(e.getMessage().contains("$.normalizer.normalizers[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("Precompiled"), e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HuggingFaceTokenizer.fromJson(
                    wordLevelLike("null", "{\"type\": \"UnicodeScripts\"}", WORDPIECE)));
    assertTrue(e.getMessage().contains("pre-tokenizers: BertPreTokenizer"), e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HuggingFaceTokenizer.fromJson(
                    wordLevelLike(
                        "null",
                        "null",
                        "{\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"}")));
    assertTrue(e.getMessage().contains("models: WordPiece, BPE, Unigram"), e.getMessage());
  }

  @Test
  void bpeDropoutIsRefusedAndMergesOutsideTheVocabularyAreNamed() {
    String bpe =
        """
        {"type": "BPE", "dropout": %s, "unk_token": null, "vocab": {"a": 0, "b": 1, "ab": 2},
         "merges": [%s]}
        """;
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HuggingFaceTokenizer.fromJson(
                    wordLevelLike("null", "null", bpe.formatted("0.1", "\"a b\""))));
    assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                HuggingFaceTokenizer.fromJson(
                    wordLevelLike("null", "null", bpe.formatted("null", "\"a c\""))));
    assertTrue(e.getMessage().contains("not in the vocabulary"), e.getMessage());
    HuggingFaceTokenizer ok =
        HuggingFaceTokenizer.fromJson(
            wordLevelLike("null", "null", bpe.formatted("0.0", "[\"a\", \"b\"]")));
    assertArrayEquals(new int[] {2, 0}, ok.encode("aba", false).ids());
  }

  @Test
  void notJsonIsACleanError(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, "{\"model\": ");
    var e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTokenizer.open(f));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void theProviderOpensAFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, wordLevelLike("null", "{\"type\": \"WhitespaceSplit\"}", WORDPIECE));
    byte[] before = Files.readAllBytes(f);
    HuggingFaceTokenizerProvider provider = new HuggingFaceTokenizerProvider();
    assertEquals("huggingface", provider.name());
    Tokenizer tok = provider.open(f, provider.options().defaults(provider.name()));
    assertArrayEquals(new int[] {1, 2, 3}, tok.encode("hello worlds", true).ids());
    assertEquals("hello world ##s", tok.decode(new int[] {1, 2, 3}, false));
    // truncation and padding through the SPI alone
    Tokenizer shaped =
        tok.withTruncation(new Truncation(2, 0, Truncation.Strategy.LONGEST_FIRST, false))
            .withPadding(new Padding(null, 0, 0, 0, "[UNK]", false));
    List<Encoding> batch = shaped.encodeBatch(List.of("hello worlds", "hello"), true);
    assertArrayEquals(new int[] {1, 2}, batch.get(0).ids());
    assertArrayEquals(
        new int[] {3, 0}, batch.get(0).overflowing().get(0).ids(), "overflow is padded");
    assertArrayEquals(new int[] {1, 0}, batch.get(1).ids());
    assertArrayEquals(new int[] {1, 0}, batch.get(1).attentionMask());
    assertTrue(tok.truncation().isEmpty() && shaped.padding().isPresent());
    assertArrayEquals(before, Files.readAllBytes(f), "the file is only read");
  }

  @Test
  void aStrideThatLeavesNoRoomIsRefused() {
    HuggingFaceTokenizer base =
        HuggingFaceTokenizer.fromJson(
            wordLevelLike("null", "{\"type\": \"WhitespaceSplit\"}", WORDPIECE));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                base.withTruncation(
                    new Truncation(2, 3, Truncation.Strategy.LONGEST_FIRST, false)));
    assertTrue(e.getMessage().contains("stride 3"), e.getMessage());
    // allowed on its own, but a pair leaves each sequence less than the stride
    HuggingFaceTokenizer tok =
        base.withTruncation(new Truncation(3, 2, Truncation.Strategy.LONGEST_FIRST, false));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> tok.encodePair("hello world hello", "world hello world", true));
    assertTrue(e.getMessage().contains("stride"), e.getMessage());
  }

  @Test
  void loneSurrogatesAreReplacementCharactersAndBatchesOfPairsMustMatch() {
    HuggingFaceTokenizer tok =
        HuggingFaceTokenizer.fromJson(
            wordLevelLike("null", "{\"type\": \"WhitespaceSplit\"}", WORDPIECE));
    Encoding e = tok.encode("hello \uD800 worlds", false);
    assertArrayEquals(new int[] {1, 0, 2, 3}, e.ids());
    assertEquals(new Encoding.Offsets(6, 7), e.offsets()[1]);
    var ex =
        assertThrows(
            IllegalArgumentException.class,
            () -> tok.encodePairBatch(List.of("a", "b"), List.of("c"), true));
    assertTrue(ex.getMessage().contains("as many second texts"), ex.getMessage());
    assertEquals(
        "hello world", tok.decode(new int[] {1, 999, 2}, false), "unknown ids are left out");
  }
}
