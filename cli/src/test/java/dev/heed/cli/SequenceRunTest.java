package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heed train} on a generated sequence task, then {@code predict} and {@code eval}. */
class SequenceRunTest {
  @TempDir Path tmp;

  @Test
  void markedTokenRecallTrainsAndPredictsFromTokenIds() {
    Path run = tmp.resolve("recall");
    String trained =
        Heeds.run(
                "train",
                Heeds.ROOT.resolve("examples/marked-token-recall.yaml").toString(),
                "--set",
                "training.epochs=20",
                "--backend",
                "cpu",
                "--out",
                run.toString())
            .expect(0)
            .noStackTrace()
            .out();
    assertTrue(
        trained.contains("next: heed predict " + run + " INPUT.csv   (rows of 10 token ids"),
        trained);
    assertTrue(!trained.contains("heed eval"), "eval takes feature rows only: " + trained);
    String out =
        Heeds.runWithStdin("[5, 7, 1, 9, 4, 3, 0, 0, 0, 0]\n", "predict", run.toString(), "-")
            .expect(0)
            .out();
    String[] lines = out.strip().split("\\R");
    assertEquals(2, lines.length, out);
    String[] names = lines[0].split(",");
    String[] values = lines[1].split(",");
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      best = Double.parseDouble(values[k]) > Double.parseDouble(values[best]) ? k : best;
    }
    assertEquals("t9", names[best], out);
    Heeds.Result bad =
        Heeds.runWithStdin("[5, 7, 1, 99, 4, 3, 0, 0, 0, 0]\n", "predict", run.toString(), "-")
            .expect(2);
    assertTrue(bad.err().contains("token id"), bad.err());
    Heeds.Result eval =
        Heeds.run("eval", run.toString(), Heeds.ROOT.resolve("README.md").toString()).expect(2);
    assertTrue(eval.err().contains("validation split"), eval.err());
  }

  @Test
  void characterLanguageModelSamplesText() {
    Path run = tmp.resolve("lm");
    String trained =
        Heeds.run(
                "train",
                Heeds.ROOT.resolve("examples/character-language-model.yaml").toString(),
                "--set",
                "training.epochs=2",
                "--backend",
                "cpu",
                "--out",
                run.toString())
            .expect(0)
            .noStackTrace()
            .out();
    assertTrue(trained.contains("next: heed predict " + run + " --sample 200 --prompt"), trained);
    String a =
        Heeds.run("predict", run.toString(), "--sample", "40", "--prompt", "Heed ", "--seed", "1")
            .expect(0)
            .out()
            .stripTrailing();
    assertTrue(a.startsWith("Heed "), a);
    assertTrue(a.codePointCount(0, a.length()) >= 40, a);
    String b =
        Heeds.run("predict", run.toString(), "--sample", "40", "--prompt", "Heed ", "--seed", "1")
            .expect(0)
            .out()
            .stripTrailing();
    assertEquals(a, b, "the same seed samples the same text");
    Heeds.run("predict", run.toString(), "-", "--sample", "5").expect(2);
    Heeds.run("predict", run.toString()).expect(2);
    Heeds.Result bad =
        Heeds.run("predict", run.toString(), "--sample", "5", "--prompt", "\u00e9").expect(2);
    assertTrue(bad.err().contains("vocabulary"), bad.err());
  }
}
