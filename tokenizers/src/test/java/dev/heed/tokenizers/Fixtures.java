package dev.heed.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The fixture files that {@code src/test/fixtures/generate.mjs} wrote. */
final class Fixtures {
  private Fixtures() {}

  static final Path DIR = Path.of("src/test/resources/fixtures");
  static final ObjectMapper JSON = new ObjectMapper();

  /** The tokenizers the generator made, in its order. */
  static final List<String> NAMES =
      List.of(
          "bert-base-uncased",
          "bert-added-tokens",
          "wordpiece-pipeline",
          "gpt2",
          "roberta-like",
          "llama3-like",
          "llama2-like",
          "llama2-metaspace",
          "unigram-albert-like",
          "bytelevel-splits",
          "suffix-bpe");

  static List<String> lines() {
    try (var in = new GZIPInputStream(Files.newInputStream(DIR.resolve("lines.json.gz")))) {
      JsonNode arr = JSON.readTree(in);
      List<String> out = new ArrayList<>(arr.size());
      arr.forEach(n -> out.add(n.asText()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HuggingFaceTokenizer tokenizer(String name) {
    try {
      return HuggingFaceTokenizer.open(DIR.resolve(name + ".tokenizer.json.gz"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The expected records: the first is the batch configurations, then one per case. */
  static List<JsonNode> expected(String name) {
    try (var r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(DIR.resolve(name + ".expected.jsonl.gz"))),
                StandardCharsets.UTF_8))) {
      List<JsonNode> out = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isEmpty()) {
          out.add(JSON.readTree(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first 16 hex digits of the SHA-256 of the text's UTF-8, as the generator writes them. */
  static String hash(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static int[] ints(JsonNode arr) {
    int[] out = new int[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arr.get(i).asInt();
    }
    return out;
  }
}
