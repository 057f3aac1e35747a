package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.train.MetricsJsonl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl: one record per step and per epoch, readable while the run trains. */
class MetricsJsonlTest {
  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");

  @TempDir Path tmp;

  private static List<String> small(int epochs, String... more) {
    List<String> o =
        new ArrayList<>(
            List.of(
                "data.examples=300",
                "training.epochs=" + epochs,
                "training.stop.patience=0",
                "training.stop.target_loss=null",
                "backend=cpu"));
    o.addAll(List.of(more));
    return o;
  }

  private static List<Map<String, Object>> kind(List<Map<String, Object>> all, String kind) {
    return all.stream().filter(r -> kind.equals(r.get("kind"))).toList();
  }

  private static double num(Map<String, Object> r, String key) {
    return ((Number) r.get(key)).doubleValue();
  }

  @Test
  void everyStepAndEpochIsARecordThatAReaderSeesAtOnce() throws IOException {
    Path dir = tmp.resolve("run");
    List<Double> stepLosses = new ArrayList<>();
    List<Integer> seenAtStep = new ArrayList<>();
    TrainResult result;
    try (Assembly a =
        Heed.assemble(
            Heed.loadConfig(
                SIMPLE,
                small(3, "schedule.name=step", "schedule.step_size=1", "schedule.gamma=0.5")),
            null)) {
      result =
          a.train(
              dir,
              new TrainingListener() {
                long next;
                int records;

                @Override
                public void onStep(StepEvent e) {
                  stepLosses.add(e.loss());
                  try {
                    // another reader of the file, while the run trains: the step is already there
                    MetricsJsonl.Chunk c = MetricsJsonl.read(dir, next);
                    next = c.next();
                    records += kind(c.records(), "step").size();
                    seenAtStep.add(records);
                  } catch (IOException x) {
                    throw new UncheckedIOException(x);
                  }
                }
              });
    }
    for (int i = 0; i < seenAtStep.size(); i++) {
      assertEquals(i + 1, seenAtStep.get(i), "records a reader saw at step " + (i + 1));
    }
    List<Map<String, Object>> all = MetricsJsonl.read(dir, 0).records();
    List<Map<String, Object>> steps = kind(all, "step");
    List<Map<String, Object>> epochs = kind(all, "epoch");
    // 240 training rows in batches of 32: 8 steps per epoch
    assertEquals(24, steps.size());
    assertEquals(3, epochs.size());
    for (int i = 0; i < steps.size(); i++) {
      Map<String, Object> s = steps.get(i);
      assertEquals(i + 1, ((Number) s.get("step")).intValue());
      assertEquals(i / 8 + 1, ((Number) s.get("epoch")).intValue());
      assertEquals(stepLosses.get(i), num(s, "loss"));
      // the step schedule halves the rate after each epoch: the rate each step trained with
      assertEquals(0.01 * Math.pow(0.5, i / 8), num(s, "lr"), 1e-15, "lr of step " + (i + 1));
      assertTrue(num(s, "time_ms") > 1.7e12);
    }
    for (int e = 0; e < 3; e++) {
      Map<String, Object> r = epochs.get(e);
      EpochEvent h = result.history().get(e);
      assertEquals(e + 1, ((Number) r.get("epoch")).intValue());
      assertEquals(8L * (e + 1), ((Number) r.get("step")).longValue());
      assertEquals(h.trainLoss(), num(r, "train_loss"));
      assertEquals(h.validationLoss(), num(r, "val_loss"));
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) r.get("metrics");
      assertEquals(h.metrics().get("val_mae"), ((Number) m.get("val_mae")).doubleValue());
    }
    // the records come in order: an epoch's record after its last step
    assertEquals("epoch", all.get(8).get("kind"));
    long before = -1;
    for (Map<String, Object> r : all) {
      long elapsed = ((Number) r.get("elapsed_ms")).longValue();
      assertTrue(elapsed >= before, "elapsed_ms never goes back");
      before = elapsed;
    }
  }

  @Test
  void anUnfinishedLastLineIsNotARecordUntilItsNewlineIsWritten() throws IOException {
    Path file = tmp.resolve(MetricsJsonl.FILE);
    String first = "{\"kind\":\"step\",\"step\":1,\"loss\":0.5}\n";
    Files.writeString(file, first + "{\"kind\":\"step\",\"st");
    MetricsJsonl.Chunk c = MetricsJsonl.read(tmp, 0);
    assertEquals(1, c.records().size());
    assertEquals(first.getBytes(StandardCharsets.UTF_8).length, c.next());
    assertEquals(0, MetricsJsonl.read(tmp, c.next()).records().size());
    Files.writeString(file, "ep\":2,\"loss\":null}\n", StandardOpenOption.APPEND);
    MetricsJsonl.Chunk d = MetricsJsonl.read(tmp, c.next());
    assertEquals(1, d.records().size());
    assertEquals(2, ((Number) d.records().getFirst().get("step")).intValue());
    assertNull(d.records().getFirst().get("loss"));
    assertEquals(c.file(), d.file());
    assertEquals(Files.size(file), d.next());
    // an offset past the end (the file was replaced by a shorter one) reads from the start
    assertEquals(2, MetricsJsonl.read(tmp, 10_000).records().size());
    // no file yet: no records
    assertEquals(0, MetricsJsonl.read(tmp.resolve("none"), 0).records().size());
  }

  @Test
  void aCompleteLineThatIsNotJsonIsRefusedWithItsLineNumber() throws IOException {
    Files.writeString(tmp.resolve(MetricsJsonl.FILE), "{\"step\":1}\n{\"step\":2,\n{}\n");
    IOException e = assertThrows(IOException.class, () -> MetricsJsonl.read(tmp, 0));
    assertTrue(e.getMessage().contains("metrics.jsonl:2: not a JSON object"), e.getMessage());
    byte[] before = Files.readAllBytes(tmp.resolve(MetricsJsonl.FILE));
    assertEquals(new String(before, StandardCharsets.UTF_8), "{\"step\":1}\n{\"step\":2,\n{}\n");
  }

  @Test
  void aResumedRunDropsTheStepsAfterItsCheckpointAndAddsAMissingEpochRecord() throws IOException {
    Path dir = tmp.resolve("run");
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, small(2)), null)) {
      a.train(dir, null);
    }
    Path file = dir.resolve(MetricsJsonl.FILE);
    String two = Files.readString(file);
    // a session that trained on past its checkpoint and was killed in the middle of a line; and
    // the last epoch's record lost (killed between the commit and the record)
    String withoutEpoch2 = two.substring(0, two.lastIndexOf("{\"kind\":\"epoch\""));
    Files.writeString(
        file,
        withoutEpoch2
            + "{\"kind\":\"step\",\"step\":17,\"epoch\":3,\"loss\":9.0}\n{\"kind\":\"step\",\"st");
    String before = MetricsJsonl.read(dir, 0).file();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, Files.readString(config).replace("epochs: 2", "epochs: 3"));
    TrainResult resumed;
    try (Assembly a = Heed.resume(dir, null)) {
      resumed = a.train(dir, null);
    }
    MetricsJsonl.Chunk c = MetricsJsonl.read(dir, 0);
    assertNotEquals(before, c.file(), "the rewritten file is a new file");
    List<Map<String, Object>> steps = kind(c.records(), "step");
    List<Map<String, Object>> epochs = kind(c.records(), "epoch");
    assertEquals(24, steps.size());
    for (int i = 0; i < steps.size(); i++) {
      assertEquals(i + 1, ((Number) steps.get(i).get("step")).intValue());
    }
    assertEquals(3, epochs.size());
    for (int e = 0; e < 3; e++) {
      assertEquals(e + 1, ((Number) epochs.get(e).get("epoch")).intValue());
      assertEquals(resumed.history().get(e).trainLoss(), num(epochs.get(e), "train_loss"));
    }
    assertEquals(16, ((Number) epochs.get(1).get("step")).intValue());
  }

  @Test
  void aRunFromBeforeMetricsJsonlGetsItsEpochsWhenResumed() throws IOException {
    Path dir = tmp.resolve("old");
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, small(2)), null)) {
      a.train(dir, null);
    }
    Files.delete(dir.resolve(MetricsJsonl.FILE));
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, Files.readString(config).replace("epochs: 2", "epochs: 3"));
    TrainResult resumed;
    try (Assembly a = Heed.resume(dir, null)) {
      resumed = a.train(dir, null);
    }
    List<Map<String, Object>> all = MetricsJsonl.read(dir, 0).records();
    List<Map<String, Object>> epochs = kind(all, "epoch");
    assertEquals(3, epochs.size());
    for (int e = 0; e < 3; e++) {
      assertEquals(8L * (e + 1), ((Number) epochs.get(e).get("step")).longValue());
      assertEquals(resumed.history().get(e).trainLoss(), num(epochs.get(e), "train_loss"));
    }
    List<Map<String, Object>> steps = kind(all, "step");
    assertEquals(8, steps.size());
    assertEquals(17, ((Number) steps.getFirst().get("step")).intValue());
  }
}
