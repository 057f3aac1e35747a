package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heed train}, then {@code eval} and {@code predict} on that run, in process. */
class EndToEndTest {
  static final Path SEED_SIMPLE = Heeds.ROOT.resolve("examples/seed-simple.yaml");

  @TempDir static Path shared;
  static Path run;
  static Heeds.Result trained;

  @TempDir Path tmp;

  @BeforeAll
  static void trainTheSeed() {
    run = shared.resolve("seed-simple");
    trained =
        Heeds.run(
            "train",
            SEED_SIMPLE.toString(),
            "--set",
            "training.epochs=3",
            "--set",
            "data.examples=400",
            "--backend",
            "cpu",
            "--out",
            run.toString());
  }

  /** A CSV with the run's input and output columns and {@code rows} random rows. */
  static Path csv(Path dir, int rows) throws IOException {
    List<String> columns = new ArrayList<>();
    try (TrainedModel m = Heed.open(run, "cpu")) {
      columns.addAll(m.inputNames());
      columns.addAll(m.outputNames());
    }
    Random r = new Random(7);
    StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns.size(); j++) {
        b.append(j == 0 ? "" : ",")
            .append(String.format(Locale.ROOT, "%.4f", r.nextDouble() * 2 - 1));
      }
      b.append('\n');
    }
    Path file = dir.resolve("data.csv");
    Files.writeString(file, b);
    return file;
  }

  @Test
  void trainWritesTheRunDirectoryAndPictures() throws IOException {
    trained.expect(0).noStackTrace();
    String out = trained.out();
    assertTrue(out.contains("using backend 'cpu'") || out.contains("backend 'cpu'"), out);
    assertTrue(out.contains("epoch 1/3 loss "), out);
    assertTrue(out.contains("epoch 3/3 loss "), out);
    assertTrue(!out.contains("\r"), "no progress bar when the output is not a terminal");
    assertTrue(out.contains("stopped after 3 epochs: max epochs"), out);
    // the reference backend replays too: its fused programs are the kernels' definition
    assertTrue(out.contains(" steps replayed from captured plans"), out);
    for (String f :
        List.of(
            "config.yaml",
            "weights.safetensors",
            "optimizer.safetensors",
            "trainer.json",
            "metrics.csv",
            "loss.png")) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing");
    }
    assertNotNull(ImageIO.read(run.resolve("loss.png").toFile()), "loss.png is not a PNG");
  }

  @Test
  void evalPrintsLossAndMetrics() throws IOException {
    Heeds.Result r = Heeds.run("eval", run.toString(), csv(tmp, 25).toString()).expect(0);
    String[] lines = r.out().strip().split("\n");
    assertTrue(lines[0].matches("loss [0-9.e-]+"), r.out());
    assertTrue(r.out().contains("mae "), r.out());
  }

  @Test
  void predictCsvWritesOneRowPerInput() throws IOException {
    Heeds.Result r = Heeds.run("predict", run.toString(), csv(tmp, 4).toString()).expect(0);
    String[] lines = r.out().strip().split("\n");
    assertEquals(5, lines.length, r.out());
    assertEquals("y0,y1,y2,y3,y4", lines[0]);
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",");
      assertEquals(5, cells.length, lines[i]);
      for (String c : cells) {
        assertTrue(Double.isFinite(Double.parseDouble(c)), lines[i]);
      }
    }
  }

  @Test
  void predictJsonLinesFromStdinMatchesCsv() throws IOException {
    Path file = tmp.resolve("in.csv");
    Files.writeString(
        file, "x0,x1,x2,x3,x4,x5,x6,x7,x8,x9\n0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0\n");
    String fromCsv = Heeds.run("predict", run.toString(), file.toString()).expect(0).out();
    String json =
        "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]\n"
            + "{\"x9\": 1.0, \"x0\": 0.1, \"x1\": 0.2, \"x2\": 0.3, \"x3\": 0.4, \"x4\": 0.5,"
            + " \"x5\": 0.6, \"x6\": 0.7, \"x7\": 0.8, \"x8\": 0.9}\n";
    String fromJson = Heeds.runWithStdin(json, "predict", run.toString(), "-").expect(0).out();
    String[] lines = fromJson.strip().split("\n");
    assertEquals(3, lines.length, fromJson);
    String csvRow = fromCsv.strip().split("\n")[1];
    assertEquals(csvRow, lines[1]);
    assertEquals(csvRow, lines[2]);
  }

  @Test
  void resumeAFinishedRunHasNothingToDo() {
    Path copy = tmp.resolve("copy");
    copyDir(run, copy);
    Heeds.Result r = Heeds.run("train", "--resume", copy.toString(), "--backend", "cpu").expect(0);
    assertTrue(r.out().contains("nothing left to train"), r.out());
  }

  @Test
  void initWritesATemplateAndRefusesToOverwrite() throws IOException {
    Path file = tmp.resolve("mine.yaml");
    Heeds.run("init", "seed-simple", "--out", file.toString()).expect(0);
    assertEquals(Heed.template("seed-simple"), Files.readString(file));
    Heeds.Result again = Heeds.run("init", "seed-simple", "--out", file.toString()).expect(2);
    assertTrue(again.err().contains("already exists; pass --force"), again.err());
    Heeds.run("init", "feature-attention", "--out", file.toString(), "--force").expect(0);
    assertEquals(Heed.template("feature-attention"), Files.readString(file));
  }

  @Test
  void everyTemplateIsAValidConfig() throws IOException {
    for (String t : Heed.templates()) {
      Path file = tmp.resolve(t + ".yaml");
      Heeds.run("init", t, "--out", file.toString()).expect(0);
      Heed.loadConfig(file, List.of());
    }
  }

  @Test
  void featureAttentionDrawsTheHeatmap() throws IOException {
    Path out = tmp.resolve("fa");
    Heeds.run(
            "train",
            Heeds.ROOT.resolve("examples/feature-attention.yaml").toString(),
            "--set",
            "training.epochs=2",
            "--backend",
            "cpu",
            "--out",
            out.toString())
        .expect(0)
        .noStackTrace();
    assertNotNull(ImageIO.read(out.resolve("attention.png").toFile()), "attention.png");
    assertNotNull(ImageIO.read(out.resolve("loss.png").toFile()), "loss.png");
  }

  static void copyDir(Path from, Path to) {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
