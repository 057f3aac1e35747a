package dev.heed.assembly.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import dev.heed.core.io.AtomicFile;
import dev.heed.core.optim.Optimizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes and reads {@code metrics.jsonl}: one JSON object per line, per optimizer step and per
 * epoch, so that a dashboard or any other tool can follow a run while it trains.
 *
 * <pre>
 * {"kind":"step","step":12,"epoch":1,"loss":0.4012,"lr":0.01,"examples_per_second":5210.4,"time_ms":1796515200000,"elapsed_ms":91}
 * {"kind":"epoch","step":30,"epoch":1,"train_loss":0.41,"val_loss":0.39,"metrics":{"val_mae":0.52},"lr":0.01,"time_ms":1796515200120,"elapsed_ms":211}
 * </pre>
 *
 * <p>{@code step} counts optimizer steps over the whole run, {@code lr} is the learning rate of the
 * first parameter group that the step used ({@code lrs} lists every group's when there are more),
 * {@code time_ms} is the wall clock (milliseconds since 1970) when the record was written and
 * {@code elapsed_ms} the training time of the run, summed over its sessions when it was resumed. A
 * number that is not finite (a validation loss without validation data) is {@code null}.
 *
 * <p>Each line is written with one write to a file opened for appending, so another process sees it
 * as soon as it is written (no fsync: a line may be lost in a power cut, never half-read). A line
 * is a record only once its newline is there: {@link #read} leaves an unfinished last line for the
 * next read. When a run starts or resumes, the writer first keeps only the records up to the
 * committed checkpoint's step (the steps after it are trained again), rewriting the file
 * atomically; the new file has a new {@link Chunk#file() identity}, which tells a reader that
 * follows the run to start over.
 */
public final class MetricsJsonl implements TrainingListener, AutoCloseable {
  /** The file name inside a run directory. */
  public static final String FILE = "metrics.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileChannel channel;
  private final Optimizer optimizer;
  private final long elapsedBefore;
  private final StringBuilder line = new StringBuilder(256);
  private long step;
  private long startNanos;
  private double[] lr;

  private MetricsJsonl(FileChannel channel, Optimizer optimizer, long step, long elapsedBefore) {
    this.channel = channel;
    this.optimizer = optimizer;
    this.step = step;
    this.elapsedBefore = elapsedBefore;
    this.startNanos = System.nanoTime();
    this.lr = rates(optimizer);
  }

  /**
   * Opens {@code runDir/metrics.jsonl} for a training session that starts after {@code state}'s
   * step: records of later steps (from a session that stopped before its next checkpoint) are
   * dropped first. The trainer adds the writer as a listener; {@link #onEnd} closes it.
   */
  public static MetricsJsonl open(Path runDir, Optimizer optimizer, TrainerState state)
      throws IOException {
    Path file = runDir.resolve(FILE);
    int lastEpoch = keepUpTo(file, state.step());
    FileChannel c =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    MetricsJsonl w = new MetricsJsonl(c, optimizer, state.step(), state.elapsedMillis());
    // an epoch committed by a session that stopped before it wrote the epoch's record (or every
    // epoch of a run trained before this file existed), its step from the steps per epoch
    for (EpochEvent e : state.history()) {
      if (e.epoch() > lastEpoch) {
        w.epochRecord(
            e, Math.round((double) e.epoch() * state.step() / state.epoch()), e.elapsedMillis());
      }
    }
    return w;
  }

  /**
   * Rewrites {@code file} with its complete records of steps up to {@code step}, if it exists.
   *
   * @return the last epoch of a kept epoch record, or 0
   */
  private static int keepUpTo(Path file, long step) throws IOException {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return 0;
    }
    int lastEpoch = 0;
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] != '\n') {
        continue;
      }
      String line = new String(all, start, i - start, StandardCharsets.UTF_8);
      try {
        JsonNode r = JSON.readTree(line);
        if (r.path("step").asLong(Long.MAX_VALUE) <= step) {
          kept.write(all, start, i + 1 - start);
          if (r.path("kind").asText().equals("epoch")) {
            lastEpoch = Math.max(lastEpoch, r.path("epoch").asInt());
          }
        }
      } catch (JsonProcessingException e) {
        // not a record of this format: dropped with the steps after the checkpoint
      }
      start = i + 1;
    }
    AtomicFile.write(file, kept.toByteArray());
    return lastEpoch;
  }

  private static double[] rates(Optimizer optimizer) {
    double[] r = new double[optimizer.groups().size()];
    for (int g = 0; g < r.length; g++) {
      r[g] = optimizer.learningRate(g);
    }
    return r;
  }

  @Override
  public void onStart(TrainingPlan plan) {
    startNanos = System.nanoTime();
    lr = rates(optimizer); // the schedule has started (or been restored) by now
  }

  @Override
  public void onStep(StepEvent e) {
    step++;
    // written by hand rather than through a map and Jackson: this runs after every step
    StringBuilder b = line;
    b.setLength(0);
    b.append("{\"kind\":\"step\",\"step\":").append(step);
    b.append(",\"epoch\":").append(e.epoch());
    b.append(",\"loss\":");
    number(b, e.loss());
    // the rate this step used; a schedule may have changed it after the step
    b.append(",\"lr\":");
    if (lr.length == 0) {
      b.append("null");
    } else {
      number(b, lr[0]);
    }
    if (lr.length > 1) {
      b.append(",\"lrs\":[");
      for (int g = 0; g < lr.length; g++) {
        if (g > 0) {
          b.append(',');
        }
        number(b, lr[g]);
      }
      b.append(']');
    }
    b.append(",\"examples_per_second\":");
    number(b, e.examplesPerSecond());
    b.append(",\"time_ms\":").append(System.currentTimeMillis());
    b.append(",\"elapsed_ms\":").append(elapsed()).append("}\n");
    write(b.toString().getBytes(StandardCharsets.UTF_8));
    lr = rates(optimizer);
  }

  /** A JSON number as Jackson writes a double ({@code Double.toString}), or null. */
  private static void number(StringBuilder b, double v) {
    if (Double.isFinite(v)) {
      b.append(v);
    } else {
      b.append("null");
    }
  }

  private long elapsed() {
    return elapsedBefore + (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Override
  public void onEpoch(EpochEvent e) {
    lr = rates(optimizer); // an epoch schedule has already stepped for the next epoch
    epochRecord(e, step, -1);
  }

  /** Appends the record of {@code e} after step {@code atStep}; {@code elapsed} < 0: now. */
  private void epochRecord(EpochEvent e, long atStep, long elapsed) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", "epoch");
    r.put("step", atStep);
    r.put("epoch", e.epoch());
    r.put("train_loss", finite(e.trainLoss()));
    r.put("val_loss", finite(e.validationLoss()));
    Map<String, Object> m = new LinkedHashMap<>();
    e.metrics().forEach((k, v) -> m.put(k, finite(v)));
    r.put("metrics", m);
    putRates(r, lr);
    times(r);
    if (elapsed >= 0) {
      r.put("elapsed_ms", elapsed);
    }
    append(r);
  }

  @Override
  public void onEnd(TrainResult result) {
    close();
  }

  /** Closes the file (also when training failed before its end). Idempotent. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void putRates(Map<String, Object> r, double[] rates) {
    r.put("lr", rates.length == 0 ? null : finite(rates[0]));
    if (rates.length > 1) {
      List<Object> all = new ArrayList<>();
      for (double v : rates) {
        all.add(finite(v));
      }
      r.put("lrs", all);
    }
  }

  private void times(Map<String, Object> r) {
    r.put("time_ms", System.currentTimeMillis());
    r.put("elapsed_ms", elapsed());
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private void append(Map<String, Object> record) {
    try {
      byte[] json = JSON.writeValueAsBytes(record);
      byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
      withNewline[json.length] = '\n';
      write(withNewline);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends one whole line with one write (more only when the system writes part of it). */
  private void write(byte[] line) {
    try {
      ByteBuffer b = ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + FILE + ": " + e.getMessage(), e);
    }
  }

  /**
   * Complete records read from a byte offset.
   *
   * @param records the records, in file order, as JSON objects
   * @param next the offset to read from next time (after the last complete line)
   * @param file the file's identity; when it differs from the last read's, the file was replaced
   *     (the run was resumed or restarted) and a reader that follows it reads again from 0
   */
  public record Chunk(List<Map<String, Object>> records, long next, String file) {
    /** Copies the record list. */
    public Chunk {
      records = List.copyOf(records);
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * Reads the complete lines of {@code runDir/metrics.jsonl} from byte {@code from}; an unfinished
   * last line (being written) is left for the next read. No file yet reads as no records. Changes
   * nothing.
   *
   * @param from a {@link Chunk#next()} of an earlier read of the same file, or 0; an offset past
   *     the end reads from 0 (the file was replaced by a shorter one)
   * @throws IOException when a complete line is not a JSON object (naming the file and line)
   */
  public static Chunk read(Path runDir, long from) throws IOException {
    Path file = runDir.resolve(FILE);
    if (from < 0) {
      throw new IllegalArgumentException("found offset " + from + ", expected >= 0");
    }
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      String id = key == null ? "-" : key.toString();
      long size = c.size();
      long start = from > size ? 0 : from;
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - start, 64L << 20));
      while (buf.hasRemaining() && c.read(buf, start + buf.position()) >= 0) {
        // reads until the buffer is full or the file ends
      }
      byte[] bytes = buf.array();
      int n = buf.position();
      List<Map<String, Object>> records = new ArrayList<>();
      int lineStart = 0;
      long lineNumber = start == 0 ? 1 : -1;
      for (int i = 0; i < n; i++) {
        if (bytes[i] != '\n') {
          continue;
        }
        String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
        if (!line.isBlank()) {
          try {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = JSON.readValue(line, Map.class);
            records.add(r);
          } catch (JsonProcessingException e) {
            throw new IOException(
                file
                    + (lineNumber > 0 ? ":" + lineNumber : " at byte " + (start + lineStart))
                    + ": not a JSON object ("
                    + e.getOriginalMessage()
                    + "); expected the records heed train writes",
                e);
          }
        }
        lineStart = i + 1;
        if (lineNumber > 0) {
          lineNumber++;
        }
      }
      return new Chunk(records, start + lineStart, id);
    } catch (NoSuchFileException e) {
      return new Chunk(List.of(), 0, "none");
    }
  }
}
