package dev.heed.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.core.text.Padding;
import dev.heed.core.text.Truncation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a {@code tokenizer.json} into a {@link HuggingFaceTokenizer}. Every component is checked
 * when the file is read: an unknown or unsupported one is refused with its JSON path and the list
 * of what is supported.
 */
final class TokenizerJson {
  private TokenizerJson() {}

  static final List<String> NORMALIZERS =
      List.of(
          "BertNormalizer",
          "NFC",
          "NFD",
          "NFKC",
          "NFKD",
          "Lowercase",
          "Strip",
          "StripAccents",
          "Replace",
          "Prepend",
          "Sequence");
  static final List<String> PRE_TOKENIZERS =
      List.of(
          "BertPreTokenizer",
          "ByteLevel",
          "Whitespace",
          "WhitespaceSplit",
          "Metaspace",
          "Split",
          "Digits",
          "Punctuation",
          "CharDelimiterSplit",
          "Sequence");
  static final List<String> MODELS = List.of("WordPiece", "BPE", "Unigram");
  static final List<String> POST_PROCESSORS =
      List.of("TemplateProcessing", "BertProcessing", "RobertaProcessing", "ByteLevel", "Sequence");
  static final List<String> DECODERS =
      List.of(
          "ByteLevel",
          "WordPiece",
          "Metaspace",
          "ByteFallback",
          "Fuse",
          "Strip",
          "Replace",
          "Sequence");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Reads a file; a name ending in {@code .gz} is gunzipped first. */
  static HuggingFaceTokenizer read(Path file) throws IOException {
    JsonNode root;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      root = MAPPER.readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return build(root, file.toString());
  }

  static HuggingFaceTokenizer parse(String json, String where) {
    try {
      return build(MAPPER.readTree(json), where);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static HuggingFaceTokenizer build(JsonNode root, String file) {
    Ctx c = new Ctx(file);
    if (root == null || !root.isObject()) {
      throw c.fail("$", "a tokenizer.json is a JSON object");
    }
    Model model = model(c, req(c, root, "model", "$"), "$.model");
    NormalizerStep normalizer =
        optional(root, "normalizer") ? normalizer(c, root.get("normalizer"), "$.normalizer") : null;
    PreTokenizerStep pre =
        optional(root, "pre_tokenizer")
            ? preTokenizer(c, root.get("pre_tokenizer"), "$.pre_tokenizer")
            : null;
    PostProcessorStep post =
        optional(root, "post_processor")
            ? postProcessor(c, root.get("post_processor"), "$.post_processor")
            : null;
    DecoderStep decoder =
        optional(root, "decoder") ? decoder(c, root.get("decoder"), "$.decoder") : null;
    List<AddedVocabulary.AddedToken> addedTokens = new ArrayList<>();
    JsonNode at = root.get("added_tokens");
    if (at != null && !at.isNull()) {
      if (!at.isArray()) {
        throw c.fail("$.added_tokens", "added_tokens is a list");
      }
      for (int i = 0; i < at.size(); i++) {
        JsonNode t = at.get(i);
        String p = "$.added_tokens[" + i + "]";
        String content = string(c, t, "content", p);
        integer(c, t, "id", p);
        addedTokens.add(
            new AddedVocabulary.AddedToken(
                addedId(model, addedTokens, content),
                content,
                bool(t, "single_word", false),
                bool(t, "lstrip", false),
                bool(t, "rstrip", false),
                bool(t, "normalized", !bool(t, "special", false)),
                bool(t, "special", false)));
      }
    }
    AddedVocabulary added = new AddedVocabulary(addedTokens, normalizer);
    Truncation truncation =
        optional(root, "truncation") ? truncation(c, root.get("truncation")) : null;
    Padding padding = optional(root, "padding") ? padding(c, root.get("padding")) : null;
    try {
      HuggingFaceTokenizer.checkStride(truncation, post);
    } catch (IllegalArgumentException e) {
      throw c.fail("$.truncation", e.getMessage());
    }
    return new HuggingFaceTokenizer(
        normalizer, pre, model, post, decoder, added, truncation, padding);
  }

  /**
   * The id HF gives an added token (its {@code add_tokens}): the model's id when the model has the
   * string, the id of an earlier added token with the same content, else the next id after the
   * vocabulary and the tokens added so far. The id written in the file is not used.
   */
  private static int addedId(Model model, List<AddedVocabulary.AddedToken> so, String content) {
    for (AddedVocabulary.AddedToken t : so) {
      if (t.content().equals(content)) {
        return t.id();
      }
    }
    int id = model.tokenToId(content);
    if (id >= 0) {
      return id;
    }
    int size = model.vocabSize();
    int max = -1;
    for (AddedVocabulary.AddedToken t : so) {
      max = Math.max(max, t.id());
    }
    if (max < 0) {
      return size;
    }
    return max >= size || size == 0 ? max + 1 : size;
  }

  /** Where we are, for messages. */
  private record Ctx(String file) {
    IllegalArgumentException fail(String path, String message) {
      return new IllegalArgumentException(file + " at " + path + ": " + message);
    }

    IllegalArgumentException unsupported(String path, String kind, String type, List<String> ok) {
      return fail(
          path,
          "the "
              + kind
              + " '"
              + type
              + "' is not supported; supported "
              + kind
              + "s: "
              + String.join(", ", ok));
    }
  }

  private static boolean optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && !v.isNull();
  }

  private static JsonNode req(Ctx c, JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw c.fail(path, "'" + field + "' is missing");
    }
    return v;
  }

