package dev.heed.spark;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.config.HeedConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Measures Spark training of a config: for every {@code average_every} K given, two epochs, of
 * which the second is measured (the first builds the executors' models and warms the JIT). Prints
 * steps/s, examples/s, the time per synchronisation (a round's time on the driver minus the longest
 * partition's compute time: broadcast, task launch, result transfer and averaging) and its share of
 * the measured time. Run it on the cluster to measure ({@code spark-submit --class
 * dev.heed.spark.SparkBench …}) or with {@code --master local[N]}:
 *
 * <pre>
 * SparkBench CONFIG [--master URL] [--every 1,8,64] [--set KEY=VALUE]…
 * </pre>
 */
public final class SparkBench {
  private SparkBench() {}

  /** Runs the measurements and prints one line per K. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    Path config = null;
    String master = null;
    List<Integer> every = List.of(1, 8, 64);
    List<String> overrides = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--master" -> master = args[++i];
        case "--every" -> every = Stream.of(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--set" -> overrides.add(args[++i]);
        default -> config = Path.of(args[i]);
      }
    }
    if (config == null) {
      throw new IllegalArgumentException(
          "usage: SparkBench CONFIG [--master URL] [--every 1,8,64] [--set KEY=VALUE]…");
    }
    SparkConf conf =
        new SparkConf().setAppName("heed spark bench").set("spark.ui.enabled", "false");
    if (master != null) {
      conf.setMaster(master);
    }
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      spark.setLogLevel("ERROR");
      out.printf(
          Locale.ROOT,
          "%s on %s (%d partitions unless the config says otherwise)%n",
          config,
          spark.master(),
          spark.defaultParallelism());
      out.println("K     steps/s   examples/s   rounds   sync ms/round   sync share");
      for (int k : every) {
        List<String> settings = new ArrayList<>(overrides);
        settings.addAll(
            List.of(
                "training.epochs=2",
                "training.stop.target_loss=null",
                "training.stop.target_metric=null",
                "training.stop.target_value=null",
                "training.stop.patience=0",
                "distributed.average_every=" + k));
        HeedConfig c = Heed.loadConfig(config, settings, PluginSet.shared());
        long[] totals = new long[4]; // steps, rows, wall, sync
        int[] rounds = {0};
        Path dir = Files.createTempDirectory("heed-spark-bench");
        try {
          new SparkTraining(spark, c, null)
              .rounds((epoch, steps, rows, wall, compute) -> {
                if (epoch == 2) {
                  totals[0] += steps;
                  totals[1] += rows;
                  totals[2] += wall;
                  totals[3] += Math.max(0, wall - compute);
                  rounds[0]++;
                }
              })
              .train(dir.resolve("run"), null);
        } finally {
          try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(p);
            }
          }
        }
        double seconds = totals[2] / 1e9;
        out.printf(
            Locale.ROOT,
            "%-5d %8.1f %12.0f %8d %15.1f %11.1f%%%n",
            k,
            totals[0] / seconds,
            totals[1] / seconds,
            rounds[0],
            totals[3] / 1e6 / rounds[0],
            100.0 * totals[3] / totals[2]);
      }
    }
  }
}
