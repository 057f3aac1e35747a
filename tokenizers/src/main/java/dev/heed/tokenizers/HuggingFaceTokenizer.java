package dev.heed.tokenizers;

import dev.heed.core.text.Encoding;
import dev.heed.core.text.Padding;
import dev.heed.core.text.Tokenizer;
import dev.heed.core.text.Truncation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A tokenizer read from a Hugging Face {@code tokenizer.json}, run in pure Java with the same ids,
 * tokens and offsets as Hugging Face's {@code tokenizers}: added tokens are cut out, the rest is
 * normalized, pre-tokenized, run through the model (WordPiece, BPE or Unigram), truncated,
 * post-processed (special tokens) and padded. Immutable and thread-safe.
 *
 * <p>Offsets count Unicode code points of the input text, as HF's Python and Node bindings report
 * them.
 */
public final class HuggingFaceTokenizer implements Tokenizer {
  private final NormalizerStep normalizer;
  private final PreTokenizerStep preTokenizer;
  private final Model model;
  private final PostProcessorStep postProcessor;
  private final DecoderStep decoder;
  private final AddedVocabulary added;
  private final Truncation truncation;
  private final Padding padding;

  HuggingFaceTokenizer(
      NormalizerStep normalizer,
      PreTokenizerStep preTokenizer,
      Model model,
      PostProcessorStep postProcessor,
      DecoderStep decoder,
      AddedVocabulary added,
      Truncation truncation,
      Padding padding) {
    this.normalizer = normalizer;
    this.preTokenizer = preTokenizer;
    this.model = model;
    this.postProcessor = postProcessor;
    this.decoder = decoder;
    this.added = added;
    this.truncation = truncation;
    this.padding = padding;
  }

  /**
   * Reads a {@code tokenizer.json}. Only reads the file.
   *
   * @throws IllegalArgumentException if the file uses a component this reader does not support,
   *     naming it, where it is and what is supported
   */
  public static HuggingFaceTokenizer open(Path tokenizerJson) throws IOException {
    return TokenizerJson.read(tokenizerJson);
  }

  /** Reads the JSON text of a {@code tokenizer.json}. */
  public static HuggingFaceTokenizer fromJson(String json) {
    return TokenizerJson.parse(json, "tokenizer.json");
  }

  /**
   * This tokenizer with other truncation, or none (null).
   *
   * @throws IllegalArgumentException if the stride is larger than what {@code maxLength} leaves
   *     after the special tokens of one sequence (HF's check)
   */
  @Override
  public HuggingFaceTokenizer withTruncation(Truncation truncation) {
    checkStride(truncation, postProcessor);
    return new HuggingFaceTokenizer(
        normalizer, preTokenizer, model, postProcessor, decoder, added, truncation, padding);
  }

  static void checkStride(Truncation t, PostProcessorStep post) {
    if (t == null) {
      return;
    }
    int added = post == null ? 0 : post.addedTokens(false);
    int effective = t.maxLength() - added;
    if (effective < t.stride()) {
      throw new IllegalArgumentException(
          "truncation stride "
              + t.stride()
              + " is larger than the effective max length "
              + effective
              + " (max_length "
              + t.maxLength()
              + " minus "
              + added
              + " special tokens)");
    }
  }

  /** This tokenizer with other padding, or none (null). */
  @Override
  public HuggingFaceTokenizer withPadding(Padding padding) {
    return new HuggingFaceTokenizer(
        normalizer, preTokenizer, model, postProcessor, decoder, added, truncation, padding);
  }

  @Override
  public Optional<Truncation> truncation() {
    return Optional.ofNullable(truncation);
  }

  @Override
  public Optional<Padding> padding() {
    return Optional.ofNullable(padding);
  }

  @Override
  public Encoding encode(String text, boolean addSpecialTokens) {
    return encodeOne(text, null, addSpecialTokens).toEncoding();
  }

  @Override
  public Encoding encodePair(String first, String second, boolean addSpecialTokens) {
    return encodeOne(first, second, addSpecialTokens).toEncoding();
  }

  @Override
  public List<Encoding> encodeBatch(List<String> texts, boolean addSpecialTokens) {
    List<Enc> encs = new ArrayList<>(texts.size());
    for (String t : texts) {
      encs.add(encodeOne(t, null, addSpecialTokens));
    }
    return padBatch(encs);
  }

