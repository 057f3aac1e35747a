package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heed summary RUN}, {@code heed ui}, and metrics.jsonl beside metrics.csv. */
class SummaryCommandTest {
  @TempDir static Path shared;
  static Path run;

  @TempDir Path tmp;

  @BeforeAll
  static void train() {
    run = shared.resolve("fa");
    Heeds.run(
            "train",
            Heeds.ROOT.resolve("examples/feature-attention.yaml").toString(),
            "--set",
            "training.epochs=2",
            "--set",
            "data.examples=200",
            "--backend",
            "cpu",
            "--out",
            run.toString())
        .expect(0);
  }

  @Test
  void listsEveryLayerWithItsOutputShapeAndParameters() {
    String out = Heeds.run("summary", run.toString()).expect(0).noStackTrace().out();
    List<String> lines = out.lines().toList();
    assertTrue(lines.getFirst().startsWith("Model of " + run + ": input [1, 10] features"), out);
    // feature attention (a 10 × 10 weight and 10 biases), Linear(10, 16), Tanh, Linear(16, 1)
    assertTrue(out.matches("(?s).*\\n0 +AttentionLayer +\\[1, 10] +110\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n1 +Dense +\\[1, 16] +176\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n3 +Dense +\\[1, 1] +17\\n.*"), out);
    assertTrue(out.contains("Total params: 303\n"), out);
    assertTrue(out.contains("Params size: 1.18 KiB (float32)"), out);
    String detailed = Heeds.run("summary", run.toString(), "--parameters").expect(0).out();
    assertTrue(detailed.matches("(?s).*\\n  1\\.weight +\\[16, 10] +\\n.*"), detailed);
  }

  /** The example in cli/README.md, line for line. */
  @Test
  void theSeedNetworkPrintsAsTheReadmeShowsIt() throws IOException {
    Path seed = tmp.resolve("seed-simple");
    Heeds.run(
            "train",
            Heeds.ROOT.resolve("examples/seed-simple.yaml").toString(),
            "--set",
            "training.epochs=1",
            "--set",
            "data.examples=100",
            "--backend",
            "cpu",
            "--out",
            seed.toString())
        .expect(0);
    String out = Heeds.run("summary", seed.toString()).expect(0).out();
    String readme = Files.readString(Heeds.ROOT.resolve("cli/README.md"));
    String shown = readme.substring(readme.indexOf("$ heed summary runs/seed-simple\n"));
    shown = shown.substring(shown.indexOf('\n') + 1, shown.indexOf("\n```"));
    assertEquals(
        shown.replace("runs/seed-simple", seed.toString()), out.stripTrailing(), "cli/README.md");
  }

  @Test
  void aBadRunDirectoryIsNamed() throws IOException {
    Heeds.Result r = Heeds.run("summary", tmp.resolve("none").toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("none: no such run directory"), r.err());
    Files.createDirectories(tmp.resolve("empty"));
    r = Heeds.run("summary", tmp.resolve("empty").toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("is not a run directory: it has no config.yaml"), r.err());
    Files.writeString(tmp.resolve("file"), "x");
    r = Heeds.run("summary", tmp.resolve("file").toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("is a file, not a run directory"), r.err());
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.writeString(broken.resolve("config.yaml"), "model: [");
    r = Heeds.run("summary", broken.toString()).expect(2).noStackTrace();
    assertTrue(r.err().contains("config.yaml"), r.err());
  }

  @Test
  void trainingWritesOneJsonLinePerStepAndEpoch() throws IOException {
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    // 160 training rows in batches of 32: 5 steps per epoch, 2 epochs, and the 2 epoch records
    assertEquals(12, lines.size());
    assertTrue(
        lines.getFirst().startsWith("{\"kind\":\"step\",\"step\":1,\"epoch\":1,"),
        lines.getFirst());
    assertTrue(
        lines.getLast().startsWith("{\"kind\":\"epoch\",\"step\":10,\"epoch\":2,"),
        lines.getLast());
  }

  @Test
  void uiSaysWhenTheRunsDirectoryIsMissing() {
    Heeds.Result r =
        Heeds.run("ui", tmp.resolve("nowhere").toString(), "--port", "0").expect(2).noStackTrace();
    assertTrue(r.err().startsWith("heed ui: error: "), r.err());
    assertTrue(r.err().contains("nowhere: no such directory"), r.err());
    Heeds.Result help = Heeds.run("ui", "--help").expect(0);
    assertTrue(help.out().contains("RUNS_DIR"), help.out());
  }
}
