package dev.heed.spark;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.config.HeedConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one partition in one round, run on an executor: finds (or builds) the partition's
 * {@link PartitionWorker} in this executor's JVM and runs the broadcast round on it. Workers are
 * kept per run and partition, so the model and the open batch stream survive between rounds; a
 * retried task on another executor builds a fresh one, which gives the same result.
 */
final class RoundTask implements Function<Integer, Round.Result> {
  private static final long serialVersionUID = 1L;

  /** Workers of this JVM by run id and partition. */
  private static final Map<String, PartitionWorker> WORKERS = new ConcurrentHashMap<>();

  private final String runId;
  private final String configYaml;
  private final String backendOverride;
  private final int partitions;
  private final Broadcast<Round> round;
  private final FailOnce failOnce;
  private final String shippedData;

  /**
   * A fault to inject for tests and drills: the first attempt of {@code partition}'s task in round
   * {@code round} fails.
   *
   * @param round the round (1-based)
   * @param partition the partition
   */
  record FailOnce(int round, int partition) implements java.io.Serializable {}

  RoundTask(
      String runId,
      String configYaml,
      String backendOverride,
      int partitions,
      Broadcast<Round> round,
      FailOnce failOnce,
      String shippedData) {
    this.runId = runId;
    this.configYaml = configYaml;
    this.backendOverride = backendOverride;
    this.partitions = partitions;
    this.round = round;
    this.failOnce = failOnce;
    this.shippedData = shippedData;
  }

  @Override
  public Round.Result call(Integer partition) throws IOException {
    Round r = round.value();
    TaskContext task = TaskContext.get();
    if (failOnce != null
        && failOnce.round() == r.round()
        && failOnce.partition() == partition
        && task != null
        && task.attemptNumber() == 0) {
      // the worker's state is lost with the task, as when its executor dies
      forget(runId, partition);
      throw new IllegalStateException(
          "injected fault: round " + r.round() + ", partition " + partition + ", first attempt");
    }
    PartitionWorker w =
        WORKERS.computeIfAbsent(
            runId + "/" + partition,
            k -> new PartitionWorker(config(), backendOverride, partition, partitions));
    return w.run(r);
  }

  private HeedConfig config() {
    try {
      Path dir = Files.createTempDirectory("heed-spark-config");
      Path file = dir.resolve("config.yaml");
      Files.writeString(file, configYaml, StandardCharsets.UTF_8);
      try {
        // a data file shipped with SparkContext.addFile is opened from this executor's copy
        List<String> overrides =
            shippedData == null ? List.of() : List.of("data.path=" + SparkFiles.get(shippedData));
        return Heed.loadConfig(file, overrides, PluginSet.shared());
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops the worker of {@code partition} of run {@code runId} from this JVM. */
  static void forget(String runId, int partition) {
    PartitionWorker w = WORKERS.remove(runId + "/" + partition);
    if (w != null) {
      try {
        w.close();
      } catch (IOException e) {
        // the worker is gone either way; its stream's file handle is all that could be left
      }
    }
  }

  /** Drops every worker of run {@code runId} from this JVM (at the end of a run). */
  static void forgetRun(String runId) {
    for (String key : List.copyOf(WORKERS.keySet())) {
      if (key.startsWith(runId + "/")) {
        forget(runId, Integer.parseInt(key.substring(runId.length() + 1)));
      }
    }
  }
}
