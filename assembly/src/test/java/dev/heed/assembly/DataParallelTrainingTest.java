package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.TrainResult;
import dev.heed.core.io.SafeTensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code training.accumulate} and {@code training.replicas}: the same optimizer steps as one larger
 * batch on one thread, up to the rounding of a different summation order.
 */
class DataParallelTrainingTest {
  @TempDir Path tmp;

  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");

  /** Relative-to-scale tolerance of float32 sums taken in another order over a few dozen steps. */
  private static final float TOLERANCE = 2e-5f;

  private Map<String, float[]> train(String optimizer, String... settings) throws IOException {
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "data.examples=300",
                "training.epochs=3",
                "training.stop.patience=0",
                "training.stop.target_loss=null",
                "backend=cpu"));
    if (optimizer.equals("adam")) {
      overrides.addAll(List.of("optimizer.name=adam", "optimizer.lr=0.01"));
    } else {
      overrides.add("optimizer.lr=0.1");
    }
    overrides.addAll(List.of(settings));
    Path dir = tmp.resolve("run" + runs++);
    TrainResult r;
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, overrides), null)) {
      r = a.train(dir, null);
    }
    assertEquals(3, r.history().size());
    return weights(dir.resolve("weights.safetensors"));
  }

  private int runs;

  /** The float32 tensors of a safetensors file, by name. */
  static Map<String, float[]> weights(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    long header = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Map<String, float[]> out = new LinkedHashMap<>();
    for (SafeTensors.Entry e : SafeTensors.entries(file)) {
      int n = (int) ((e.end() - e.begin()) / 4);
      float[] v = new float[n];
      ByteBuffer.wrap(bytes, (int) (8 + header + e.begin()), n * 4)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(v);
      out.put(e.name(), v);
    }
    return out;
  }

  static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      float[] e = expected.get(name);
      float[] a = actual.get(name);
      assertEquals(e.length, a.length, name);
      for (int i = 0; i < e.length; i++) {
        float tolerance = TOLERANCE * Math.max(1f, Math.abs(e[i]));
        assertEquals(e[i], a[i], tolerance, name + "[" + i + "]");
      }
    }
  }

  static float maxDifference(Map<String, float[]> a, Map<String, float[]> b) {
    float max = 0;
    for (String name : a.keySet()) {
      for (int i = 0; i < a.get(name).length; i++) {
        max = Math.max(max, Math.abs(a.get(name)[i] - b.get(name)[i]));
      }
    }
    return max;
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "adam"})
  void accumulatingFourBatchesEqualsOneFourTimesLarger(String optimizer) throws IOException {
    Map<String, float[]> large = train(optimizer, "training.batch_size=32");
    Map<String, float[]> accumulated =
        train(optimizer, "training.batch_size=8", "training.accumulate=4");
    assertClose(large, accumulated);
    // the comparison can fail: plain batches of 8 take four times as many steps
    Map<String, float[]> small = train(optimizer, "training.batch_size=8");
    assertTrue(maxDifference(large, small) > 100 * TOLERANCE, "batches of 8 train differently");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sgd", "adam"})
  void replicasEqualOneReplicaAtTheSameGlobalBatch(String optimizer) throws IOException {
    Map<String, float[]> one = train(optimizer, "training.batch_size=32");
    // 32 rows over 3 replicas: shares of 10, 11 and 11 rows, weighted by their size
    Map<String, float[]> three = train(optimizer, "training.batch_size=32", "training.replicas=3");
    assertClose(one, three);
    Map<String, float[]> both =
        train(optimizer, "training.batch_size=8", "training.accumulate=4", "training.replicas=2");
    assertClose(one, both);
  }

  /**
   * 301 training rows in batches of 4 leave a last batch of one row: replicas 0 to 2 get no rows of
   * it, so the model's own gradient comes from replica 3 alone.
   */
  @Test
  void aLastBatchSmallerThanTheReplicasStillSteps() throws IOException {
    String[] common = {"data.examples=301", "training.validation_split=0", "training.batch_size=4"};
    Map<String, float[]> one = train("sgd", common);
    List<String> four = new ArrayList<>(List.of(common));
    four.add("training.replicas=4");
    assertClose(one, train("sgd", four.toArray(String[]::new)));
  }

  @Test
  void replicasAreDeterministicForAGivenCount() throws IOException {
    Path config = tmp.resolve("dropout.yaml");
    Files.writeString(
        config,
        Files.readString(SIMPLE)
            .replace(
                "    - type: dense\n      units: 5\n",
                "    - {type: dropout, p: 0.2}\n" + "    - type: dense\n      units: 5\n"));
    List<Map<String, float[]>> results = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      List<String> overrides =
          List.of(
              "data.examples=300",
              "training.epochs=2",
              "training.stop.patience=0",
              "training.stop.target_loss=null",
              "backend=cpu",
              "training.replicas=" + (run < 2 ? 4 : 1));
      Path dir = tmp.resolve("dropout" + run);
      try (Assembly a = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
        a.train(dir, null);
      }
      results.add(weights(dir.resolve("weights.safetensors")));
    }
    for (String name : results.get(0).keySet()) {
      assertArrayEquals(results.get(0).get(name), results.get(1).get(name), name);
    }
    // each replica draws its own dropout masks, so four replicas are not one replica's run
    assertTrue(maxDifference(results.get(0), results.get(2)) > 10 * TOLERANCE);
  }

  @Test
  void moreReplicasThanRowsPerBatchAreRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Heed.loadConfig(SIMPLE, List.of("training.batch_size=4", "training.replicas=8")));
    assertTrue(e.getMessage().contains("training.replicas"), e.getMessage());
    assertTrue(e.getMessage().contains("at most training.batch_size (4)"), e.getMessage());
    ConfigException zero =
        assertThrows(
            ConfigException.class, () -> Heed.loadConfig(SIMPLE, List.of("training.accumulate=0")));
    assertTrue(zero.getMessage().contains("training.accumulate"), zero.getMessage());
  }
}
