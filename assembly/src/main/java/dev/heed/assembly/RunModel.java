package dev.heed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.config.DataConfig;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.data.Batches;
import dev.heed.assembly.data.CsvDataset;
import dev.heed.assembly.data.Dataset;
import dev.heed.assembly.data.Normalization;
import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.Trainer;
import dev.heed.assembly.train.TrainerState;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
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

  private RunModel(
      HeedConfig config,
      Backend backend,
      Sequential model,
      Loss loss,
      Normalization normalization,
      List<String> inputs,
      List<String> outputs,
      List<String> labelColumns) {
    this.config = config;
    this.backend = backend;
    this.model = model;
    this.loss = loss;
    this.normalization = normalization;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.labelColumns = List.copyOf(labelColumns);
  }

  static RunModel open(Path runDir, HeedConfig config, String backendOverride, PluginSet plugins)
      throws IOException {
    TrainerState state = TrainerState.load(runDir);
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
                        })));
    Backend backend = Heed.unwrap(() -> injector.getInstance(Backend.class));
    Sequential model = Heed.unwrap(() -> injector.getInstance(Sequential.class));
    Checkpoints.load(runDir, model, null, state, backend);
    DataConfig d = config.data();
    List<String> in;
    List<String> out;
    List<String> labels;
    if (d.type().equals("csv")) {
      in = d.featureColumns();
      out = d.classification() ? d.classes() : d.labelColumns();
      labels = d.labelColumns();
    } else {
      Dataset ds = Heed.unwrap(() -> injector.getInstance(Dataset.class));
      in = ds.inputNames();
      out = ds.outputNames();
      labels = out;
    }
    return new RunModel(
        config,
        backend,
        model,
        Heed.unwrap(() -> injector.getInstance(Loss.class)),
        n,
        in,
        out,
        labels);
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
    Dataset data =
        new CsvDataset(
            csv,
            d.delimiter().charAt(0),
            inputs,
            labelColumns,
            d.classification() ? d.classes() : List.of());
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
    List<double[]> result = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += BATCH) {
      int n = Math.min(BATCH, rows.size() - from);
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
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor pred =
            model.forward(Tensors.of(backend, DType.FLOAT32, x, n, in), ForwardContext.inference());
        if (config.data().classification()) {
          pred = pred.softmax(1);
        }
        double[] flat = pred.toDoubleArray();
        int w = outputs.size();
        for (int r = 0; r < n; r++) {
          double[] o = new double[w];
          System.arraycopy(flat, r * w, o, 0, w);
          result.add(o);
        }
      }
    }
    return result;
  }

  @Override
  public void close() {
    backend.close();
  }
}
