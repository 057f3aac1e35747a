package dev.heed.tokenizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heed.core.text.Encoding;
import dev.heed.core.text.Padding;
import dev.heed.core.text.Truncation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fixture tokenizer against what Hugging Face's Rust {@code tokenizers} (npm {@code
 * tokenizers}, see {@code src/test/fixtures}) produced for 10,000 generated lines: ids, offsets,
 * special-token masks and decoded text (a hash of it; the text itself on every tenth line) of each
 * line; ids, type ids, offsets and masks of pairs; and batches with truncation (stride, overflow)
 * and padding.
 */
class ReferenceFixturesTest {
  private static final List<String> LINES = Fixtures.lines();

  @TestFactory
  Stream<DynamicTest> everyLineMatchesTheReference() {
    String only = System.getProperty("heed.tokenizers.only", "");
    return Fixtures.NAMES.stream()
        .filter(n -> only.isEmpty() || List.of(only.split(",")).contains(n))
        .map(name -> DynamicTest.dynamicTest(name, () -> check(name)));
  }

  private static void check(String name) {
    HuggingFaceTokenizer tok = Fixtures.tokenizer(name);
    List<JsonNode> expected = Fixtures.expected(name);
    JsonNode configs = expected.get(0).get("configs");
    List<String> failures = new ArrayList<>();
    // the reference encoded all lines as one batch (and every tenth line without special tokens
    // as another): the same here, so that padding from the file pads the same way
    List<Encoding> all = tok.encodeBatch(LINES, true);
    List<String> tenth = new ArrayList<>();
    for (int i = 0; i < LINES.size(); i += 10) {
      tenth.add(LINES.get(i));
    }
    List<Encoding> raw = tok.encodeBatch(tenth, false);
    int singles = 0;
    int pairs = 0;
    int batches = 0;
    for (JsonNode c : expected.subList(1, expected.size())) {
      switch (c.get("k").asText()) {
        case "s" -> {
          singles++;
          String line = LINES.get(c.get("i").asInt());
          Encoding e = all.get(c.get("i").asInt());
          compare(failures, "line " + c.get("i") + " " + quote(line), c, e, false);
          int[] ids = Fixtures.ints(c.get("ids"));
          String decoded = tok.decode(ids, true);
          same(
              failures,
              "decode of line " + c.get("i") + " " + quote(decoded),
              c.get("dh").asText(),
              Fixtures.hash(decoded));
          if (c.has("dec")) {
            same(failures, "decode of line " + c.get("i"), c.get("dec").asText(), decoded);
          }
          if (c.has("raw")) {
            same(
                failures,
                "ids without special tokens of line " + c.get("i"),
                Arrays.toString(Fixtures.ints(c.get("raw"))),
                Arrays.toString(raw.get(c.get("i").asInt() / 10).ids()));
            same(
                failures,
                "decode keeping special tokens of line " + c.get("i"),
                c.get("decs").asText(),
                tok.decode(ids, false));
          }
        }
        case "p" -> {
          pairs++;
          String a = LINES.get(c.get("a").asInt());
          String b = LINES.get(c.get("b").asInt());
          compare(
              failures,
              "pair " + c.get("a") + " " + quote(a) + " / " + quote(b),
              c,
              tok.encodePair(a, b, true),
              true);
        }
        case "b" -> {
          batches++;
          batch(failures, tok, configs.get(c.get("cfg").asInt()), c);
        }
        default -> throw new IllegalStateException("unknown record " + c);
      }
    }
    assertEquals(LINES.size(), singles, "a record for every line");
    assertTrue(pairs > 0 && batches > 0, "pairs and batches are in the fixture");
    assertTrue(
        failures.isEmpty(),
        name
            + ": "
            + failures.size()
            + " differences from the reference, the first ones:\n"
            + String.join("\n", failures.subList(0, Math.min(8, failures.size()))));
  }

