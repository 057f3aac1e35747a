package dev.heed.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.core.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on Spark in {@code local[2]} (two executor threads, one JVM; up to three attempts per
 * task): synchronous averaging with plain SGD is single-process training of the same global batch,
 * a killed task is retried without changing the result, and the run directory is the trainer's. One
 * Spark context serves every test (starting one takes seconds).
 */
class SparkTrainingTest {
  private static final Path SIMPLE = Path.of("../../examples/seed-simple.yaml");
  private static final float TOLERANCE = 2e-5f;
  private static JavaSparkContext spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2,3]")
                .setAppName("heed-spark-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    spark.close();
  }

  private static List<String> settings(String... more) {
    List<String> s =
        new ArrayList<>(
            List.of(
                "data.examples=300",
                "training.epochs=3",
                "training.stop.patience=0",
                "training.stop.target_loss=null",
                "optimizer.lr=0.1",
                "backend=cpu",
                "distributed.partitions=2"));
    s.addAll(List.of(more));
    return s;
  }

  private static HeedConfig config(List<String> settings) throws IOException {
    return Heed.loadConfig(SIMPLE, settings, PluginSet.shared());
  }

  @Test
  void synchronousSgdEqualsOneProcessAtTheSameGlobalBatch() throws IOException {
    Path local = tmp.resolve("local");
    try (Assembly a = Heed.assemble(config(settings()), null)) {
      a.train(local, null);
    }
    Path distributed = tmp.resolve("spark");
    // three partitions on two executor threads: shares of 10, 11 and 11 rows, averaged by weight
    TrainResult r =
        new SparkTraining(spark, config(settings("distributed.partitions=3")), null)
            .train(distributed, null);
    assertEquals(3, r.history().size());
    Map<String, float[]> expected = weights(local);
    Map<String, float[]> actual = weights(distributed);
    assertClose(expected, actual);
    // the comparison can fail: one partition's half of each batch alone trains differently
    Path half = tmp.resolve("half");
    try (Assembly a = Heed.assemble(config(settings("training.batch_size=16")), null)) {
      a.train(half, null);
    }
    assertTrue(maxDifference(expected, weights(half)) > 100 * TOLERANCE);
    // the run directory is the trainer's: predict reads it unchanged
    try (TrainedModel m = Heed.open(distributed, null)) {
      assertEquals(5, m.predict(List.of(new double[10])).get(0).length);
    }
  }

  @Test
  void aKilledTaskIsRetriedFromTheRoundsAveragedParameters() throws IOException {
    List<String> s =
        settings("optimizer.name=adam", "optimizer.lr=0.01", "distributed.average_every=4");
    Path plain = tmp.resolve("plain");
    new SparkTraining(spark, config(s), null).train(plain, null);
    Path faulty = tmp.resolve("faulty");
    new SparkTraining(spark, config(s), null).failOnce(3, 1).train(faulty, null);
    Map<String, float[]> a = weights(plain);
    Map<String, float[]> b = weights(faulty);
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name), b.get(name), name);
    }
  }

  @Test
  void aStoppedDriverResumesFromTheLastCommittedEpoch() throws IOException {
    Path whole = tmp.resolve("whole");
    new SparkTraining(spark, config(settings()), null).train(whole, null);
    Path resumed = tmp.resolve("resumed");
    new SparkTraining(spark, config(settings("training.epochs=1")), null).train(resumed, null);
    // the restarted driver reads the run's own config, with the epochs raised
    Path saved = resumed.resolve("config.yaml");
    Files.writeString(saved, Files.readString(saved).replace("epochs: 1", "epochs: 3"));
    TrainResult r =
        new SparkTraining(spark, Heed.loadConfig(saved, List.of(), PluginSet.shared()), null)
            .train(resumed, null);
    assertEquals(3, r.epochs());
    assertClose(weights(whole), weights(resumed));
  }

  @Test
  void anExecutorsErrorIsReportedByItsOwnMessage() {
    // Spark throws its checked SparkException from Scala code, undeclared
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .parallelize(List.of(0, 1), 2)
                    .map(i -> {
                      throw new UncheckedIOException(
                          new IOException("data.csv:12: column 2 ('b'): found 'x'"));
                    })
                    .collect());
    assertEquals("data.csv:12: column 2 ('b'): found 'x'", Failures.message(e));
  }

  /**
   * Data named by a Hadoop URI ({@code file://} here; {@code hdfs://} and {@code s3a://} go the
   * same way) is fetched to the driver and shipped to the executors, and trains as the same file
   * given by path does.
   */
  @Test
  void dataFromAHadoopUriTrainsAsTheSameLocalFile() throws IOException {
    Path csv = tmp.resolve("rows.csv");
    StringBuilder rows = new StringBuilder("a,b,c,y\n");
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      double a = random.nextDouble(-1, 1);
      double b = random.nextDouble(-1, 1);
      double c = random.nextDouble(-1, 1);
      rows.append(
          String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%.4f%n", a, b, c, a - b + c));
    }
    Files.writeString(csv, rows);
    Path config = tmp.resolve("csv.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "seed: 5",
            "backend: cpu",
            "data: {type: csv, path: rows.csv, label_columns: [y]}",
            "model: {layers: [{type: dense, units: 4, activation: tanh}, {type: dense, units: 1}]}",
            "optimizer: {name: sgd, lr: 0.1}",
            "training: {epochs: 2, batch_size: 16}",
            "distributed: {partitions: 2}",
            ""));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    SparkTool tool = new SparkTool();
    assertEquals(
        0,
        tool.run(
            spark,
            new PrintWriter(out),
            new PrintWriter(err),
            config.toString(),
            "--out",
            tmp.resolve("by-path").toString()),
        err::toString);
    assertEquals(
        0,
        tool.run(
            spark,
            new PrintWriter(out),
            new PrintWriter(err),
            config.toString(),
            "--out",
            tmp.resolve("by-uri").toString(),
            "--set",
            "data.path=" + csv.toUri()),
        err::toString);
    assertTrue(out.toString().contains("epoch 2"), out::toString);
    Map<String, float[]> a = weights(tmp.resolve("by-path"));
    Map<String, float[]> b = weights(tmp.resolve("by-uri"));
    for (String name : a.keySet()) {
      assertArrayEquals(a.get(name), b.get(name), name);
    }
  }

  static Map<String, float[]> weights(Path runDir) throws IOException {
    Path file = runDir.resolve("weights.safetensors");
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
      for (int i = 0; i < e.length; i++) {
        assertEquals(e[i], a[i], TOLERANCE * Math.max(1f, Math.abs(e[i])), name + "[" + i + "]");
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
}
