package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.data.Batch;
import dev.heed.assembly.data.Batches;
import dev.heed.assembly.data.CsvDataset;
import dev.heed.assembly.data.Normalization;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataTest {
  @TempDir Path tmp;

  /** Two blobs: class "left" around x=-2, "right" around x=+2; column "noise" is irrelevant. */
  private Path blobs(int rows) throws IOException {
    Path csv = tmp.resolve("blobs.csv");
    Random r = new Random(1);
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("id,x,noise,label\n");
      for (int i = 0; i < rows; i++) {
        boolean right = r.nextBoolean();
        double x = (right ? 2 : -2) + r.nextGaussian() * 0.5 + 100;
        w.write(
            String.format(
                Locale.ROOT,
                "%d,%.4f,%.4f,%s%n",
                i,
                x,
                r.nextGaussian() * 5,
                right ? "right" : "left"));
      }
    }
    return csv;
  }

  private Path config(Path csv, String extra) throws IOException {
    Path c = tmp.resolve("blobs.yaml");
    Files.writeString(
        c,
        """
        seed: 3
        backend: cpu
        data:
          type: csv
          path: %s
          feature_columns: [x, noise]
          label_columns: [label]
          task: classification
          shuffle_buffer: 64
        model:
          layers:
            - {type: dense, units: 8, activation: tanh}
            - {type: dense, units: 2}
        optimizer: {name: sgd, lr: 0.1}
        training:
          epochs: 5
          batch_size: 16
        %s
        """
            .formatted(csv.getFileName(), extra));
    return c;
  }

  @Test
  void classifiesACsvStreamedInMiniBatches() throws IOException {
    Path csv = blobs(1500);
    Path run = tmp.resolve("run");
    TrainResult r;
    try (Assembly a = Heed.assemble(Heed.loadConfig(config(csv, ""), List.of()), null)) {
      r = a.train(run, null);
    }
    EpochEvent last = r.history().get(r.history().size() - 1);
    assertTrue(last.metrics().get("val_accuracy") > 0.95, "accuracy " + last.metrics());
    Normalization n = Normalization.load(run);
    assertEquals(List.of("x", "noise"), n.names());
    assertEquals(100, n.mean()[0], 0.3, "the mean of x is stored");
    String yaml = Files.readString(run.resolve("config.yaml"));
    assertTrue(
        yaml.contains("cross-entropy"), "classification defaults to cross-entropy:\n" + yaml);
    try (TrainedModel m = Heed.open(run, null)) {
      assertEquals(List.of("left", "right"), m.outputNames());
      Map<String, Double> e = m.evaluate(csv);
      assertTrue(e.get("accuracy") > 0.95, e.toString());
      assertEquals(1500.0, e.get("examples"));
      List<double[]> p = m.predict(List.of(new double[] {102, 0}, new double[] {98, 0}));
      assertTrue(p.get(0)[1] > 0.9 && p.get(1)[0] > 0.9, "probabilities " + p.get(0)[1]);
      Path bad = tmp.resolve("bad.csv");
      Files.writeString(bad, "id,xx,noise,label\n1,2,3,left\n");
      ConfigException missing = assertThrows(ConfigException.class, () -> m.evaluate(bad));
      assertTrue(missing.getMessage().contains("missing the column 'x'"), missing.getMessage());
      assertTrue(missing.getMessage().contains("bad.csv"), missing.getMessage());
      assertTrue(missing.getMessage().contains("id, xx, noise, label"), missing.getMessage());
    }
    Path moved = Files.move(csv, tmp.resolve("moved.csv"));
    try (TrainedModel m = Heed.open(run, null)) {
      assertTrue(m.predict(List.of(new double[] {102, 0})).get(0)[1] > 0.9);
      assertTrue(m.evaluate(moved).get("accuracy") > 0.95, "a run opens without its data file");
    }
  }

  @Test
  void malformedCsvValuesNameTheLineAndColumn() throws IOException {
    Path csv = tmp.resolve("d.csv");
    Files.writeString(csv, "x,y\n1,2\n3,oops\n");
    Path c = tmp.resolve("d.yaml");
    Files.writeString(
        c,
        """
        data: {type: csv, path: d.csv, label_columns: [y], normalize: false}
        model: {layers: [{type: dense, units: 1}]}
        optimizer: sgd
        training: {epochs: 1, validation_split: 0}
        """);
    try (Assembly a = Heed.assemble(Heed.loadConfig(c, List.of("backend=cpu")), null)) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> a.train(tmp.resolve("r"), null));
      assertTrue(
          e.getMessage()
              .contains("d.csv:3: column 2 ('y'): found 'oops', expected a finite decimal number"),
          e.getMessage());
    }
    Files.writeString(c, Files.readString(c).replace("label_columns: [y]", "label_columns: [z]"));
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of()));
    assertTrue(e.getMessage().contains("config path `data.label_columns[0]`"), e.getMessage());
    assertTrue(e.getMessage().contains("found 'z', which is not a column"), e.getMessage());
    assertTrue(e.getMessage().contains("the header has: x, y"), e.getMessage());
  }

  @Test
  void bufferShuffleVisitsEveryTrainingRowOncePerEpochInASeededOrder() throws IOException {
    Path csv = blobs(1000);
    CsvDataset data =
        new CsvDataset(csv, ',', List.of("id", "x"), List.of("label"), List.of("left", "right"));
    Batches b = new Batches(data, 9, 0.2, 50);
    List<Integer> e1 = ids(b, 1);
    List<Integer> e1again = ids(b, 1);
    List<Integer> e2 = ids(b, 2);
    assertEquals(e1, e1again, "same seed and epoch, same order");
    assertNotEquals(e1, e2, "another epoch, another order");
    Set<Integer> unique = new HashSet<>(e1);
    assertEquals(e1.size(), unique.size(), "no row twice");
    assertEquals(b.trainRows(), e1.size());
    assertEquals(1000, b.trainRows() + b.validationRows());
    assertTrue(b.validationRows() > 150 && b.validationRows() < 250, "" + b.validationRows());
    List<Integer> validation = new ArrayList<>();
    try (Batches.Stream s = b.validation(64)) {
      for (Batch x = s.next(); x != null; x = s.next()) {
        for (int r = 0; r < x.rows(); r++) {
          validation.add((int) x.x()[r * 2]);
        }
      }
    }
    unique.retainAll(validation);
    assertTrue(unique.isEmpty(), "training and validation rows are disjoint");
  }

  private static List<Integer> ids(Batches b, int epoch) throws IOException {
    List<Integer> ids = new ArrayList<>();
    try (Batches.Stream s = b.training(epoch, 32, true)) {
      for (Batch x = s.next(); x != null; x = s.next()) {
        for (int r = 0; r < x.rows(); r++) {
          ids.add((int) x.x()[r * 2]);
        }
      }
    }
    return ids;
  }
}