  private static void batch(
      List<String> failures, HuggingFaceTokenizer tok, JsonNode cfg, JsonNode c) {
    JsonNode t = cfg.get("trunc");
    Truncation.Strategy strategy =
        switch (t.get("strategy").asText()) {
          case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
          case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
          default -> Truncation.Strategy.ONLY_SECOND;
        };
    HuggingFaceTokenizer bt =
        tok.withTruncation(
            new Truncation(
                t.get("maxLength").asInt(),
                t.get("stride").asInt(),
                strategy,
                t.get("direction").asText().equals("left")));
    JsonNode p = cfg.get("pad");
    if (p != null && !p.isNull()) {
      bt =
          bt.withPadding(
              new Padding(
                  p.has("maxLength") ? p.get("maxLength").asInt() : null,
                  p.path("padToMultipleOf").asInt(0),
                  p.get("padId").asInt(),
                  p.get("padTypeId").asInt(),
                  p.get("padToken").asText(),
                  p.get("direction").asText().equals("left")));
    }
    // without a padding setting the reference kept the file's own padding, as this does
    int[] idx = Fixtures.ints(c.get("lines"));
    boolean pair = c.get("pair").asBoolean();
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    for (int i : idx) {
      first.add(LINES.get(i));
      second.add(LINES.get(i + 1));
    }
    String where =
        "batch cfg " + c.get("cfg") + " lines " + Arrays.toString(idx) + (pair ? " pairs" : "");
    List<Encoding> got;
    try {
      got = pair ? bt.encodePairBatch(first, second, true) : bt.encodeBatch(first, true);
    } catch (IllegalArgumentException e) {
      if (!c.has("error")) {
        failures.add(where + ": threw " + e.getMessage());
      }
      return;
    }
    if (c.has("error")) {
      failures.add(where + ": the reference refused (" + c.get("error").asText() + "), we did not");
      return;
    }
    JsonNode enc = c.get("enc");
    for (int k = 0; k < enc.size(); k++) {
      JsonNode ek = enc.get(k);
      Encoding e = got.get(k);
      compare(failures, where + " #" + k, ek, e, true);
      same(
          failures,
          where + " #" + k + " attention",
          Arrays.toString(Fixtures.ints(ek.get("mask"))),
          Arrays.toString(e.attentionMask()));
      JsonNode over = ek.get("over");
      same(
          failures,
          where + " #" + k + " overflow count",
          String.valueOf(over.size()),
          String.valueOf(e.overflowing().size()));
      for (int o = 0; o < Math.min(over.size(), e.overflowing().size()); o++) {
        compare(
            failures,
            where + " #" + k + " overflow " + o,
            over.get(o),
            e.overflowing().get(o),
            true);
      }
    }
  }

  private static void compare(
      List<String> failures, String where, JsonNode c, Encoding e, boolean types) {
    same(
        failures,
        where + " ids",
        Arrays.toString(Fixtures.ints(c.get("ids"))),
        Arrays.toString(e.ids()));
    // offsets are stored as (start - previous end, end - start)
    int[] off = new int[e.length() * 2];
    int previousEnd = 0;
    for (int i = 0; i < e.length(); i++) {
      off[2 * i] = e.offsets()[i].start() - previousEnd;
      off[2 * i + 1] = e.offsets()[i].end() - e.offsets()[i].start();
      previousEnd = e.offsets()[i].end();
    }
    same(
        failures,
        where + " offsets",
        Arrays.toString(Fixtures.ints(c.get("off"))),
        Arrays.toString(off));
    same(
        failures,
        where + " special mask",
        Arrays.toString(Fixtures.ints(c.get("sp"))),
        Arrays.toString(e.specialTokensMask()));
    if (types) {
      same(
          failures,
          where + " type ids",
          Arrays.toString(Fixtures.ints(c.get("type"))),
          Arrays.toString(e.typeIds()));
    }
  }

  private static void same(List<String> failures, String what, String expected, String actual) {
    if (!expected.equals(actual)) {
      failures.add(what + "\n    expected " + clip(expected) + "\n    actual   " + clip(actual));
    }
  }

  private static String clip(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "…" : s;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints()
        .forEach(c -> {
          if (c < 0x20
              || (c >= 0x7F && c < 0xA0)
              || c == 0xAD
              || (c >= 0x200B && c <= 0x200F)
              || c == 0xFEFF
              || c == 0x2028) {
            b.append(String.format("\\u%04x", c));
          } else {
            b.appendCodePoint(c);
          }
        });
    String q = b.append('"').toString();
    return q.length() > 160 ? q.substring(0, 160) + "…\"" : q;
  }
}