  @Override
  public List<Encoding> encodePairBatch(
      List<String> first, List<String> second, boolean addSpecialTokens) {
    if (first.size() != second.size()) {
      throw new IllegalArgumentException(
          "a batch of pairs needs as many second texts ("
              + second.size()
              + ") as first texts ("
              + first.size()
              + ")");
    }
    List<Enc> encs = new ArrayList<>(first.size());
    for (int i = 0; i < first.size(); i++) {
      encs.add(encodeOne(first.get(i), second.get(i), addSpecialTokens));
    }
    return padBatch(encs);
  }

  private List<Encoding> padBatch(List<Enc> encs) {
    if (padding != null && !encs.isEmpty()) {
      int longest = 0;
      for (Enc e : encs) {
        longest = Math.max(longest, e.length());
      }
      int target = padding.targetLength(longest);
      for (Enc e : encs) {
        e.pad(target, padding.padId(), padding.padTypeId(), padding.padToken(), padding.left());
      }
    }
    List<Encoding> out = new ArrayList<>(encs.size());
    for (Enc e : encs) {
      out.add(e.toEncoding());
    }
    return out;
  }

  private Enc encodeOne(String first, String second, boolean addSpecialTokens) {
    Enc a = encodeSequence(first, 0);
    Enc b = second == null ? null : encodeSequence(second, 1);
    return postProcess(a, b, addSpecialTokens);
  }

  /** Added tokens, normalizer, pre-tokenizer and model over one text. */
  private Enc encodeSequence(String text, int typeId) {
    PreTokenized p = added.extractAndNormalize(normalizer, text);
    if (preTokenizer != null) {
      preTokenizer.preTokenize(p);
    }
    IntList ids = new IntList(text.length());
    List<String> tokens = new ArrayList<>(text.length());
    IntList starts = new IntList(text.length());
    IntList ends = new IntList(text.length());
    if (truncation != null
        && (truncation.strategy() != Truncation.Strategy.ONLY_SECOND || typeId != 0)) {
      tokenizeWithLimit(p, truncation.maxLength(), truncation.left());
    }
    for (PreTokenized.Piece piece : p.pieces) {
      Normalized n = piece.text;
      List<Token> toks = piece.tokens != null ? piece.tokens : model.tokenize(n.cps);
      for (Token t : toks) {
        ids.add(t.id());
        tokens.add(t.value());
        if (t.start() < t.end()) {
          starts.add(n.alignStart[t.start()]);
          ends.add(n.alignEnd[t.end() - 1]);
        } else {
          starts.add(n.shift + t.start());
          ends.add(n.shift + t.end());
        }
      }
    }
    int len = ids.size();
    int[] type = new int[len];
    java.util.Arrays.fill(type, typeId);
    int[] attention = new int[len];
    java.util.Arrays.fill(attention, 1);
    return new Enc(
        ids.toArray(),
        type,
        tokens.toArray(new String[0]),
        starts.toArray(),
        ends.toArray(),
        new int[len],
        attention,
        new ArrayList<>());
  }

  /**
   * HF's early exit under truncation ({@code tokenize_with_limit}, since tokenizers 0.23): pieces
   * are tokenized from the kept end until {@code maxTokens} tokens are reached; the pieces beyond
   * are dropped, so overflow holds only what was tokenized.
   */
  private void tokenizeWithLimit(PreTokenized p, int maxTokens, boolean left) {
    List<PreTokenized.Piece> pieces = p.pieces;
    int total = 0;
    if (!left) {
      int last = 0;
      for (int i = 0; i < pieces.size(); i++) {
        PreTokenized.Piece piece = pieces.get(i);
        if (piece.tokens != null) {
          total += piece.tokens.size();
          last = i + 1;
          continue;
        }
        piece.tokens = model.tokenize(piece.text.cps);
        total += piece.tokens.size();
        last = i + 1;
        if (total >= maxTokens) {
          break;
        }
      }
      pieces.subList(last, pieces.size()).clear();
    } else {
      int first = pieces.size();
      for (int i = pieces.size() - 1; i >= 0; i--) {
        PreTokenized.Piece piece = pieces.get(i);
        if (piece.tokens != null) {
          total += piece.tokens.size();
          first = i;
          continue;
        }
        piece.tokens = model.tokenize(piece.text.cps);
        total += piece.tokens.size();
        first = i;
        if (total >= maxTokens) {
          break;
        }
      }
      pieces.subList(0, first).clear();
    }
  }

