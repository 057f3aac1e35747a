package dev.heed.testkit;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A layer and a data set written against the SPIs, right as given; the tests of the contracts
 * override one method each to break them.
 */
final class LayerAndDatasetFixtures {
  private LayerAndDatasetFixtures() {}

  /** {@code tanh(x·w + b)} elementwise, {@code w} drawn from the build seed, {@code b = 0.1}. */
  static class ScaleLayerProvider implements LayerProvider {
    @Override
    public String name() {
      return "test-scale";
    }

    @Override
    public String description() {
      return "tanh(x·w + b) elementwise (a testkit fixture)";
    }

    @Override
    public OptionsSchema options() {
      return OptionsSchema.of();
    }

    /** The weight with its initial values. */
    Parameter weight(BuildContext ctx, int features) {
      return Parameter.create(
          ctx,
          Shape.of(features),
          (t, fan, seed) ->
              Elementwise.assign(
                  t, Tensors.uniform(t.backend(), t.shape(), t.dtype(), 0.5, 1.5, seed)),
          new Fan(1, 1));
    }

    /** The layer's output. */
    Tensor forward(Tensor x, Tensor w, Tensor b) {
      return Elementwise.tanh(x.mul(w).add(b));
    }

    /** The names of the weight and the bias. */
    List<String> names() {
      return List.of("weight", "bias");
    }

    @Override
    public Layer create(Options options, int inputFeatures, BuildContext ctx) {
      Parameter w = weight(ctx, inputFeatures);
      Parameter b =
          Parameter.create(
              ctx,
              Shape.of(inputFeatures),
              (t, fan, seed) -> Elementwise.fill(t, 0.1),
              new Fan(1, 1));
      List<String> names = names();
      Map<String, Parameter> params = new LinkedHashMap<>();
      params.put(names.get(0), w);
      params.put(names.get(1), b);
      return new Layer() {
        @Override
        public Tensor forward(Tensor input, ForwardContext c) {
          return ScaleLayerProvider.this.forward(input, w.value(), b.value());
        }

        @Override
        public Map<String, Parameter> namedParameters() {
          return params;
        }
      };
    }

    @Override
    public int outputFeatures(Options options, int inputFeatures) {
      return inputFeatures;
    }
  }

  /**
   * Sequences of {@link #LENGTH} ids over a vocabulary of {@link #VOCABULARY} (a random number of
   * real tokens, then padding 0), classified by their first token; rows from the run's seed.
   */
  static class SequenceProvider implements DatasetProvider {
    static final int LENGTH = 5;
    static final int VOCABULARY = 6;

    @Override
    public String name() {
      return "test-sequences";
    }

    @Override
    public String description() {
      return "token sequences classified by their first token (a testkit fixture)";
    }

    @Override
    public OptionsSchema options() {
      return OptionsSchema.of(
          OptionSpec.integer("examples", 20, "how many sequences").range(1, 1000));
    }

    /** The rows, each {@code LENGTH + VOCABULARY} wide. */
    List<float[]> rows(int examples, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      List<float[]> rows = new ArrayList<>();
      for (int e = 0; e < examples; e++) {
        float[] row = new float[LENGTH + VOCABULARY];
        int real = 1 + random.nextInt(LENGTH);
        for (int t = 0; t < real; t++) {
          row[t] = 1 + random.nextInt(VOCABULARY - 1);
        }
        row[LENGTH + (int) row[0]] = 1;
        rows.add(row);
      }
      return rows;
    }

    /** How many rows {@link Dataset#size()} says. */
    long size(int examples) {
      return examples;
    }

    @Override
    public Dataset create(Options options, DataContext ctx) {
      int examples = options.getInt("examples");
      List<String> ids = new ArrayList<>();
      List<String> classes = new ArrayList<>();
      for (int t = 0; t < LENGTH; t++) {
        ids.add("id" + t);
      }
      for (int v = 0; v < VOCABULARY; v++) {
        classes.add("t" + v);
      }
      return new Dataset() {
        @Override
        public List<String> inputNames() {
          return ids;
        }

        @Override
        public List<String> outputNames() {
          return classes;
        }

        @Override
        public boolean classification() {
          return true;
        }

        @Override
        public SequenceLayout sequence() {
          return new SequenceLayout(LENGTH, VOCABULARY, false);
        }

        @Override
        public long size() {
          return SequenceProvider.this.size(examples);
        }

        @Override
        public RowReader open() {
          List<float[]> rows = rows(examples, ctx.seed());
          return new RowReader() {
            private int next;

            @Override
            public boolean next(float[] row) {
              if (next == rows.size()) {
                return false;
              }
              System.arraycopy(rows.get(next++), 0, row, 0, row.length);
              return true;
            }

            @Override
            public void close() {}
          };
        }
      };
    }
  }
}
