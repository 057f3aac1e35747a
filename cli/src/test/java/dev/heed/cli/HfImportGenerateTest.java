package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code heed import} and {@code heed generate} on the small GPT-2 and Llama models of pretrained's
 * fixtures, whose {@code reference.safetensors} holds the greedy tokens PyTorch chose for two
 * prompts ({@code pretrained/src/test/fixtures/make_fixtures.py}).
 */
class HfImportGenerateTest {
  static final Path FIXTURES = Heeds.ROOT.resolve("pretrained/src/test/resources/fixtures/hf");
  static final Path ASCII_TOKENIZER =
      Heeds.ROOT.resolve("cli/src/test/resources/fixtures/ascii-tokenizer/tokenizer.json");

  @TempDir Path tmp;

  /** Case {@code c}'s prompt and PyTorch's greedy tokens in {@code fixture}'s reference. */
  static int[][] reference(String fixture, int c) throws IOException {
    BackendProvider p = Plugins.shared().backends().get("cpu");
    try (Backend b = p.create(p.options().defaults("cpu"))) {
      Map<String, Tensor> ref =
          SafeTensors.read(FIXTURES.resolve(fixture).resolve("reference.safetensors"), b);
      return new int[][] {
        ref.get(c + ".input_ids").toIntArray(), ref.get(c + ".greedy").toIntArray()
      };
    }
  }

  static String csv(int[] ids) {
    return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  static String spaced(int[] ids) {
    return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "llama-sharded", "llama-tied", "gpt2-bf16"})
  void greedyTokensAreThoseOfPyTorch(String fixture) throws IOException {
    Path run = tmp.resolve("run");
    Heeds.run("import", FIXTURES.resolve(fixture).toString(), "--out", run.toString())
        .expect(0)
        .noStackTrace();
    assertTrue(Files.isRegularFile(run.resolve("config.yaml")));
    assertTrue(Files.isRegularFile(run.resolve("hf/config.json")));
    assertFalse(Files.exists(run.resolve("hf/reference.safetensors")), "only the model's files");
    int[][] a = reference(fixture, 0);
    int[][] b = reference(fixture, 1);
    // one prompt, streamed
    Heeds.Result one =
        Heeds.run(
                "generate",
                run.toString(),
                "--prompt-ids",
                csv(a[0]),
                "--ids",
                "--greedy",
                "--max-tokens",
                Integer.toString(a[1].length),
                "-b",
                "cpu")
            .expect(0)
            .noStackTrace();
    assertEquals(spaced(a[1]) + "\n", one.out(), fixture);
    // a batch of prompts of different lengths
    Heeds.Result batch =
        Heeds.run(
                "generate",
                run.toString(),
                "--prompt-ids",
                csv(a[0]),
                "--prompt-ids",
                csv(b[0]),
                "--ids",
                "--greedy",
                "--max-tokens",
                "8",
                "-b",
                "cpu")
            .expect(0)
            .noStackTrace();
    // the batch stops a row at the model's end token, as the single prompt would
    assertEquals(
        expectedWithStop(fixture, a[1]) + "\n" + expectedWithStop(fixture, b[1]) + "\n",
        batch.out(),
        fixture);
  }