  /** Truncation, then the post-processor, then padding of this one encoding. */
  private Enc postProcess(Enc a, Enc b, boolean addSpecialTokens) {
    if (truncation != null) {
      int addedCount = postProcessor == null ? 0 : postProcessor.addedTokens(b != null);
      int max = truncation.maxLength();
      if (addSpecialTokens && addedCount > 0) {
        if (addedCount > max) {
          throw new IllegalArgumentException(
              "truncation max_length "
                  + max
                  + " leaves no room: the post-processor adds "
                  + addedCount
                  + " special tokens");
        }
        max -= addedCount;
      }
      truncate(a, b, max);
    }
    List<Enc> encs = new ArrayList<>(2);
    encs.add(a);
    if (b != null) {
      encs.add(b);
    }
    Enc out;
    if (postProcessor != null) {
      out = Enc.merge(postProcessor.process(encs, addSpecialTokens));
    } else {
      out = encs.size() == 1 ? a : Enc.merge(encs);
    }
    if (padding != null) {
      out.pad(
          padding.targetLength(out.length()),
          padding.padId(),
          padding.padTypeId(),
          padding.padToken(),
          padding.left());
    }
    return out;
  }

  /** HF's {@code truncate_encodings}. */
  private void truncate(Enc a, Enc b, int max) {
    int stride = truncation.stride();
    boolean left = truncation.left();
    if (max == 0) {
      a.truncate(0, stride, left);
      if (b != null) {
        b.truncate(0, stride, left);
      }
      return;
    }
    int total = a.length() + (b == null ? 0 : b.length());
    if (total <= max) {
      return;
    }
    int toRemove = total - max;
    switch (truncation.strategy()) {
      case LONGEST_FIRST -> {
        if (b == null) {
          a.truncate(total - toRemove, stride, left);
          return;
        }
        int n1 = a.length();
        int n2 = b.length();
        boolean swap = false;
        if (n1 > n2) {
          swap = true;
          int t = n1;
          n1 = n2;
          n2 = t;
        }
        if (n1 > max) {
          n2 = n1;
        } else {
          n2 = Math.max(n1, max - n1);
        }
        if (n1 + n2 > max) {
          n1 = max / 2;
          n2 = n1 + max % 2;
        }
        if (swap) {
          int t = n1;
          n1 = n2;
          n2 = t;
        }
        a.truncate(n1, stride, left);
        b.truncate(n2, stride, left);
      }
      case ONLY_FIRST, ONLY_SECOND -> {
        Enc target = truncation.strategy() == Truncation.Strategy.ONLY_FIRST ? a : b;
        if (target == null) {
          throw new IllegalArgumentException(
              "truncation only_second needs a pair of sequences, got one");
        }
        int len = target.length();
        if (len > toRemove) {
          target.truncate(len - toRemove, stride, left);
        } else {
          throw new IllegalArgumentException(
              "truncation cannot shorten the "
                  + (target == a ? "first" : "second")
                  + " sequence ("
                  + len
                  + " tokens) by "
                  + toRemove
                  + " tokens; use longest_first or a larger max_length");
        }
      }
    }
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    List<String> tokens = new ArrayList<>(ids.length);
    for (int id : ids) {
      AddedVocabulary.AddedToken t = added.byId(id);
      String s = t != null ? t.content() : model.idToToken(id);
      if (s == null) {
        continue;
      }
      if (skipSpecialTokens) {
        AddedVocabulary.AddedToken byContent = added.byContent(s);
        if (byContent != null && byContent.special()) {
          continue;
        }
      }
      tokens.add(s);
    }
    if (decoder == null) {
      return String.join(" ", tokens);
    }
    return String.join("", decoder.decodeChain(tokens));
  }

  @Override
  public int vocabSize() {
    int n = model.vocabSize();
    for (AddedVocabulary.AddedToken t : added.tokens()) {
      if (model.idToToken(t.id()) == null) {
        n++;
      }
    }
    return n;
  }

  @Override
  public OptionalInt tokenToId(String token) {
    AddedVocabulary.AddedToken t = added.byContent(token);
    if (t != null) {
      return OptionalInt.of(t.id());
    }
    int id = model.tokenToId(token);
    return id >= 0 ? OptionalInt.of(id) : OptionalInt.empty();
  }

  @Override
  public String idToToken(int id) {
    AddedVocabulary.AddedToken t = added.byId(id);
    return t != null ? t.content() : model.idToToken(id);
  }
}
