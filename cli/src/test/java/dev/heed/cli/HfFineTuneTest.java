package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.nn.BuildContext;
import dev.heed.pretrained.Bert;
import dev.heed.pretrained.BertConfig;
import dev.heed.pretrained.HfModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heed train examples/bert-sentiment.yaml}: BERT fine-tuned as a sequence classifier from a
 * Hugging Face directory reaches the example's stated validation accuracy, and the run's model
 * loads back by Hugging Face names and predicts the reviews.
 */
class HfFineTuneTest {
  static final Path EXAMPLE = Heeds.ROOT.resolve("examples/bert-sentiment.yaml");

  @TempDir Path tmp;

  @Test
  void theExampleReachesItsAccuracyAndSavesAModelThatLoadsBack() throws IOException {
    Path run = tmp.resolve("run");
    Heeds.Result r =
        Heeds.run("train", EXAMPLE.toString(), "--out", run.toString(), "-b", "cpu")
            .expect(0)
            .noStackTrace();
    assertTrue(r.out().contains("reached target accuracy 0.95 (validation)"), r.out());
    List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
    String[] last = metrics.get(metrics.size() - 1).split(",");
    assertTrue(Double.parseDouble(last[4]) >= 0.95, metrics.toString());

    // the saved directory loads by Hugging Face names (strict: missing or unexpected names fail)
    BackendProvider p = Plugins.shared().backends().get("cpu");
    try (Backend b = p.create(p.options().defaults("cpu"))) {
      Bert bert = (Bert) HfModels.load(run.resolve("hf"), BuildContext.of(b, DType.FLOAT32, 0));
      assertEquals(BertConfig.Head.SEQUENCE_CLASSIFICATION, bert.config().head());
      assertTrue(
          SafeTensors.entries(run.resolve("hf/model.safetensors")).stream()
              .anyMatch(e -> e.name().equals("classifier.weight")));
    }
    String config = Files.readString(run.resolve("hf/config.json"));
    assertTrue(config.contains("\"negative\"") && config.contains("\"positive\""), config);

    // heed predict opens the run: the reviews' labels, mostly right
    Path reviews = Heeds.ROOT.resolve("examples/bert-sentiment/reviews.csv");
    String[] lines =
        Heeds.run("predict", run.toString(), reviews.toString()).expect(0).out().split("\n");
    List<String> truth = Files.readAllLines(reviews);
    assertEquals("label,negative,positive", lines[0]);
    assertEquals(truth.size(), lines.length);
    int right = 0;
    for (int i = 1; i < lines.length; i++) {
      String t = truth.get(i);
      right += t.endsWith("," + lines[i].split(",")[0]) ? 1 : 0;
    }
    assertTrue(right >= 0.9 * (lines.length - 1), right + " of " + (lines.length - 1));
  }

  @Test
  void badKeysAndValuesAreRefusedWithTheirPlace() throws IOException {
    String yaml = Files.readString(EXAMPLE);
    Path dir = Heeds.ROOT.resolve("examples");
    Path bad = Files.createTempFile(dir, ".bad-", ".yaml");
    try {
      Files.writeString(bad, yaml.replace("  text_column: text", "  text_colum: text"));
      Heeds.Result r =
          Heeds.run("train", bad.toString(), "--out", tmp.resolve("a").toString())
              .expect(2)
              .noStackTrace();
      assertTrue(r.err().contains("data.text_colum: unknown key"), r.err());
      Files.writeString(bad, yaml.replace("num_labels: 2", "num_labels: 3"));
      r =
          Heeds.run("train", bad.toString(), "--out", tmp.resolve("b").toString())
              .expect(2)
              .noStackTrace();
      assertTrue(r.err().contains("model.num_labels"), r.err());
      Files.writeString(bad, yaml.replace("task: sequence-classification", "task: masked-lm"));
      r =
          Heeds.run("train", bad.toString(), "--out", tmp.resolve("c").toString())
              .expect(2)
              .noStackTrace();
      assertTrue(r.err().contains("supported: sequence-classification"), r.err());
      assertFalse(Files.exists(tmp.resolve("c")));
    } finally {
      Files.deleteIfExists(bad);
    }
  }
}
