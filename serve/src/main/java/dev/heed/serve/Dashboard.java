package dev.heed.serve;

import dev.heed.assembly.Heed;
import dev.heed.assembly.ModelSummary;
import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.train.CommittedCheckpoint;
import dev.heed.assembly.train.MetricsCsv;
import dev.heed.assembly.train.MetricsJsonl;
import dev.heed.assembly.train.RunLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The data behind the web dashboard: the runs of a directory (each subdirectory with a {@code
 * config.yaml}, and the directory itself when it is one), their configs, their {@code
 * metrics.jsonl} records from an offset (so a page follows a run while it trains), model summaries,
 * predictions and attention weights of rows a user chose. A run is only read, never changed. Each
 * run's model is opened when first asked for and opened again when a newer checkpoint was
 * committed. Thread-safe; the calls on one run's model take turns (the dashboard is for people, not
 * for load: predictions under load go through {@code /v1/models}).
 */
final class Dashboard {
  /** The most rows one dashboard predict or attention request may hold. */
  static final int MAX_ROWS = 64;

  private final Path runsDir;
  private final String backend;
  private final Map<Path, RunModel> models = new ConcurrentHashMap<>();

  /**
   * @param runsDir the directory whose runs are shown
   * @param backend the backend to open models on, or null for each run's own
   */
  Dashboard(Path runsDir, String backend) {
    this.runsDir = runsDir;
    this.backend = backend;
  }

  /** Refuses a runs directory that does not exist, naming it. */
  static void check(Path runsDir) {
    if (!Files.isDirectory(runsDir)) {
      throw new ConfigException(
          runsDir + ": no such directory; expected a directory of run directories (heed train -o)");
    }
  }

