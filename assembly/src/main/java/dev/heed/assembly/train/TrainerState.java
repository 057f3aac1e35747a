package dev.heed.assembly.train;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.core.io.AtomicFile;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
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
    AtomicFile.write(dir.resolve(FILE), bytes);
  }

  /**
   * Reads {@code dir/trainer.json}. Only the writer reads it this way (after {@link
   * Checkpoints#recover}); readers use {@link Checkpoints#loadCommitted}.
   *
   * @throws ConfigException when it is missing or malformed
   */
  public static TrainerState load(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new ConfigException(
          dir
              + ": not a Heed run directory (no "
              + FILE
              + "); expected a directory `heed train`"
              + " wrote");
    }
    return read(f);
  }

  /**
   * Reads a trainer state file, checking every field.
   *
   * @throws ConfigException naming the file and the field when it is malformed
   */
  public static TrainerState read(Path f) throws IOException {
    byte[] bytes = Files.readAllBytes(f);
    if (bytes.length == 0) {
      throw new ConfigException(
          f + ": empty; expected the JSON trainer state that heed train writes");
    }
    JsonNode root;
    try {
      root =
          JSON.readerFor(JsonNode.class)
              .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ConfigException(
          f
              + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
              + ": malformed JSON: "
              + e.getOriginalMessage(),
          e);
    }
    Fields m = new Fields(f, "", root);
    int format = m.integer("format", 1, Integer.MAX_VALUE, true);
    if (format != 1) {
      throw m.error(
          "format", "found " + format + ", expected 1 (the trainer state format this Heed reads)");
    }
    List<EpochEvent> history = new ArrayList<>();
    JsonNode h = m.node("history");
    if (!h.isArray()) {
      throw m.error("history", "expected a list of epochs");
    }
    for (int i = 0; i < h.size(); i++) {
      Fields x = new Fields(f, "history[" + i + "].", h.get(i));
      history.add(
          new EpochEvent(
              x.integer("epoch", 1, Integer.MAX_VALUE, false),
              x.real("train_loss", false),
              x.real("validation_loss", true),
              x.reals("metrics"),
              x.whole("elapsed_millis", 0, Long.MAX_VALUE)));
    }
    JsonNode reason = m.node("stop_reason");
    if (!reason.isNull() && !reason.isTextual()) {
      throw m.error("stop_reason", "expected a string or null");
    }
    double best = m.real("best_loss", true);
    return new TrainerState(
        m.integer("epoch", 0, Integer.MAX_VALUE, false),
        m.whole("step", 0, Long.MAX_VALUE),
        m.whole("seed", Long.MIN_VALUE, Long.MAX_VALUE),
        m.whole("forward_seed_position", 0, Long.MAX_VALUE),
        m.whole("elapsed_millis", 0, Long.MAX_VALUE),
        Double.isNaN(best) ? Double.POSITIVE_INFINITY : best,
        m.integer("bad_epochs", 0, Integer.MAX_VALUE, false),
        m.reals("schedule_state"),
        reason.isNull() ? null : reason.asText(),
        history);
  }

  /** The fields of one JSON object of a trainer state file, with messages naming them. */
  private record Fields(Path file, String prefix, JsonNode object) {
    Fields {
      if (!object.isObject()) {
        throw new ConfigException(
            file
                + ": "
                + (prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1) + ": ")
                + "expected a JSON object, found "
                + object.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      }
    }

    ConfigException error(String name, String what) {
      return new ConfigException(file + ": field '" + prefix + name + "': " + what);
    }

    JsonNode node(String name) {
      JsonNode n = object.get(name);
      if (n == null) {
        throw new ConfigException(
            file
                + ": missing field '"
                + prefix
                + name
                + "'; the trainer state heed train writes has it (the file was edited or damaged)");
      }
      return n;
    }

    long whole(String name, long min, long max) {
      JsonNode n = node(name);
      if (!n.isNumber()) {
        throw error(name, "found " + n + ", expected an integer");
      }
      if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
        // a literal beyond a double (1e400) parses to an infinity, which has no decimal value
        throw error(
            name,
            "found a number beyond a double ("
                + n
                + "), out of range; expected "
                + min
                + " … "
                + max);
      }
      BigDecimal v = n.decimalValue();
      if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
        throw error(name, "found " + n + ", expected an integer");
      }
      if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
        throw error(name, "found " + n + ", out of range; expected " + min + " … " + max);
      }
      return v.longValueExact();
    }

    /** An int in {@code min … max}; when {@code optional} and absent, {@code min}. */
    int integer(String name, int min, int max, boolean optional) {
      if (optional && !object.has(name)) {
        return min;
      }
      return (int) whole(name, min, max);
    }

    /** A number, or NaN for null (when allowed) and for the strings Jackson writes for NaN/∞. */
    double real(String name, boolean nullable) {
      return value(name, node(name), nullable);
    }

    private double value(String name, JsonNode n, boolean nullable) {
      if (n.isNumber()) {
        return n.doubleValue();
      }
      if (n.isNull() && nullable) {
        return Double.NaN;
      }
      if (n.isTextual()) {
        switch (n.asText()) {
          case "NaN":
            return Double.NaN;
          case "Infinity":
            return Double.POSITIVE_INFINITY;
          case "-Infinity":
            return Double.NEGATIVE_INFINITY;
          default:
            break;
        }
      }
      throw error(name, "found " + n + ", expected a number" + (nullable ? " or null" : ""));
    }

    Map<String, Double> reals(String name) {
      JsonNode n = node(name);
      if (!n.isObject()) {
        throw error(name, "found " + n + ", expected an object of numbers");
      }
      Map<String, Double> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        m.put(e.getKey(), value(name + "." + e.getKey(), e.getValue(), false));
      }
      return m;
    }
  }
}