  /** PyTorch ran without stop tokens: the reference up to the end token, if it holds one. */
  private static String expectedWithStop(String fixture, int[] tokens) throws IOException {
    int eos = fixture.startsWith("gpt2") ? 95 : 2;
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] == eos) {
        return spaced(Arrays.copyOf(tokens, i + 1));
      }
    }
    return spaced(tokens);
  }

  /** A model directory: {@code fixture}'s files and the committed ASCII tokenizer. */
  private Path withTokenizer(String fixture) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(fixture + "-tok"));
    try (Stream<Path> s = Files.list(FIXTURES.resolve(fixture))) {
      for (Path f : s.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.copy(ASCII_TOKENIZER, dir.resolve("tokenizer.json"));
    return dir;
  }

  /** Token i of the ASCII tokenizer is the character 32 + i. */
  private static String text(int[] ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      b.append((char) (32 + id));
    }
    return b.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama"})
  void textPromptsAreTokenizedAndTheTokensDecoded(String fixture) throws IOException {
    Path run = tmp.resolve("run");
    Heeds.run("import", withTokenizer(fixture).toString(), "--out", run.toString()).expect(0);
    assertTrue(Files.isRegularFile(run.resolve("hf/tokenizer.json")));
    int[][] a = reference(fixture, 0);
    String prompt = text(a[0]);
    Heeds.Result r =
        Heeds.run("generate", run.toString(), "--prompt", prompt, "--greedy", "--max-tokens", "8")
            .expect(0)
            .noStackTrace();
    assertEquals(prompt + text(a[1]) + "\n", r.out());
    // --stop: the text of the third generated token ends generation after it
    String third = text(new int[] {a[1][2]});
    Heeds.Result stopped =
        Heeds.run(
                "generate",
                run.toString(),
                "--prompt",
                prompt,
                "--greedy",
                "--max-tokens",
                "8",
                "--stop",
                third)
            .expect(0);
    int firstStop = 0;
    while (a[1][firstStop] != a[1][2]) {
      firstStop++;
    }
    assertEquals(prompt + text(Arrays.copyOf(a[1], firstStop + 1)) + "\n", stopped.out());
    // sampling is seeded: the same seed gives the same text
    String[] sample = {
      "generate",
      run.toString(),
      "--prompt",
      prompt,
      "--temperature",
      "0.8",
      "--top-k",
      "20",
      "--top-p",
      "0.9",
      "--repetition-penalty",
      "1.2",
      "--seed",
      "7",
      "--max-tokens",
      "8"
    };
    String first = Heeds.run(sample).expect(0).out();
    assertEquals(first, Heeds.run(sample).expect(0).out());
    assertTrue(first.startsWith(prompt), first);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2-bf16", "llama-bf16"})
  void weightsResidentInBfloat16GiveThoseTokens(String fixture) throws IOException {
    Path run = tmp.resolve("run");
    Heeds.run("import", FIXTURES.resolve(fixture).toString(), "--out", run.toString()).expect(0);
    int[][] a = reference(fixture, 0);
    for (String backend : List.of("cpu", "simd")) {
      Heeds.Result r =
          Heeds.run(
                  "generate",
                  run.toString(),
                  "--prompt-ids",
                  csv(a[0]),
                  "--ids",
                  "--greedy",
                  "--max-tokens",
                  Integer.toString(a[1].length),
                  "--weights",
                  "bfloat16",
                  "-b",
                  backend)
              .expect(0)
              .noStackTrace();
      assertEquals(spaced(a[1]) + "\n", r.out(), fixture + " on " + backend);
    }
    Heeds.Result bad =
        Heeds.run("generate", run.toString(), "--prompt-ids", "1,2", "--ids", "--weights", "int8")
            .expect(2)
            .noStackTrace();
    assertTrue(
        bad.err().contains("--weights 'int8': expected float32, bfloat16 or float16"), bad.err());
  }

  @Test
  void aBertRunIsRefusedByGenerate() throws IOException {
    Path run = tmp.resolve("run");
    Heeds.run("import", FIXTURES.resolve("bert-cls").toString(), "--out", run.toString()).expect(0);
    Heeds.Result r =
        Heeds.run("generate", run.toString(), "--prompt-ids", "1,2", "--ids")
            .expect(2)
            .noStackTrace();
    assertTrue(r.err().contains("needs a decoder"), r.err());
  }

  @Test
  void unsupportedModelsAndMismatchedWeightsAreRefusedAndNothingIsWritten() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("t5"));
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"t5\"}");
    Files.copy(FIXTURES.resolve("gpt2/model.safetensors"), dir.resolve("model.safetensors"));
    Path run = tmp.resolve("run");
    Heeds.Result r =
        Heeds.run("import", dir.toString(), "--out", run.toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("supported: bert, gpt2, llama"), r.err());
    assertFalse(Files.exists(run));

    // GPT-2's config over Llama's weights: the names that do not fit are listed
    Path mixed = Files.createDirectories(tmp.resolve("mixed"));
    Files.copy(FIXTURES.resolve("gpt2/config.json"), mixed.resolve("config.json"));
    Files.copy(FIXTURES.resolve("llama/model.safetensors"), mixed.resolve("model.safetensors"));
    r = Heeds.run("import", mixed.toString(), "--out", run.toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("missing") && r.err().contains("transformer.wte.weight"), r.err());
    assertTrue(r.err().contains("unexpected") && r.err().contains("model.norm.weight"), r.err());
    assertFalse(Files.exists(run));

    // no weights at all
    Path bare = Files.createDirectories(tmp.resolve("bare"));
    Files.copy(FIXTURES.resolve("gpt2/config.json"), bare.resolve("config.json"));
    r = Heeds.run("import", bare.toString(), "--out", run.toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("model.safetensors"), r.err());
    assertFalse(Files.exists(run));
  }

  @Test
  void importRefusesAnExistingRunAndGenerateARunWithoutTokenizerForText() throws IOException {
    Path run = tmp.resolve("run");
    Heeds.run("import", FIXTURES.resolve("gpt2").toString(), "--out", run.toString()).expect(0);
    Heeds.run("import", FIXTURES.resolve("gpt2").toString(), "--out", run.toString())
        .expect(2)
        .noStackTrace();
    Heeds.Result r =
        Heeds.run("generate", run.toString(), "--prompt", "hello").expect(2).noStackTrace();
    assertTrue(r.err().contains("tokenizer.json"), r.err());
    r =
        Heeds.run("generate", run.toString(), "--prompt-ids", "1,200", "--ids")
            .expect(2)
            .noStackTrace();
    assertTrue(r.err().contains("outside the model's vocabulary"), r.err());
    r =
        Heeds.run("generate", run.toString(), "--prompt-ids", "1,2", "--ids", "--max-tokens", "99")
            .expect(2)
            .noStackTrace();
    assertTrue(r.err().contains("exceed the model's 24 positions"), r.err());
    assertEquals("", r.out());
    Heeds.run("generate", run.toString(), "--prompt-ids", "1", "--greedy", "--temperature", "0.5")
        .expect(2)
        .noStackTrace();
  }
}
