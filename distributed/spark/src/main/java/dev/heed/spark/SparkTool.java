package dev.heed.spark;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import dev.heed.assembly.config.HeedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.spi.ToolProvider;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The {@code heed-spark} tool: {@code heed train CONFIG --engine spark} hands it its arguments, and
 * {@link SparkTrain} (the {@code spark-submit} main class) runs it. Arguments:
 *
 * <pre>
 * CONFIG --out DIR [--set KEY=VALUE]… [--master URL] [--backend NAME]
 * --resume DIR [--master URL] [--backend NAME]
 * </pre>
 *
 * Without {@code --master} the master is the one {@code spark-submit} set ({@code spark.master}).
 * Prints one line per epoch; a bad config, bad data or a failed job is one error line and exit
 * status 1 (2 for bad arguments), never a stack trace.
 */
public final class SparkTool implements ToolProvider {
  /** The tool's name for {@link ToolProvider#findFirst}. */
  public static final String NAME = "heed-spark";

  /** For {@link java.util.ServiceLoader}. */
  public SparkTool() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int run(PrintWriter out, PrintWriter err, String... args) {
    return run(null, out, err, args);
  }

  /**
   * {@link #run(PrintWriter, PrintWriter, String...)} on the Spark context {@code spark}, which is
   * left open; with null, on a context of its own made from the arguments and closed at the end.
   */
  int run(JavaSparkContext spark, PrintWriter out, PrintWriter err, String... args) {
    try {
      Arguments a = Arguments.parse(args);
      return train(spark, a, out);
    } catch (IllegalArgumentException e) {
      err.println("heed: error: " + e.getMessage());
      err.println("usage: heed train CONFIG --engine spark --out DIR [--master URL] [--set K=V]…");
      return 2;
    } catch (ConfigException e) {
      err.println("heed: error: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      // IOException, RuntimeException, and Spark's checked SparkException, which Scala code
      // throws undeclared
      err.println("heed: error: " + Failures.message(e));
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static int train(JavaSparkContext given, Arguments a, PrintWriter out)
      throws IOException {
    Path config = a.resume != null ? a.resume.resolve("config.yaml") : a.config;
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException(
          a.resume != null
              ? a.resume + " holds no run (no config.yaml); expected a run directory"
              : config + " is not a config file; expected a YAML or JSON config");
    }
    // data on a Hadoop filesystem is fetched once Spark (and its Hadoop configuration) is up
    Optional<URI> remote =
        a.resume == null ? DataStaging.remotePath(config, a.overrides) : Optional.empty();
    HeedConfig c =
        remote.isEmpty() ? Heed.loadConfig(config, a.overrides, PluginSet.shared()) : null;
    Path runDir = a.resume != null ? a.resume : a.out;
    if (a.resume == null && Files.isDirectory(runDir)) {
      try (var s = Files.list(runDir)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "run directory " + runDir + " is not empty; choose another --out or use --resume");
        }
      }
    }
    JavaSparkContext spark = given;
    if (spark == null) {
      SparkConf conf = new SparkConf().setAppName("heed train " + config.getFileName());
      if (a.master != null) {
        conf.setMaster(a.master);
      } else if (!conf.contains("spark.master")) {
        throw new IllegalArgumentException(
            "no Spark master: give --master (local[2], spark://host:7077 …) or run through"
                + " spark-submit");
      }
      conf.setIfMissing("spark.ui.enabled", "false");
      spark = new JavaSparkContext(conf);
      spark.setLogLevel("ERROR");
    }
    try {
      SparkTraining training;
      if (remote.isPresent()) {
        Path local = DataStaging.fetch(spark, remote.get());
        List<String> overrides = new ArrayList<>(a.overrides);
        overrides.add("data.path=" + local);
        c = Heed.loadConfig(config, overrides, PluginSet.shared());
        spark.addFile(remote.get().toString());
        training =
            new SparkTraining(spark, c, a.backend).shippedData(local.getFileName().toString());
      } else {
        training = new SparkTraining(spark, c, a.backend);
      }
      TrainResult r = training.train(runDir, new EpochLines(out));
      out.println("stopped: " + r.stopReason() + " after epoch " + r.epochs());
      out.println("run directory: " + runDir);
    } finally {
      if (given == null) {
        spark.close();
      }
    }
    return 0;
  }

  /** One line per epoch, as the local trainer's log prints them. */
  private record EpochLines(PrintWriter out) implements TrainingListener {
    @Override
    public void onStart(TrainingPlan plan) {
      out.println(
          "training on "
              + plan.backend()
              + ": "
              + plan.trainExamples()
              + " training and "
              + plan.validationExamples()
              + " validation examples, "
              + plan.stepsPerEpoch()
              + " steps per epoch");
      out.flush();
    }

    @Override
    public void onEpoch(EpochEvent e) {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "epoch %d  loss %.6f  val_loss %.6f",
                  e.epoch(),
                  e.trainLoss(),
                  e.validationLoss()));
      for (Map.Entry<String, Double> m : e.metrics().entrySet()) {
        line.append(String.format(Locale.ROOT, "  %s %.6f", m.getKey(), m.getValue()));
      }
      out.println(line);
      out.flush();
    }
  }

  /** The parsed arguments. */
  private static final class Arguments {
    Path config;
    Path out;
    Path resume;
    String master;
    String backend;
    final List<String> overrides = new ArrayList<>();

    static Arguments parse(String[] args) {
      Arguments a = new Arguments();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--out", "-o" -> a.out = Path.of(value(args, ++i, arg));
          case "--resume" -> a.resume = Path.of(value(args, ++i, arg));
          case "--master" -> a.master = value(args, ++i, arg);
          case "--backend", "-b" -> a.backend = value(args, ++i, arg);
          case "--set", "-s" -> a.overrides.add(value(args, ++i, arg));
          default -> {
            if (arg.startsWith("-") || a.config != null) {
              throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            a.config = Path.of(arg);
          }
        }
      }
      if (a.resume != null) {
        if (a.config != null || a.out != null || !a.overrides.isEmpty()) {
          throw new IllegalArgumentException(
              "--resume DIR continues a run with the config saved in DIR; do not give CONFIG,"
                  + " --set or --out with it");
        }
      } else if (a.config == null) {
        throw new IllegalArgumentException("missing CONFIG (or --resume DIR)");
      } else if (a.out == null) {
        throw new IllegalArgumentException("missing --out DIR: the run directory to create");
      }
      return a;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }
  }
}
