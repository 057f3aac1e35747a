package dev.heed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.data.Normalization;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run's model is made of, as torchinfo prints it for PyTorch: each top-level layer (a dense
 * layer with an activation counts as two, as in {@code nn.Sequential}) with its output shape for
 * one example and its number of parameters, and the totals. Built from the run's {@code
 * config.yaml} alone (no weights are read, so a run that has not committed a checkpoint yet has a
 * summary too), by running one example of zeros (token id 1 for sequences) through the layers.
 *
 * @param input the shape of the input: {@code [1, inputs]} for feature rows, {@code [1, length]} of
 *     token ids for sequences
 * @param sequences whether the inputs are token ids
 * @param layers the layers in order
 * @param parameters the number of parameters of the whole model
 */
public record ModelSummary(
    List<Integer> input, boolean sequences, List<ModelSummary.Row> layers, long parameters) {

  /**
   * One layer.
   *
   * @param name its index in the model, the prefix of its parameters' names ({@code 0.weight})
   * @param type the class that implements it
   * @param output its output shape for one example
   * @param parameters how many numbers its parameters hold
   * @param parameterShapes each parameter's name and shape, in order
   */
  public record Row(
      String name,
      String type,
      List<Integer> output,
      long parameters,
      Map<String, List<Integer>> parameterShapes) {
    /** Copies the lists. */
    public Row {
      output = List.copyOf(output);
      parameterShapes = Collections.unmodifiableMap(new LinkedHashMap<>(parameterShapes));
    }
  }

  /** Copies the lists. */
  public ModelSummary {
    input = List.copyOf(input);
    layers = List.copyOf(layers);
  }

  /**
   * The summary of the run in {@code runDir}.
   *
   * @param backendOverride the backend to build the model on (null: the config's)
   * @throws ConfigException when {@code runDir} has no {@code config.yaml} or a config that does
   *     not build (naming the file and what is wrong)
   */
  @SuppressWarnings("try")
  public static ModelSummary of(Path runDir, String backendOverride) throws IOException {
    HeedConfig config = Heed.runConfig(runDir);
    Injector injector =
        Heed.unwrap(() ->
            Guice.createInjector(
                Modules.override(new HeedModule(config, backendOverride, PluginSet.shared()))
                    .with(
                        new AbstractModule() {
                          @Provides
                          @Singleton
                          Optional<Normalization> normalization() {
                            return Optional.empty(); // the data is not read
                          }
                        })));
    Backend backend = Heed.unwrap(() -> injector.getInstance(Backend.class));
    try {
      Sequential model = Heed.unwrap(() -> injector.getInstance(Sequential.class));
      SequenceLayout layout = config.data().layout();
      int width = config.data().inputNames().size();
      List<Row> rows = new ArrayList<>();
      long total = 0;
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor x;
        if (layout == null) {
          x = Tensors.of(backend, DType.FLOAT32, new float[width], 1, width);
        } else {
          int[] ids = new int[width];
          Arrays.fill(ids, 1);
          x = Tensors.indices(backend, ids, 1, width);
        }
        for (int i = 0; i < model.layers().size(); i++) {
          Layer l = model.layers().get(i);
          try {
            x = l.forward(x, ForwardContext.inference());
          } catch (IllegalArgumentException e) {
            throw new ConfigException(
                runDir.resolve(HeedAssembly.CONFIG)
                    + ": layer "
                    + i
                    + " ("
                    + type(l)
                    + ") refuses the output of the layer before it: "
                    + e.getMessage());
          }
          Map<String, List<Integer>> shapes = new LinkedHashMap<>();
          long count = 0;
          for (Map.Entry<String, Parameter> p : l.namedParameters().entrySet()) {
            shapes.put(i + "." + p.getKey(), dims(p.getValue().shape().dims()));
            count += p.getValue().shape().size();
          }
          total += count;
          rows.add(new Row(Integer.toString(i), type(l), dims(x.shape().dims()), count, shapes));
        }
      }
      return new ModelSummary(List.of(1, width), layout != null, rows, total);
    } finally {
      backend.close();
    }
  }

  private static String type(Layer l) {
    String n = l.getClass().getSimpleName();
    return n.isEmpty() ? l.getClass().getName() : n;
  }

  private static List<Integer> dims(int[] d) {
    List<Integer> l = new ArrayList<>(d.length);
    for (int v : d) {
      l.add(v);
    }
    return l;
  }
}
