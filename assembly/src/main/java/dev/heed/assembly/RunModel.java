package dev.heed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.config.DataConfig;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.data.Batch;
import dev.heed.assembly.data.Batches;
import dev.heed.assembly.data.CsvDataset;
import dev.heed.assembly.data.Normalization;
import dev.heed.assembly.data.TextDataset;
import dev.heed.assembly.train.AttentionWeights;
import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.Feed;
import dev.heed.assembly.train.Trainer;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.backend.replay.StepReplay;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/** A trained model read back from a run directory. Not thread-safe. */
final class RunModel implements TrainedModel {
  private static final int BATCH = 256;

  private final HeedConfig config;
  private final Backend backend;
  private final Sequential model;
  private final Loss loss;
  private final Normalization normalization;
  private final List<String> inputs;
  private final List<String> outputs;
  private final List<String> labelColumns;
  private final SequenceLayout layout;
  // captured plans of predict's forward pass, per batch size; null when replay is off
  private final StepReplay<Integer> replay;

  private RunModel(
      HeedConfig config,
      Backend backend,
      Sequential model,
      Loss loss,
      Normalization normalization,
      List<String> inputs,
      List<String> outputs,
      List<String> labelColumns,
      SequenceLayout layout) {
    this.config = config;
    // one eager call per batch size first: layers make what they keep (a position table) there
    this.replay = backend instanceof ReplayBackend r ? new StepReplay<>(r, 1) : null;
    this.backend = backend;
    this.model = model;
    this.loss = loss;
    this.normalization = normalization;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.labelColumns = List.copyOf(labelColumns);
    this.layout = layout;
  }

  static RunModel open(Path runDir, HeedConfig config, String backendOverride, PluginSet plugins)
      throws IOException {
    return open(runDir, config, backendOverride, plugins, false);
  }

  /**
   * Opens the run's model; with {@code replay} the backend is wrapped in a {@link ReplayBackend}
   * and {@link #predict} replays its captured forward pass per thread and batch size.
   */
  static RunModel open(
      Path runDir, HeedConfig config, String backendOverride, PluginSet plugins, boolean replay)
      throws IOException {
    Normalization n = Normalization.load(runDir);
    Injector injector =
        Heed.unwrap(() ->
            Guice.createInjector(
                Modules.override(new HeedModule(config, backendOverride, plugins))
                    .with(
                        new AbstractModule() {
                          @Provides
                          @Singleton
                          Optional<Normalization> normalization() {
                            return Optional.ofNullable(n);
                          }

                          @Provides
                          @Singleton
                          Backend backend(BackendChoice choice) {
                            Backend b =
                                Scope.outside(() -> choice.provider().create(choice.options()));
                            return replay ? ReplayBackend.over(b) : b;
                          }
                        })));
    Backend backend = Heed.unwrap(() -> injector.getInstance(Backend.class));
    Sequential model = Heed.unwrap(() -> injector.getInstance(Sequential.class));
    // a reader: the committed checkpoint, read without repairing anything (the run may be training)
    try {
      Checkpoints.loadCommitted(runDir, model, backend);
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e;
    }
    // the names and layout come from the data set as the run's config records it: a reader does
    // not need the source (a CSV file, a text file) to predict
    DataConfig d = config.data();
    List<String> in = d.inputNames();
    List<String> out = d.outputNames();
    SequenceLayout layout = d.layout();
    @SuppressWarnings("unchecked")
    List<String> labels =
        d.recorded().get("label_columns") instanceof List<?> l ? (List<String>) l : out;
    return new RunModel(
        config,
        backend,
        model,
        Heed.unwrap(() -> injector.getInstance(Loss.class)),
        n,
        in,
        out,
        labels,
        layout);
  }

  @Override
  public List<String> inputNames() {
    return inputs;
  }

  @Override
  public List<String> outputNames() {
    return outputs;
  }

  @Override
  public Map<String, Double> evaluate(Path csv) throws IOException {
    DataConfig d = config.data();
    if (layout != null) {
      throw new ConfigException(
          "evaluating a '"
              + d.type()
              + "' run on "
              + csv
              + ": CSV evaluation is for feature-row runs; a generated sequence task is evaluated"
              + " on its validation split during training (val_accuracy in metrics.csv), and"
              + " predict takes rows of token ids");
    }
    Object delimiter = d.recorded().get("delimiter");
    Dataset data =
        new CsvDataset(
            csv,
            delimiter instanceof String s && !s.isEmpty() ? s.charAt(0) : ',',
            inputs,
            labelColumns,
            d.classification() ? outputs : List.of());
    if (normalization != null) {
      data = normalization.applyTo(data);
    }
    Batches b = new Batches(data, config.seed(), 0, 1);
    Trainer.Evaluation e =
        Trainer.evaluate(
            model,
            loss,
            backend,
            b.training(0, BATCH, false),
            inputs.size(),
            outputs.size(),
            d.classification());
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", e.loss());
    m.put(d.classification() ? "accuracy" : "mae", e.metric());
    m.put("examples", (double) e.examples());
    return m;
  }