  /** The runs by name, in name order: the directory itself is named by its own name. */
  Map<String, Path> runs() {
    Map<String, Path> runs = new TreeMap<>();
    if (Files.isRegularFile(runsDir.resolve("config.yaml"))) {
      Path n = runsDir.toAbsolutePath().normalize().getFileName();
      runs.put(n == null ? "run" : n.toString(), runsDir);
    }
    try (Stream<Path> s = Files.list(runsDir)) {
      s.filter(d -> Files.isRegularFile(d.resolve("config.yaml")))
          .forEach(d -> runs.putIfAbsent(d.getFileName().toString(), d));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return runs;
  }

  /** The run named {@code name}, else 404 listing the runs. */
  Path run(String name) {
    Map<String, Path> runs = runs();
    Path p = runs.get(name);
    if (p == null) {
      String expected =
          runs.isEmpty()
              ? "a run directory under " + runsDir + " (there is none yet)"
              : "one of " + String.join(", ", runs.keySet());
      throw new ApiError(404, "no run named '" + name + "'; expected " + expected, "run", expected);
    }
    return p;
  }

  /** What the run list shows of a run: its config, checkpoint and whether it is training. */
  Map<String, Object> describe(String name, Path dir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("run", dir.toString());
    try {
      m.put("config", Yaml.toJson(Files.readString(dir.resolve("config.yaml"))));
      Optional<CommittedCheckpoint> c = CommittedCheckpoint.read(dir);
      m.put(
          "checkpoint",
          c.<Object>map(x -> Map.of("epoch", x.epoch(), "step", x.step())).orElse(null));
      m.put("training", RunLock.owner(dir).isPresent());
      m.put("metrics", Files.isRegularFile(dir.resolve(MetricsJsonl.FILE)));
    } catch (IOException | RuntimeException e) {
      m.put("problem", String.valueOf(e.getMessage()));
    }
    return m;
  }

  /** {@code records} of the run's metrics.jsonl from byte {@code from}, with the next offset. */
  Map<String, Object> metrics(Path dir, long from) {
    try {
      if (!Files.exists(dir.resolve(MetricsJsonl.FILE))
          && Files.isRegularFile(dir.resolve(MetricsCsv.FILE))) {
        return fromCsv(dir, from);
      }
      MetricsJsonl.Chunk c = MetricsJsonl.read(dir, from);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("records", c.records());
      m.put("next", c.next());
      m.put("file", c.file());
      return m;
    } catch (IOException e) {
      throw new ApiError(500, e.getMessage(), null, null);
    }
  }

  /**
   * The epoch records of a run trained before {@code metrics.jsonl} existed, from its {@code
   * metrics.csv}, from record {@code from} on (an offset past the end, after the file was rewritten
   * shorter, gives another file identity so that the reader starts over): each epoch's step is its
   * number times the steps per epoch of the committed checkpoint.
   */
  private static Map<String, Object> fromCsv(Path dir, long from) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve(MetricsCsv.FILE));
    Optional<CommittedCheckpoint> c = CommittedCheckpoint.read(dir);
    double perEpoch =
        c.isPresent() && c.get().epoch() > 0 ? (double) c.get().step() / c.get().epoch() : 1;
    List<Map<String, Object>> records = new ArrayList<>();
    String[] header = lines.isEmpty() ? new String[0] : lines.getFirst().split(",", -1);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] v = line.split(",", -1);
      if (v.length != header.length || header.length < 4) {
        continue; // not a line of the format MetricsCsv writes
      }
      try {
        int epoch = Integer.parseInt(v[0]);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "epoch");
        r.put("step", Math.round(epoch * perEpoch));
        r.put("epoch", epoch);
        r.put("train_loss", number(v[1]));
        r.put("val_loss", number(v[2]));
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 3; k < header.length - 1; k++) {
          m.put(header[k], number(v[k]));
        }
        r.put("metrics", m);
        r.put("elapsed_ms", Long.parseLong(v[header.length - 1]));
        records.add(r);
      } catch (NumberFormatException e) {
        // a line of another format: left out
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    boolean past = from > records.size();
    m.put("records", past ? records : records.subList((int) from, records.size()));
    m.put("next", records.size());
    m.put("file", past ? MetricsCsv.FILE + " (rewritten)" : MetricsCsv.FILE);
    return m;
  }

  private static Double number(String s) {
    return s.isEmpty() ? null : Double.valueOf(s);
  }

  /** The model summary (layers, output shapes, parameters). */
  Map<String, Object> summary(Path dir) {
    try {
      ModelSummary s = ModelSummary.of(dir, backend);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("input", s.input());
      m.put("sequences", s.sequences());
      List<Object> layers = new ArrayList<>();
      for (ModelSummary.Row r : s.layers()) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("name", r.name());
        l.put("type", r.type());
        l.put("output", r.output());
        l.put("parameters", r.parameters());
        l.put("parameter_shapes", r.parameterShapes());
        layers.add(l);
      }
      m.put("layers", layers);
      m.put("parameters", s.parameters());
      return m;
    } catch (ConfigException e) {
      throw new ApiError(409, e.getMessage(), null, "a run whose config builds");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model's inputs, outputs and served checkpoint. */
  Map<String, Object> model(Path dir) {
    return model(dir, m -> m.info());
  }

  /** Predictions for raw rows, as {@code /v1/models/NAME/predict} answers them. */
  Map<String, Object> predict(Path dir, byte[] body) {
    return model(
        dir,
        m -> {
          List<double[]> rows = Requests.rows(body, m.model.inputNames(), MAX_ROWS);
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("epoch", m.checkpoint.epoch());
          r.put("outputs", m.model.outputNames());
          r.put("predictions", m.model.predict(rows));
          return r;
        });
  }

  /** The attention weights of raw rows: examples × positions. */
  Map<String, Object> attention(Path dir, byte[] body) {
    return model(
        dir,
        m -> {
          List<double[]> rows = Requests.rows(body, m.model.inputNames(), MAX_ROWS);
          AttentionSample a =
              m.model
                  .attention(rows)
                  .orElseThrow(() ->
                      new ApiError(
                          409,
                          "this model has no attention layer whose weights can be shown",
                          null,
                          "a model with an attention layer"));
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("epoch", m.checkpoint.epoch());
          r.put("title", a.title());
          r.put("positions", a.positionLabels());
          r.put("examples", a.exampleLabels());
          r.put("weights", a.weights());
          return r;
        });
  }

  private interface Use {
    Map<String, Object> apply(RunModel m);
  }

  private Map<String, Object> model(Path dir, Use use) {
    RunModel m = models.computeIfAbsent(dir, RunModel::new);
    synchronized (m) {
      try {
        m.refresh(backend);
      } catch (ConfigException e) {
        throw new ApiError(409, e.getMessage(), null, "a run with a committed checkpoint");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        return use.apply(m);
      } catch (ConfigException e) {
        throw new ApiError(400, e.getMessage(), "rows", "rows the model takes");
      }
    }
  }

  /** Closes the models opened. */
  void close() {
    for (RunModel m : models.values()) {
      synchronized (m) {
        m.close();
      }
    }
    models.clear();
  }

  /** One run's model at its latest committed checkpoint. Guarded by its own monitor. */
  private static final class RunModel {
    private final Path dir;
    private TrainedModel model;
    private CommittedCheckpoint checkpoint;

    RunModel(Path dir) {
      this.dir = dir;
    }

    /** Opens the committed checkpoint when it is not the one held. */
    void refresh(String backend) throws IOException {
      Optional<CommittedCheckpoint> now = CommittedCheckpoint.read(dir);
      if (now.isEmpty()) {
        throw new ConfigException(
            dir + ": no committed checkpoint yet (the first one comes after the first epoch)");
      }
      if (model != null && now.get().equals(checkpoint)) {
        return;
      }
      for (int attempt = 1; ; attempt++) {
        CommittedCheckpoint before = CommittedCheckpoint.read(dir).orElse(null);
        TrainedModel opened = Heed.open(dir, backend);
        CommittedCheckpoint after = CommittedCheckpoint.read(dir).orElse(null);
        if (after != null && after.equals(before)) {
          close();
          model = opened;
          checkpoint = after;
          return;
        }
        opened.close();
        if (attempt >= 20) {
          throw new ConfigException(dir + ": a new checkpoint was committed at every read");
        }
      }
    }

    Map<String, Object> info() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("inputs", model.inputNames());
      m.put("outputs", model.outputNames());
      m.put("checkpoint", Map.of("epoch", checkpoint.epoch(), "step", checkpoint.step()));
      return m;
    }

    void close() {
      if (model != null) {
        model.close();
        model = null;
      }
    }
  }

  /** The runs listing. */
  Map<String, Object> list() {
    List<Object> all = new ArrayList<>();
    runs().forEach((n, d) -> all.add(describe(n, d)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runs_dir", runsDir.toString());
    m.put("runs", all);
    return m;
  }
}