  private static String type(Ctx c, JsonNode n, String path) {
    if (!n.isObject()) {
      throw c.fail(path, "expected an object with a 'type'");
    }
    return string(c, n, "type", path);
  }

  private static String string(Ctx c, JsonNode n, String field, String path) {
    JsonNode v = req(c, n, field, path);
    if (!v.isTextual()) {
      throw c.fail(path + "." + field, "expected a string, got " + v);
    }
    return v.asText();
  }

  private static String stringOr(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  private static int integer(Ctx c, JsonNode n, String field, String path) {
    JsonNode v = req(c, n, field, path);
    if (!v.canConvertToInt()) {
      throw c.fail(path + "." + field, "expected an integer, got " + v);
    }
    return v.asInt();
  }

  private static boolean bool(JsonNode n, String field, boolean fallback) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? fallback : v.asBoolean();
  }

  private static int codePoint(Ctx c, JsonNode n, String field, String path, String fallback) {
    String s = stringOr(n, field, fallback);
    if (s.codePointCount(0, s.length()) != 1) {
      throw c.fail(path + "." + field, "expected one character, got '" + s + "'");
    }
    return s.codePointAt(0);
  }

  /** A {@code {"String": …}} or {@code {"Regex": …}} pattern. */
  private static Pattern pattern(Ctx c, JsonNode n, String path) {
    if (n != null && n.has("String")) {
      return Pattern.literal(n.get("String").asText());
    }
    if (n != null && n.has("Regex")) {
      String re = n.get("Regex").asText();
      try {
        return Pattern.regex(
            java.util.regex.Pattern.compile(re, java.util.regex.Pattern.UNICODE_CHARACTER_CLASS));
      } catch (java.util.regex.PatternSyntaxException e) {
        throw c.fail(path, "the regular expression does not compile in Java: " + e.getMessage());
      }
    }
    throw c.fail(path, "a pattern is {\"String\": ...} or {\"Regex\": ...}");
  }

