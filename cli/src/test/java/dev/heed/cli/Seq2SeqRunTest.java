package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.Seq2Seq;
import dev.heed.assembly.Seq2SeqData;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.train.TrainerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heed train} on configs of named parts (encoder–decoder models on source/target pairs),
 * {@code heed generate --source}, {@link Heed#open} on such a run, and {@code --resume}.
 */
class Seq2SeqRunTest {
  @TempDir Path tmp;

  private static final String GRU = Heeds.ROOT.resolve("examples/date-format-gru.yaml").toString();

  /**
   * The GRU example trains through the CLI until 200 held-out dates are all right (at most 4 epochs
   * of 50 steps); reopened with {@link Heed#open}, greedy decoding must get at least 95% of 1000
   * other held-out dates exactly right, and {@code heed generate} writes ISO dates.
   */
  @Test
  void gruExampleTrainsToItsTargetAndGenerates() throws IOException {
    Path run = tmp.resolve("gru");
    String out =
        Heeds.run("train", GRU, "--set", "training.epochs=4", "--out", run.toString())
            .expect(0)
            .noStackTrace()
            .out();
    assertTrue(out.contains("val_exact_match"), out);
    assertTrue(out.contains("next: heed generate " + run + " --source"), out);
    for (String f :
        List.of(
            "config.yaml",
            "seq2seq.json",
            "weights.safetensors",
            "optimizer.safetensors",
            "trainer.json",
            "metrics.csv",
            "loss.png",
            "attention.png")) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f + " in " + run);
    }
    assertTrue(
        javax.imageio.ImageIO.read(run.resolve("attention.png").toFile()).getWidth() >= 700,
        "attention.png is a picture");
    try (TrainedModel m = Heed.open(run, null)) {
      Seq2Seq s = assertInstanceOf(Seq2Seq.class, m);
      double exact = s.exactMatch(Seq2SeqData.drawDates(1000, true, new SplittableRandom(1234)), 1);
      assertTrue(exact >= 0.95, "exact match on 1000 held-out dates: " + exact);
      var attention = s.crossAttention("3/7/1994");
      assertEquals(List.of("3", "/", "7", "/", "1", "9", "9", "4"), attention.positionLabels());
      assertEquals(11, attention.weights().length, "10 characters and the stop token");
    }
    assertEquals(
        "1994-07-03\n2001-12-25",
        Heeds.run("generate", run.toString(), "--source", "3/7/1994", "--source", "25/12/2001")
            .expect(0)
            .out()
            .strip());
    assertEquals(
        "1994-07-03",
        Heeds.run("generate", run.toString(), "--source", "3/7/1994", "--beam", "4")
            .expect(0)
            .out()
            .strip());
    Path pairs =
        Files.writeString(
            tmp.resolve("dates.jsonl"),
            "{\"source\": \"3/7/1994\", \"target\": \"1994-07-03\"}\n"
                + "{\"source\": \"31/12/2099\", \"target\": \"2099-12-31\"}\n");
    String eval = Heeds.run("eval", run.toString(), pairs.toString()).expect(0).out();
    assertTrue(eval.contains("exact_match 1") && eval.contains("examples 2"), eval);
    Heeds.Result predict =
        Heeds.runWithStdin("[3, 10, 7]\n", "predict", run.toString(), "-").expect(2);
    assertTrue(predict.err().contains("use heed generate " + run), predict.err());
    Heeds.Result tooLong =
        Heeds.run("generate", run.toString(), "--source", "13/07/19944").expect(2).noStackTrace();
    assertTrue(
        tooLong.err().contains("11 characters, more than the 10 of the longest source"),
        tooLong.err());
    Heeds.Result unknown =
        Heeds.run("generate", run.toString(), "--source", "3.7.1994").expect(2).noStackTrace();
    assertTrue(
        unknown.err().contains("character '.' at position 2 is not in the model's alphabet"),
        unknown.err());
  }

  /**
   * The transformer's training steps are captured and replayed by default (Adam's per-step scalars
   * from its host pass, token ids and masks as declared inputs), with the eager run's losses and
   * exact-match scores bit for bit.
   */
  @Test
  void replayedTrainingMatchesTheEagerRun() throws IOException {
    String transformer = Heeds.ROOT.resolve("examples/date-format-transformer.yaml").toString();
    List<String> small =
        List.of(
            "training.epochs=2",
            "training.steps_per_epoch=8",
            "training.target_exact_match=1.1",
            "data.validation_examples=16");
    List<String> eagerly = new java.util.ArrayList<>(small);
    eagerly.add("training.replay=false");
    Seq2Seq eager = Seq2Seq.create(Path.of(transformer), eagerly, null);
    List<EpochEvent> a = eager.train(tmp.resolve("eager"), new TrainingListener() {}).history();
    Seq2Seq replayed = Seq2Seq.create(Path.of(transformer), small, null);
    List<EpochEvent> b =
        replayed.train(tmp.resolve("replayed"), new TrainingListener() {}).history();
    assertEquals(0, eager.replayedSteps());
    // 16 steps of one batch shape: one eager, two captured, then replays
    assertEquals(13, replayed.replayedSteps(), "steps replayed");
    assertEquals(
        "replay: 13 of 16 steps replayed from captured plans", replayed.replayReport().describe());
    assertEquals(
        "replay: steps ran eagerly: replay is off (training.replay: false, or"
            + " -Dheed.replay=false)",
        eager.replayReport().describe());
    for (int i = 0; i < 2; i++) {
      assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), "train loss, epoch " + (i + 1));
      assertEquals(a.get(i).validationLoss(), b.get(i).validationLoss());
      assertEquals(a.get(i).metrics(), b.get(i).metrics());
    }
  }

  /**
   * Stopped after its first epoch and resumed, a run ends with the same history as one unbroken.
   */
  @Test
  void resumedRunMatchesAnUnbrokenOne() throws IOException {
    List<String> small =
        List.of("training.epochs=2", "training.steps_per_epoch=3", "data.validation_examples=16");
    Path whole = tmp.resolve("whole");
    Seq2Seq.create(Path.of(GRU), small, null).train(whole, new TrainingListener() {});
    Path broken = tmp.resolve("broken");
    class Stop extends RuntimeException {
      private static final long serialVersionUID = 1L;
    }
    assertThrows(
        Stop.class,
        () ->
            Seq2Seq.create(Path.of(GRU), small, null)
                .train(
                    broken,
                    new TrainingListener() {
                      @Override
                      public void onEpoch(EpochEvent e) {
                        throw new Stop();
                      }
                    }));
    assertEquals(1, TrainerState.load(broken).epoch());
    Heeds.run("train", "--resume", broken.toString()).expect(0).noStackTrace();
    List<EpochEvent> a = TrainerState.load(whole).history();
    List<EpochEvent> b = TrainerState.load(broken).history();
    assertEquals(2, b.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), "train loss, epoch " + (i + 1));
      assertEquals(a.get(i).validationLoss(), b.get(i).validationLoss());
      assertEquals(a.get(i).metrics(), b.get(i).metrics());
    }
  }

  /**
   * The transformer example, on the cpu backend (kept for {@code heed generate}), trains until
   * 99.5% of 500 held-out dates are right (at most 12 epochs of 50 steps); reopened, greedy
   * decoding must get at least 99% of 1000 other held-out dates exactly right.
   */
  @Test
  void transformerExampleReachesItsTarget() throws IOException {
    Path run = tmp.resolve("transformer");
    Heeds.run(
            "train",
            Heeds.ROOT.resolve("examples/date-format-transformer.yaml").toString(),
            "--set",
            "training.epochs=12",
            "--backend",
            "cpu",
            "--out",
            run.toString())
        .expect(0)
        .noStackTrace();
    try (TrainedModel m = Heed.open(run, null)) {
      double exact =
          ((Seq2Seq) m)
              .exactMatch(Seq2SeqData.drawDates(1000, true, new SplittableRandom(1234)), 1);
      assertTrue(exact >= 0.99, "exact match on 1000 held-out dates: " + exact);
    }
    assertEquals(
        "1994-07-03",
        Heeds.run("generate", run.toString(), "--source", "3/7/1994").expect(0).out().strip());
  }

  /** Mistakes in the config are refused with their path, before the run directory is made. */
  @Test
  void badConfigsAreLocatedAndWriteNothing() {
    Path out = tmp.resolve("never");
    String[][] cases = {
      {"training.epochs=0", "`training.epochs`: found 0, expected an integer >= 1"},
      {"data.type=dates", "`data.type`: 'dates' is not a data set of source/target pairs"},
      {"optimizer.name=adamw2", "`optimizer`"},
      {"data.validation_examples=many", "`data.validation_examples`: expected a number"},
    };
    for (String[] c : cases) {
      Heeds.Result r =
          Heeds.run("train", GRU, "--set", c[0], "--out", out.toString()).expect(2).noStackTrace();
      assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
      assertFalse(Files.exists(out), c[0] + " made " + out);
    }
  }

  /**
   * JSON lines of pairs, tokenized by characters: a short run trains, and a line without the
   * configured field is refused with its file and line.
   */
  @Test
  void jsonLinesPairsTrainAndBadLinesAreLocated() throws IOException {
    StringBuilder lines = new StringBuilder();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 60; i++) {
      String word = Integer.toString(random.nextInt(1, 100000), 26);
      lines.append("{\"in\": \"").append(word).append("\", \"out\": \"");
      lines.append(new StringBuilder(word).reverse()).append("\"}\n");
    }
    Path data = Files.writeString(tmp.resolve("pairs.jsonl"), lines);
    String alphabet = Seq2SeqData.readPairs(data, "in", "out").size() + "";
    assertEquals("60", alphabet);
    String config =
        Files.readString(Path.of(GRU))
            .replace(
                "  type: date-format\n  validation_examples: 200",
                "  type: pairs\n  path: pairs.jsonl\n  source: in\n  target: out")
            .replace("vocabulary: 15", "vocabulary: VOCAB")
            .replace("vocab_size: 15", "vocab_size: VOCAB");
    Path wrongVocab = Files.writeString(tmp.resolve("wrong.yaml"), config.replace("VOCAB", "15"));
    Heeds.Result wrong =
        Heeds.run("train", wrongVocab.toString(), "--out", tmp.resolve("w").toString())
            .expect(2)
            .noStackTrace();
    assertTrue(wrong.err().contains("model.inputs.source.vocabulary"), wrong.err());
    assertFalse(Files.exists(tmp.resolve("w").resolve("config.yaml")));
    int vocab = Integer.parseInt(wrong.err().replaceAll("(?s).*set it to (\\d+).*", "$1"));
    Path good = Files.writeString(tmp.resolve("good.yaml"), config.replace("VOCAB", "" + vocab));
    Path run = tmp.resolve("pairs-run");
    Heeds.run(
            "train",
            good.toString(),
            "--set",
            "training.epochs=1",
            "--set",
            "training.target_exact_match=2",
            "--out",
            run.toString())
        .expect(0)
        .noStackTrace();
    assertTrue(Files.isRegularFile(run.resolve("weights.safetensors")));
    Files.writeString(data, lines + "{\"in\": \"abc\", \"target\": \"cba\"}\n");
    Heeds.Result bad =
        Heeds.run("train", good.toString(), "--out", tmp.resolve("bad").toString())
            .expect(2)
            .noStackTrace();
    assertTrue(
        bad.err()
            .contains(
                "pairs.jsonl:61: expected a JSON object with a non-empty string field"
                    + " 'out', found fields [in, target]"),
        bad.err());
  }
}
