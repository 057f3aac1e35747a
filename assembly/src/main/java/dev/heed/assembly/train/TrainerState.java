package dev.heed.assembly.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where training stands, saved as {@code trainer.json} after every epoch: the last finished epoch,
 * the optimizer step count, the position of the forward pass's seed sequence (dropout), the
 * stopping rule's memory, the schedule's state and the history. The data order needs no state: it
 * depends only on the seed and the epoch number. Immutable.
 *
 * @param epoch the last finished epoch (0 before the first)
 * @param step optimizer steps taken
 * @param seed the run's seed
 * @param forwardSeedPosition seeds drawn by forward passes so far
 * @param elapsedMillis training time so far
 * @param bestLoss the best monitored validation loss (patience), or +∞
 * @param badEpochs epochs since it improved
 * @param scheduleState the schedule's state, empty without one
 * @param stopReason why the run stopped, or null while it can go on
 * @param history every finished epoch
 */
public record TrainerState(
    int epoch,
    long step,
    long seed,
    long forwardSeedPosition,
    long elapsedMillis,
    double bestLoss,
    int badEpochs,
    Map<String, Double> scheduleState,
    String stopReason,
    List<EpochEvent> history) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file name inside a run directory. */
  public static final String FILE = "trainer.json";

  /** Copies. */
  public TrainerState {
    scheduleState = Map.copyOf(scheduleState);
    history = List.copyOf(history);
  }

  /** The state before the first epoch. */
  public static TrainerState initial(long seed) {
    return new TrainerState(
        0, 0, seed, 0, 0, Double.POSITIVE_INFINITY, 0, Map.of(), null, List.of());
  }

  /** Writes {@code dir/trainer.json} atomically. */
  public void save(Path dir) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", 1);
    m.put("epoch", epoch);
    m.put("step", step);
    m.put("seed", seed);
    m.put("forward_seed_position", forwardSeedPosition);
    m.put("elapsed_millis", elapsedMillis);
    m.put("best_loss", Double.isInfinite(bestLoss) ? null : bestLoss);
    m.put("bad_epochs", badEpochs);
    m.put("schedule_state", scheduleState);
    m.put("stop_reason", stopReason);
    List<Map<String, Object>> h = new ArrayList<>();
    for (EpochEvent e : history) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("epoch", e.epoch());
      x.put("train_loss", e.trainLoss());
      x.put("validation_loss", Double.isNaN(e.validationLoss()) ? null : e.validationLoss());
      x.put("metrics", e.metrics());
      x.put("elapsed_millis", e.elapsedMillis());
      h.add(x);
    }
    m.put("history", h);
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    writeAtomically(dir.resolve(FILE), bytes);
  }

  /**
   * Reads {@code dir/trainer.json}.
   *
   * @throws ConfigException when it is missing or malformed
   */
  @SuppressWarnings("unchecked")
  public static TrainerState load(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      Checkpoints.recover(dir);
    }
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new ConfigException(
          dir
              + ": not a Heed run directory (no "
              + FILE
              + "); expected a directory `heed train`"
              + " wrote");
    }
    try {
      Map<String, Object> m = JSON.readValue(f.toFile(), Map.class);
      List<EpochEvent> history = new ArrayList<>();
      for (Map<String, Object> x : (List<Map<String, Object>>) m.get("history")) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        ((Map<String, Number>) x.get("metrics")).forEach((k, v) -> metrics.put(k, v.doubleValue()));
        history.add(
            new EpochEvent(
                ((Number) x.get("epoch")).intValue(),
                ((Number) x.get("train_loss")).doubleValue(),
                x.get("validation_loss") == null
                    ? Double.NaN
                    : ((Number) x.get("validation_loss")).doubleValue(),
                metrics,
                ((Number) x.get("elapsed_millis")).longValue()));
      }
      Map<String, Double> schedule = new LinkedHashMap<>();
      ((Map<String, Number>) m.get("schedule_state"))
          .forEach((k, v) -> schedule.put(k, v.doubleValue()));
      return new TrainerState(
          ((Number) m.get("epoch")).intValue(),
          ((Number) m.get("step")).longValue(),
          ((Number) m.get("seed")).longValue(),
          ((Number) m.get("forward_seed_position")).longValue(),
          ((Number) m.get("elapsed_millis")).longValue(),
          m.get("best_loss") == null
              ? Double.POSITIVE_INFINITY
              : ((Number) m.get("best_loss")).doubleValue(),
          ((Number) m.get("bad_epochs")).intValue(),
          schedule,
          (String) m.get("stop_reason"),
          history);
    } catch (RuntimeException e) {
      throw new ConfigException(f + ": malformed trainer state: " + e, e);
    }
  }

  /** Writes {@code bytes} to a temporary file beside {@code file}, then renames it. */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp =
        Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