  @Override
  @SuppressWarnings("try")
  public List<double[]> predict(List<double[]> rows) {
    checkWidths(rows);
    if (layout != null) {
      return predictSequences(rows);
    }
    List<double[]> result = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += BATCH) {
      int n = Math.min(BATCH, rows.size() - from);
      float[] x = features(rows, from, n);
      float[] flat =
          replay == null
              ? forward(x, n)
              : (float[])
                  replay
                      .run(n, new Object[] {x}, a -> new Object[] {forward((float[]) a[0], n)})[0];
      int w = outputs.size();
      for (int r = 0; r < n; r++) {
        double[] o = new double[w];
        for (int k = 0; k < w; k++) {
          o[k] = flat[r * w + k];
        }
        result.add(o);
      }
    }
    return result;
  }

  /** Rows {@code from … from + n - 1} as one row-major block, normalised as in training. */
  private float[] features(List<double[]> rows, int from, int n) {
    int in = inputs.size();
    float[] x = new float[n * in];
    float[] row = new float[in];
    for (int r = 0; r < n; r++) {
      double[] src = rows.get(from + r);
      for (int k = 0; k < in; k++) {
        row[k] = (float) src[k];
      }
      if (normalization != null) {
        normalization.apply(row);
      }
      System.arraycopy(row, 0, x, r * in, in);
    }
    return x;
  }

  @Override
  @SuppressWarnings("try")
  public Optional<AttentionSample> attention(List<double[]> rows) {
    return attention(rows, -1);
  }

  @Override
  @SuppressWarnings("try")
  public Optional<AttentionSample> attention(List<double[]> rows, int query) {
    checkWidths(rows);
    int index = AttentionWeights.lastSource(model);
    if (index < 0 || rows.isEmpty()) {
      return Optional.empty();
    }
    int in = inputs.size();
    int n = rows.size();
    double[][] weights;
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      if (layout == null) {
        model.forward(
            Tensors.of(backend, DType.FLOAT32, features(rows, 0, n), n, in),
            ForwardContext.inference());
      } else {
        checkTokens(rows);
        float[] x = new float[n * in];
        for (int r = 0; r < n; r++) {
          for (int k = 0; k < in; k++) {
            x[r * in + k] = (float) rows.get(r)[k];
          }
        }
        int targets =
            layout.perPosition() ? n * layout.length() * layout.vocabulary() : n * outputs.size();
        Batch b = new Batch(x, new float[targets], n);
        Feed.forward(
            model,
            Feed.of(backend, b, in, outputs.size(), layout),
            layout,
            ForwardContext.inference());
      }
      weights = AttentionWeights.of(model, index, query);
    }
    if (weights == null) {
      return Optional.empty();
    }
    int cols = weights[0].length;
    List<String> positions = new ArrayList<>();
    for (int c = 0; c < cols; c++) {
      positions.add(cols == in && layout == null ? inputs.get(c) : "position " + c);
    }
    List<String> examples = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      examples.add("row " + (r + 1));
    }
    return Optional.of(
        new AttentionSample(
            weights,
            positions,
            examples,
            "attention weights of layer " + index + " on " + n + (n == 1 ? " row" : " rows")));
  }

  /** The model and its backend, for {@link ModelSummary}. */
  Sequential model() {
    return model;
  }

  Backend backend() {
    return backend;
  }

  SequenceLayout layout() {
    return layout;
  }

  private void checkWidths(List<double[]> rows) {
    int in = inputs.size();
    for (int r = 0; r < rows.size(); r++) {
      if (rows.get(r).length != in) {
        throw new ConfigException(
            "input row "
                + (r + 1)
                + ": found "
                + rows.get(r).length
                + " values, expected "
                + in
                + " ("
                + String.join(", ", inputs)
                + ")");
      }
    }
  }

  /** How many captured forward passes {@link #predict} holds (0 without replay). */
  int replayPlans() {
    return replay == null ? 0 : replay.planCount();
  }

  /** The model's predictions for {@code n} normalised rows {@code x}, as one forward pass. */
  @SuppressWarnings("try")
  private float[] forward(float[] x, int n) {
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      Tensor pred =
          model.forward(
              Tensors.of(backend, DType.FLOAT32, x, n, inputs.size()), ForwardContext.inference());
      if (config.data().classification()) {
        pred = pred.softmax(1);
      }
      return pred.toFloatArray();
    }
  }

  @Override
  @SuppressWarnings("try")
  public String sample(String prompt, int count, double temperature, long seed) {
    DataConfig d = config.data();
    if (!d.characterLanguageModel()) {
      throw new ConfigException(
          "sampling needs a character language model (data type 'text', or 'corpus' with"
              + " tokenizer 'characters'); this run's data is '"
              + d.type()
              + "'");
    }
    if (prompt.isEmpty()) {
      throw new ConfigException("the prompt is empty; expected at least one character to start");
    }
    if (count < 0) {
      throw new ConfigException("found " + count + " characters to sample, expected >= 0");
    }
    if (!(temperature > 0)) {
      throw new ConfigException("found temperature " + temperature + ", expected a number > 0");
    }
    List<Integer> ids = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<String> characters = (List<String>) d.recorded().get("classes");
    for (int id : TextDataset.encode(prompt, characters, "the prompt")) {
      ids.add(id);
    }
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder(prompt);
    int window = layout.length();
    int v = layout.vocabulary();
    for (int i = 0; i < count; i++) {
      int from = Math.max(0, ids.size() - window);
      int[] x = new int[ids.size() - from];
      for (int k = 0; k < x.length; k++) {
        x[k] = ids.get(from + k);
      }
      float[] logits;
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor pred =
            Feed.forward(
                model,
                new Feed.Inputs(Tensors.indices(backend, x, 1, x.length), null, null),
                layout,
                ForwardContext.inference());
        logits = pred.toFloatArray();
      }
      int last = (x.length - 1) * v;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 1; k < v; k++) {
        max = Math.max(max, logits[last + k] / temperature);
      }
      double[] p = new double[v];
      double sum = 0;
      for (int k = 1; k < v; k++) {
        p[k] = Math.exp(logits[last + k] / temperature - max);
        sum += p[k];
      }
      double u = random.nextDouble() * sum;
      int next = v - 1;
      for (int k = 1; k < v; k++) {
        u -= p[k];
        if (u < 0) {
          next = k;
          break;
        }
      }
      ids.add(next);
      text.append(characters.get(next - 1));
    }
    return text.toString();
  }

  /**
   * Rows of token ids → class probabilities (per position when the targets are). The ids and the
   * padding flags are the step's declared inputs (the ids uploaded as indices from their own
   * array), so a plan replays the forward pass with the ids checked against the embedding's range;
   * batches with and without padding are keys of their own, since only the first has a mask.
   */
  private List<double[]> predictSequences(List<double[]> rows) {
    checkTokens(rows);
    int in = inputs.size();
    List<double[]> result = new ArrayList<>();
    int w = outputs.size();
    for (int from = 0; from < rows.size(); from += BATCH) {
      int n = Math.min(BATCH, rows.size() - from);
      int[] ids = new int[n * in];
      float[] padded = new float[n * in];
      boolean masked = false;
      for (int r = 0; r < n; r++) {
        double[] src = rows.get(from + r);
        for (int k = 0; k < in; k++) {
          ids[r * in + k] = (int) src[k];
          if (ids[r * in + k] == 0) {
            padded[r * in + k] = 1;
            masked = true;
          }
        }
      }
      boolean mask = masked;
      Function<Object[], Object[]> step =
          a -> new Object[] {sequenceForward((int[]) a[0], (float[]) a[1], n, mask)};
      Object[] batch = {ids, padded};
      float[] flat =
          (float[])
              (replay == null ? step.apply(batch) : replay.run(mask ? -n : n, batch, step))[0];
      for (int r = 0; r < n; r++) {
        double[] o = new double[w];
        for (int k = 0; k < w; k++) {
          o[k] = flat[r * w + k];
        }
        result.add(o);
      }
    }
    return result;
  }

  /** The class probabilities of {@code n} rows of ids; {@code padded} marks padding (token 0). */
  @SuppressWarnings("try")
  private float[] sequenceForward(int[] ids, float[] padded, int n, boolean masked) {
    int in = inputs.size();
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      Tensor x = Tensors.indices(backend, ids, n, in);
      Tensor mask =
          masked
              ? AttentionMasks.keyPadding(
                  Tensors.of(backend, DType.FLOAT32, padded, n, in), DType.FLOAT32)
              : null;
      return Feed.forward(model, new Feed.Inputs(x, mask, null), layout, ForwardContext.inference())
          .softmax(1)
          .toFloatArray();
    }
  }

  /** Refuses a value that is not a token id, naming the row and input. */
  private void checkTokens(List<double[]> rows) {
    int in = inputs.size();
    int v = layout.vocabulary();
    for (int r = 0; r < rows.size(); r++) {
      double[] row = rows.get(r);
      for (int k = 0; k < in; k++) {
        if (row[k] != Math.rint(row[k]) || row[k] < 0 || row[k] >= v) {
          throw new ConfigException(
              "input row "
                  + (r + 1)
                  + ", "
                  + inputs.get(k)
                  + ": found "
                  + row[k]
                  + ", expected a token id 0 … "
                  + (v - 1)
                  + " (0 is padding)");
        }
      }
    }
  }

  @Override
  public void close() {
    if (replay != null) {
      replay.close();
    }
    backend.close();
  }
}