  private static NormalizerStep normalizer(Ctx c, JsonNode n, String path) {
    String type = type(c, n, path);
    return switch (type) {
      case "BertNormalizer" -> {
        boolean lowercase = bool(n, "lowercase", true);
        JsonNode sa = n.get("strip_accents");
        boolean strip = sa == null || sa.isNull() ? lowercase : sa.asBoolean();
        yield NormalizerStep.bert(
            bool(n, "clean_text", true), bool(n, "handle_chinese_chars", true), strip, lowercase);
      }
      case "NFC" -> NormalizerStep.form(Form.NFC);
      case "NFD" -> NormalizerStep.form(Form.NFD);
      case "NFKC" -> NormalizerStep.form(Form.NFKC);
      case "NFKD" -> NormalizerStep.form(Form.NFKD);
      case "Lowercase" -> NormalizerStep::lowercase;
      case "StripAccents" -> NormalizerStep.stripAccents();
      case "Strip" ->
          NormalizerStep.strip(bool(n, "strip_left", true), bool(n, "strip_right", true));
      case "Replace" ->
          NormalizerStep.replace(
              pattern(c, n.get("pattern"), path + ".pattern"), string(c, n, "content", path));
      case "Prepend" -> NormalizerStep.prepend(string(c, n, "prepend", path));
      case "Sequence" -> {
        JsonNode list = req(c, n, "normalizers", path);
        List<NormalizerStep> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          steps.add(normalizer(c, list.get(i), path + ".normalizers[" + i + "]"));
        }
        yield NormalizerStep.sequence(steps);
      }
      case "Precompiled" ->
          throw c.fail(
              path,
              "the normalizer 'Precompiled' (a SentencePiece charsmap) is not supported; supported"
                  + " normalizers: "
                  + String.join(", ", NORMALIZERS)
                  + " (NFKC is what most precompiled maps do)");
      default -> throw c.unsupported(path, "normalizer", type, NORMALIZERS);
    };
  }

  private static Behavior behavior(Ctx c, JsonNode n, String path, String fallback) {
    String s = stringOr(n, "behavior", fallback);
    Behavior b = Behavior.parse(s);
    if (b == null) {
      throw c.fail(
          path + ".behavior",
          "unknown behavior '"
              + s
              + "'; one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
    }
    return b;
  }

  private static PreTokenizerStep.Prepend prependScheme(Ctx c, JsonNode n, String path) {
    String s = stringOr(n, "prepend_scheme", null);
    if (s == null) {
      return bool(n, "add_prefix_space", true)
          ? PreTokenizerStep.Prepend.ALWAYS
          : PreTokenizerStep.Prepend.NEVER;
    }
    return switch (s) {
      case "always" -> PreTokenizerStep.Prepend.ALWAYS;
      case "first" -> PreTokenizerStep.Prepend.FIRST;
      case "never" -> PreTokenizerStep.Prepend.NEVER;
      default ->
          throw c.fail(
              path + ".prepend_scheme",
              "unknown prepend_scheme '" + s + "'; always, first or never");
    };
  }

  private static PreTokenizerStep preTokenizer(Ctx c, JsonNode n, String path) {
    String type = type(c, n, path);
    return switch (type) {
      case "BertPreTokenizer" -> PreTokenizerStep.bert();
      case "ByteLevel" ->
          PreTokenizerStep.byteLevel(bool(n, "add_prefix_space", true), bool(n, "use_regex", true));
      case "Whitespace" -> PreTokenizerStep.whitespace();
      case "WhitespaceSplit" -> PreTokenizerStep.whitespaceSplit();
      case "CharDelimiterSplit" ->
          PreTokenizerStep.charDelimiter(codePoint(c, n, "delimiter", path, ""));
      case "Metaspace" ->
          PreTokenizerStep.metaspace(
              codePoint(c, n, "replacement", path, "\u2581"),
              prependScheme(c, n, path),
              bool(n, "split", true));
      case "Split" ->
          PreTokenizerStep.split(
              pattern(c, n.get("pattern"), path + ".pattern"),
              behavior(c, n, path, "Isolated"),
              bool(n, "invert", false));
      case "Digits" -> PreTokenizerStep.digits(bool(n, "individual_digits", false));
      case "Punctuation" -> PreTokenizerStep.punctuation(behavior(c, n, path, "Isolated"));
      case "Sequence" -> {
        JsonNode list = req(c, n, "pretokenizers", path);
        List<PreTokenizerStep> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          steps.add(preTokenizer(c, list.get(i), path + ".pretokenizers[" + i + "]"));
        }
        yield PreTokenizerStep.sequence(steps);
      }
      default -> throw c.unsupported(path, "pre-tokenizer", type, PRE_TOKENIZERS);
    };
  }

  private static Vocab vocab(Ctx c, JsonNode n, String path) {
    JsonNode v = req(c, n, "vocab", path);
    if (!v.isObject()) {
      throw c.fail(path + ".vocab", "expected an object of token to id");
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
        throw c.fail(
            path + ".vocab", "the id of '" + e.getKey() + "' is not an id: " + e.getValue());
      }
      ids.put(e.getKey(), e.getValue().asInt());
    }
    return new Vocab(ids);
  }

  private static Model model(Ctx c, JsonNode n, String path) {
    String type;
    if (n.has("type")) {
      type = type(c, n, path);
    } else if (n.has("merges")) {
      type = "BPE";
    } else if (n.has("continuing_subword_prefix") || n.has("max_input_chars_per_word")) {
      type = "WordPiece";
    } else {
      type = n.has("vocab") && n.get("vocab").isArray() ? "Unigram" : "?";
    }
    return switch (type) {
      case "WordPiece" ->
          new WordPiece(
              vocab(c, n, path),
              stringOr(n, "unk_token", "[UNK]"),
              stringOr(n, "continuing_subword_prefix", "##"),
              n.has("max_input_chars_per_word") ? n.get("max_input_chars_per_word").asInt() : 100);
      case "BPE" -> {
        JsonNode dropout = n.get("dropout");
        if (dropout != null && !dropout.isNull() && dropout.asDouble() != 0.0) {
          throw c.fail(
              path + ".dropout",
              "BPE dropout "
                  + dropout.asDouble()
                  + " is random; this reader encodes deterministically only (set dropout to null)");
        }
        JsonNode m = req(c, n, "merges", path);
        List<String[]> merges = new ArrayList<>(m.size());
        for (int i = 0; i < m.size(); i++) {
          JsonNode e = m.get(i);
          if (e.isTextual()) {
            String s = e.asText();
            int sp = s.indexOf(' ');
            if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) {
              throw c.fail(
                  path + ".merges[" + i + "]", "a merge is \"a b\" (one space), got '" + s + "'");
            }
            merges.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
          } else if (e.isArray() && e.size() == 2) {
            merges.add(new String[] {e.get(0).asText(), e.get(1).asText()});
          } else {
            throw c.fail(
                path + ".merges[" + i + "]", "a merge is \"a b\" or [\"a\", \"b\"], got " + e);
          }
        }
        try {
          yield new Bpe(
              vocab(c, n, path),
              merges,
              stringOr(n, "unk_token", null),
              emptyToNull(stringOr(n, "continuing_subword_prefix", null)),
              emptyToNull(stringOr(n, "end_of_word_suffix", null)),
              bool(n, "fuse_unk", false),
              bool(n, "byte_fallback", false),
              bool(n, "ignore_merges", false));
        } catch (IllegalArgumentException e) {
          throw c.fail(path + ".merges", e.getMessage());
        }
      }
      case "Unigram" -> {
        JsonNode v = req(c, n, "vocab", path);
        List<String> pieces = new ArrayList<>(v.size());
        List<Double> scores = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
          JsonNode e = v.get(i);
          if (!e.isArray() || e.size() != 2 || !e.get(1).isNumber()) {
            throw c.fail(
                path + ".vocab[" + i + "]", "a Unigram piece is [\"piece\", score], got " + e);
          }
          pieces.add(e.get(0).asText());
          scores.add(e.get(1).asDouble());
        }
        JsonNode unk = n.get("unk_id");
        int unkId = unk == null || unk.isNull() ? -1 : unk.asInt();
        if (unkId >= pieces.size()) {
          throw c.fail(path + ".unk_id", "unk_id " + unkId + " is past the vocabulary");
        }
        yield new Unigram(pieces, scores, unkId, bool(n, "byte_fallback", false));
      }
      default -> throw c.unsupported(path, "model", type, MODELS);
    };
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static PostProcessorStep postProcessor(Ctx c, JsonNode n, String path) {
    String type = type(c, n, path);
    return switch (type) {
      case "BertProcessing" -> {
        JsonNode sep = req(c, n, "sep", path);
        JsonNode cls = req(c, n, "cls", path);
        yield PostProcessorStep.bert(
            cls.get(0).asText(), cls.get(1).asInt(), sep.get(0).asText(), sep.get(1).asInt());
      }
      case "RobertaProcessing" -> {
        JsonNode sep = req(c, n, "sep", path);
        JsonNode cls = req(c, n, "cls", path);
        yield PostProcessorStep.roberta(
            cls.get(0).asText(),
            cls.get(1).asInt(),
            sep.get(0).asText(),
            sep.get(1).asInt(),
            bool(n, "trim_offsets", true),
            bool(n, "add_prefix_space", true));
      }
      case "ByteLevel" ->
          PostProcessorStep.byteLevel(
              bool(n, "trim_offsets", true), bool(n, "add_prefix_space", true));
      case "TemplateProcessing" -> {
        Map<String, PostProcessorStep.Piece> specials = new LinkedHashMap<>();
        JsonNode st = n.get("special_tokens");
        if (st != null && st.isObject()) {
          for (Map.Entry<String, JsonNode> e : st.properties()) {
            JsonNode ids = e.getValue().get("ids");
            JsonNode toks = e.getValue().get("tokens");
            int[] idArr = new int[ids.size()];
            String[] tokArr = new String[toks.size()];
            for (int i = 0; i < idArr.length; i++) {
              idArr[i] = ids.get(i).asInt();
            }
            for (int i = 0; i < tokArr.length; i++) {
              tokArr[i] = toks.get(i).asText();
            }
            if (idArr.length != tokArr.length) {
              throw c.fail(path + ".special_tokens." + e.getKey(), "needs as many ids as tokens");
            }
            specials.put(e.getKey(), new PostProcessorStep.Piece(false, true, idArr, tokArr, 0));
          }
        }
        yield PostProcessorStep.template(
            template(c, req(c, n, "single", path), path + ".single", specials),
            template(c, req(c, n, "pair", path), path + ".pair", specials));
      }
      case "Sequence" -> {
        JsonNode list = req(c, n, "processors", path);
        List<PostProcessorStep> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          steps.add(postProcessor(c, list.get(i), path + ".processors[" + i + "]"));
        }
        yield PostProcessorStep.sequence(steps);
      }
      default -> throw c.unsupported(path, "post-processor", type, POST_PROCESSORS);
    };
  }

  private static List<PostProcessorStep.Piece> template(
      Ctx c, JsonNode list, String path, Map<String, PostProcessorStep.Piece> specials) {
    List<PostProcessorStep.Piece> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode p = list.get(i);
      String at = path + "[" + i + "]";
      if (p.has("Sequence")) {
        JsonNode s = p.get("Sequence");
        String id = s.get("id").asText();
        if (!id.equals("A") && !id.equals("B")) {
          throw c.fail(at, "a template sequence is A or B, got " + id);
        }
        out.add(
            new PostProcessorStep.Piece(
                id.equals("B"), false, null, null, s.path("type_id").asInt(0)));
      } else if (p.has("SpecialToken")) {
        JsonNode s = p.get("SpecialToken");
        String id = s.get("id").asText();
        PostProcessorStep.Piece sp = specials.get(id);
        if (sp == null) {
          throw c.fail(at, "the special token '" + id + "' is not in special_tokens");
        }
        out.add(
            new PostProcessorStep.Piece(
                false, true, sp.ids(), sp.tokens(), s.path("type_id").asInt(0)));
      } else {
        throw c.fail(at, "a template piece is {\"Sequence\": …} or {\"SpecialToken\": …}");
      }
    }
    return out;
  }

  private static DecoderStep decoder(Ctx c, JsonNode n, String path) {
    String type = type(c, n, path);
    return switch (type) {
      case "ByteLevel" -> DecoderStep.byteLevel();
      case "WordPiece" ->
          DecoderStep.wordPiece(stringOr(n, "prefix", "##"), bool(n, "cleanup", true));
      case "Metaspace" ->
          DecoderStep.metaspace(
              codePoint(c, n, "replacement", path, "\u2581"),
              prependScheme(c, n, path) != PreTokenizerStep.Prepend.NEVER);
      case "BPEDecoder" -> DecoderStep.bpe(stringOr(n, "suffix", "</w>"));
      case "ByteFallback" -> DecoderStep.byteFallback();
      case "Fuse" -> DecoderStep.fuse();
      case "Strip" ->
          DecoderStep.strip(
              codePoint(c, n, "content", path, " "),
              n.path("start").asInt(0),
              n.path("stop").asInt(0));
      case "Replace" ->
          DecoderStep.replace(
              pattern(c, n.get("pattern"), path + ".pattern"), string(c, n, "content", path));
      case "Sequence" -> {
        JsonNode list = req(c, n, "decoders", path);
        List<DecoderStep> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          steps.add(decoder(c, list.get(i), path + ".decoders[" + i + "]"));
        }
        yield DecoderStep.sequence(steps);
      }
      default -> throw c.unsupported(path, "decoder", type, DECODERS);
    };
  }

  private static Truncation truncation(Ctx c, JsonNode n) {
    String strategy = stringOr(n, "strategy", "LongestFirst");
    Truncation.Strategy s =
        switch (strategy) {
          case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
          case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
          case "OnlySecond" -> Truncation.Strategy.ONLY_SECOND;
          default ->
              throw c.fail(
                  "$.truncation.strategy",
                  "unknown strategy '" + strategy + "'; LongestFirst, OnlyFirst or OnlySecond");
        };
    return new Truncation(
        integer(c, n, "max_length", "$.truncation"),
        n.path("stride").asInt(0),
        s,
        "Left".equals(stringOr(n, "direction", "Right")));
  }

  private static Padding padding(Ctx c, JsonNode n) {
    JsonNode strategy = n.get("strategy");
    Integer length = null;
    if (strategy != null && strategy.isObject() && strategy.has("Fixed")) {
      length = strategy.get("Fixed").asInt();
    } else if (strategy != null
        && !(strategy.isTextual() && strategy.asText().equals("BatchLongest"))) {
      throw c.fail("$.padding.strategy", "padding strategy is \"BatchLongest\" or {\"Fixed\": n}");
    }
    JsonNode multiple = n.get("pad_to_multiple_of");
    return new Padding(
        length,
        multiple == null || multiple.isNull() ? 0 : multiple.asInt(),
        n.path("pad_id").asInt(0),
        n.path("pad_type_id").asInt(0),
        stringOr(n, "pad_token", "[PAD]"),
        "Left".equals(stringOr(n, "direction", "Right")));
  }
}
