package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import dev.heed.core.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {
  @TempDir Path tmp;

  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");

  private static List<String> small(int epochs) {
    return List.of(
        "data.examples=300",
        "training.epochs=" + epochs,
        "training.stop.patience=0",
        "training.stop.target_loss=null",
        "backend=cpu");
  }

  private TrainResult train(Path config, List<String> overrides, Path runDir) throws IOException {
    try (Assembly a = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
      return a.train(runDir, null);
    }
  }

  private static List<Double> losses(TrainResult r) {
    List<Double> l = new ArrayList<>();
    for (EpochEvent e : r.history()) {
      l.add(e.trainLoss());
      l.add(e.validationLoss());
    }
    return l;
  }

  @Test
  void sameConfigAndSeedGiveIdenticalLosses() throws IOException {
    TrainResult a = train(SIMPLE, small(3), tmp.resolve("a"));
    TrainResult b = train(SIMPLE, small(3), tmp.resolve("b"));
    assertEquals(3, a.history().size());
    assertEquals(losses(a), losses(b));
    assertEquals("max epochs", a.stopReason());
    assertTrue(a.history().get(0).metrics().containsKey("val_mae"));
    List<String> other = new ArrayList<>(small(3));
    other.add("seed=43");
    TrainResult c = train(SIMPLE, other, tmp.resolve("c"));
    assertTrue(!losses(a).equals(losses(c)), "another seed gives other losses");
  }

  @Test
  void trainingLowersTheLoss() throws IOException {
    TrainResult r = train(SIMPLE, small(15), tmp.resolve("r"));
    double first = r.history().get(0).validationLoss();
    double last = r.history().get(r.history().size() - 1).validationLoss();
    assertTrue(last < first * 0.9, "validation loss " + first + " -> " + last);
  }

  @Test
  void resumedRunMatchesAnUninterruptedOne() throws IOException {
    resumeMatches(SIMPLE, small(4));
  }

  @Test
  void layerPluginsAndDropoutResumeExactly() throws IOException {
    Path config = tmp.resolve("plugins.yaml");
    Files.writeString(
        config,
        Files.readString(SIMPLE)
            .replace(
                "    - type: dense\n      units: 5\n",
                "    - {type: dropout, p: 0.2}\n    - {type: layer-norm}\n"
                    + "    - type: dense\n      units: 5\n"));
    List<Double> losses = resumeMatches(config, small(4));
    TrainResult plain = train(SIMPLE, small(4), tmp.resolve("no-dropout"));
    assertTrue(!losses(plain).equals(losses), "the layer plugins change the run");
  }

  @Test
  void resumedRunWithAScheduleMatchesAnUninterruptedOne() throws IOException {
    List<String> withSchedule = new ArrayList<>(small(4));
    withSchedule.addAll(
        List.of("schedule.name=step", "schedule.step_size=1", "schedule.gamma=0.5"));
    List<Double> scheduled = resumeMatches(SIMPLE, withSchedule);
    TrainResult plain = train(SIMPLE, small(4), tmp.resolve("plain"));
    assertTrue(!losses(plain).equals(scheduled), "the schedule changes the run");
  }

  /**
   * A finished run whose config.yaml was given more epochs goes on to the new limit on --resume,
   * with the losses of a run that had that limit from the start.
   */
  @Test
  void finishedRunWithRaisedEpochsGoesOnToTheNewLimit() throws IOException {
    TrainResult full = train(SIMPLE, small(4), tmp.resolve("four"));
    Path dir = tmp.resolve("two-then-four");
    TrainResult two = train(SIMPLE, small(2), dir);
    assertEquals("max epochs", two.stopReason());
    Path saved = dir.resolve("config.yaml");
    String text = Files.readString(saved);
    assertTrue(text.contains("epochs: 2"), text);
    Files.writeString(saved, text.replace("epochs: 2", "epochs: 4"));
    TrainResult resumed;
    try (Assembly a = Heed.resume(dir, null)) {
      resumed = a.train(dir, new TrainingListener() {});
    }
    assertEquals(4, resumed.epochs());
    assertEquals(losses(full), losses(resumed));
    // and resuming it again, unchanged, trains nothing more
    try (Assembly a = Heed.resume(dir, null)) {
      assertEquals(4, a.train(dir, new TrainingListener() {}).history().size());
    }
  }

  private List<Double> resumeMatches(Path config, List<String> overrides) throws IOException {
    String tag = Integer.toHexString(overrides.hashCode() + config.hashCode());
    TrainResult full = train(config, overrides, tmp.resolve("full-" + tag));
    Path dir = tmp.resolve("interrupted-" + tag);
    try (Assembly a = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
      TrainingListener crash =
          new TrainingListener() {
            @Override
            public void onEpoch(EpochEvent e) {
              if (e.epoch() == 2) {
                throw new IllegalStateException("simulated crash");
              }
            }
          };
      assertThrows(IllegalStateException.class, () -> a.train(dir, crash));
    }
    TrainResult resumed;
    try (Assembly a = Heed.resume(dir, null)) {
      List<TrainingPlan> plans = new ArrayList<>();
      resumed =
          a.train(
              dir,
              new TrainingListener() {
                @Override
                public void onStart(TrainingPlan plan) {
                  plans.add(plan);
                }
              });
      assertEquals(3, plans.get(0).startEpoch());
    }
    assertEquals(losses(full), losses(resumed));
    assertEquals(4, resumed.epochs());
    return losses(full);
  }

  @Test
  void runDirectoryHoldsTheCheckpoint() throws IOException {
    Path dir = tmp.resolve("run");
    TrainResult r = train(SIMPLE, small(2), dir);
    for (String f :
        List.of(
            "config.yaml",
            "weights.safetensors",
            "optimizer.safetensors",
            "trainer.json",
            "metrics.csv")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
    List<String> names = new ArrayList<>();
    for (var e : SafeTensors.entries(dir.resolve("weights.safetensors"))) {
      names.add(e.name());
    }
    assertEquals(
        List.of("0.weight", "0.bias", "2.weight", "2.bias"), names, "as PyTorch names them");
    byte[] bytes = Files.readAllBytes(dir.resolve("weights.safetensors"));
    long headerLength =
        java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
    assertEquals(3, Files.readAllLines(dir.resolve("metrics.csv")).size());
    try (var leftovers = Files.list(dir)) {
      assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
    // checkpoint round trip: the reopened model evaluates to the final validation numbers
    try (TrainedModel m = Heed.open(dir, null)) {
      assertEquals(10, m.inputNames().size());
      assertEquals(5, m.outputNames().size());
      List<double[]> p = m.predict(List.of(new double[10], new double[10]));
      assertEquals(2, p.size());
      assertEquals(5, p.get(0).length);
      ConfigException wrong =
          assertThrows(ConfigException.class, () -> m.predict(List.of(new double[3])));
      assertTrue(wrong.getMessage().contains("row 1"), wrong.getMessage());
      assertTrue(wrong.getMessage().contains("expected 10"), wrong.getMessage());
    }
    assertEquals(2, r.epochs());
    ConfigException notEmpty =
        assertThrows(ConfigException.class, () -> train(SIMPLE, small(1), dir));
    assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
  }

  /**
   * Where Debian's python3-torch is installed, {@code torch/check_run.py} reads the weights with
   * numpy, loads them strictly into {@code Sequential(Linear, Tanh, Linear)} and compares outputs.
   */
  @Test
  void weightsLoadIntoTheEquivalentPyTorchModule() throws IOException {
    Path dir = tmp.resolve("torch-run");
    train(SIMPLE, small(2), dir);
    Path python = Path.of("/usr/bin/python3");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(python), "no python3");
    if (run(List.of(python.toString(), "-c", "import torch, numpy")) != 0) {
      org.junit.jupiter.api.Assumptions.abort("PyTorch is not installed");
    }
    java.util.Random random = new java.util.Random(5);
    List<double[]> rows = new ArrayList<>();
    StringBuilder in = new StringBuilder();
    for (int r = 0; r < 16; r++) {
      double[] row = new double[10];
      for (int k = 0; k < 10; k++) {
        row[k] = (float) (random.nextDouble() * 2 - 1);
        in.append(k == 0 ? "" : ",").append(row[k]);
      }
      in.append('\n');
      rows.add(row);
    }
    StringBuilder out = new StringBuilder();
    try (TrainedModel m = Heed.open(dir, null)) {
      for (double[] p : m.predict(rows)) {
        for (int k = 0; k < p.length; k++) {
          out.append(k == 0 ? "" : ",").append(p[k]);
        }
        out.append('\n');
      }
    }
    Path inputs = Files.writeString(tmp.resolve("inputs.csv"), in);
    Path predictions = Files.writeString(tmp.resolve("heed.csv"), out);
    int status =
        run(
            List.of(
                python.toString(),
                "src/test/resources/torch/check_run.py",
                dir.toString(),
                inputs.toString(),
                predictions.toString()));
    assertEquals(0, status, "PyTorch loads the weights and agrees with Heed's predictions");
  }

  private int run(List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("python.log").toFile())
            .start();
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void examplesLoadAndTrainOneEpoch() throws IOException {
    for (String name : Heed.templates()) {
      Path file = Path.of("../examples/" + name + ".yaml");
      boolean text = !Heed.templateData(name).isEmpty();
      // the text template reads the corpus that init writes beside it, the example the README
      assertEquals(
          Files.readString(file).replace("path: ../README.md", "path: corpus.txt"),
          Heed.template(name),
          name + " template = example");
      // the streamed corpus example on one short licence text (Debian's base-files)
      List<String> overrides =
          text
              ? List.of("training.epochs=1", "backend=cpu")
              : name.equals("licenses-language-model")
                  ? List.of(
                      "data.paths=[/usr/share/common-licenses/BSD]",
                      "training.epochs=1",
                      "backend=cpu")
                  : List.of("data.examples=200", "training.epochs=1", "backend=cpu");
      TrainResult r = train(file, overrides, tmp.resolve(name));
      assertEquals(1, r.epochs());
      // every example but the plain seed networks has an attention layer, so a heatmap
      assertEquals(!name.startsWith("seed-"), r.attention().isPresent(), name);
    }
  }

  @Test
  void gradientClippingFromTheConfigLimitsTheUpdates() throws IOException {
    List<String> clipped = new ArrayList<>(small(2));
    clipped.add("training.clip_grad_norm=1e-12");
    List<Double> frozen = losses(train(SIMPLE, clipped, tmp.resolve("clipped")));
    assertEquals(frozen.get(0), frozen.get(2), 1e-6, "a tiny norm leaves the weights as they were");
    List<Double> free = losses(train(SIMPLE, small(2), tmp.resolve("free")));
    assertTrue(free.get(2) < free.get(0) - 1e-4, "without clipping the loss falls: " + free);
    List<String> byValue = new ArrayList<>(small(2));
    byValue.add("training.clip_grad_value=0.01");
    List<Double> valued = losses(train(SIMPLE, byValue, tmp.resolve("valued")));
    assertTrue(valued.get(2) < valued.get(0), "clipped by value it still learns: " + valued);
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> Heed.loadConfig(SIMPLE, List.of("training.clip_grad_norm=-1")));
    assertTrue(bad.getMessage().contains("training.clip_grad_norm"), bad.getMessage());
  }
}
