package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heed predict} on imported BERT runs, against PyTorch's logits and mean-pooled embeddings
 * in pretrained's fixtures. The committed WordPiece tokenizer ({@code
 * cli/src/test/fixtures/make_tokenizer.py}) makes "end an" the fixture's input ids [2, 91, 7, 3].
 */
class HfPredictTest {
  static final Path TOKENIZER =
      Heeds.ROOT.resolve("cli/src/test/resources/fixtures/bert-tokenizer/tokenizer.json");

  @TempDir Path tmp;

  private Path importBert(String fixture) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(fixture));
    try (Stream<Path> s = Files.list(HfImportGenerateTest.FIXTURES.resolve(fixture))) {
      for (Path f : s.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.copy(TOKENIZER, dir.resolve("tokenizer.json"));
    Path run = tmp.resolve(fixture + "-run");
    Heeds.run("import", dir.toString(), "--out", run.toString()).expect(0).noStackTrace();
    return run;
  }

  private static double[] reference(String fixture, String name) throws IOException {
    BackendProvider p = Plugins.shared().backends().get("cpu");
    try (Backend b = p.create(p.options().defaults("cpu"))) {
      return SafeTensors.read(
              HfImportGenerateTest.FIXTURES.resolve(fixture).resolve("reference.safetensors"), b)
          .get(name)
          .toDoubleArray();
    }
  }

  @Test
  void classificationGivesPyTorchsProbabilitiesAndTheConfigsLabels() throws IOException {
    Path run = importBert("bert-cls");
    Path csv = tmp.resolve("in.csv");
    // the same text three times: alone, quoted, and with other columns around it
    Files.writeString(csv, "id,review,x\n1,end an,3\n2,\"END an\",4\n3,end an,\n");
    Heeds.Result r =
        Heeds.run("predict", run.toString(), csv.toString(), "--column", "review")
            .expect(0)
            .noStackTrace();
    String[] lines = r.out().split("\n");
    assertEquals("label,NEGATIVE,NEUTRAL,POSITIVE", lines[0]);
    assertEquals(4, lines.length, r.out());
    double[] logits = reference("bert-cls", "1.logits.f64");
    double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
    double z = 0;
    for (double l : logits) {
      z += Math.exp(l - max);
    }
    String[] labels = {"NEGATIVE", "NEUTRAL", "POSITIVE"};
    int best = 0;
    for (int k = 1; k < 3; k++) {
      best = logits[k] > logits[best] ? k : best;
    }
    for (int row = 1; row <= 3; row++) {
      String[] cells = lines[row].split(",");
      assertEquals(labels[best], cells[0]);
      for (int k = 0; k < 3; k++) {
        assertEquals(Math.exp(logits[k] - max) / z, Double.parseDouble(cells[k + 1]), 1e-4);
      }
    }
  }

  @Test
  void embeddingsAreTheMeanPooledHiddenStatesOfPyTorch() throws IOException {
    Path run = importBert("bert-mlm");
    Heeds.Result r =
        Heeds.runWithStdin(
                "{\"text\": \"end an\"}\n\"end an the movie\"\n",
                "predict",
                run.toString(),
                "-",
                "--embeddings")
            .expect(0)
            .noStackTrace();
    String[] lines = r.out().split("\n");
    assertEquals(3, lines.length, r.out());
    assertTrue(lines[0].startsWith("e0,e1,"), lines[0]);
    double[] expected = reference("bert-mlm", "1.mean_pooled.f64");
    String[] cells = lines[1].split(",");
    assertEquals(expected.length, cells.length);
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], Double.parseDouble(cells[k]), 1e-4, "e" + k);
    }
    // a longer text in the same batch (padded) gives other values
    assertTrue(!lines[2].equals(lines[1]));
  }

  @Test
  void refusals() throws IOException {
    Path mlm = importBert("bert-mlm");
    Path csv = tmp.resolve("in.csv");
    Files.writeString(csv, "text\nend an\n");
    Heeds.Result r = Heeds.run("predict", mlm.toString(), csv.toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("--embeddings"), r.err());
    r =
        Heeds.run("predict", mlm.toString(), csv.toString(), "--embeddings", "--column", "body")
            .expect(2)
            .noStackTrace();
    assertTrue(r.err().contains("no column 'body'"), r.err());
    r = Heeds.run("predict", mlm.toString(), "--sample", "3").expect(2).noStackTrace();
    assertTrue(r.err().contains("heed generate"), r.err());
  }
}
