package dev.heed.testkit;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small plugins written against the SPIs, to run the contracts on: right ones (registered in
 * META-INF/services of the tests) and deliberately broken ones.
 */
public final class Fixtures {
  private Fixtures() {}

  // ------------------------------------------------------------------ activations

  /** {@code scale · tanh(x)} with a learnable {@code scale}. */
  public static final class ScaledTanhProvider implements ActivationProvider {
    /** For ServiceLoader. */
    public ScaledTanhProvider() {}

    @Override
    public String name() {
      return "test-scaled-tanh";
    }

    @Override
    public String description() {
      return "scale · tanh(x) with a learnable scale (a testkit fixture)";
    }

    @Override
    public OptionsSchema options() {
      return OptionsSchema.of(OptionSpec.number("initial_scale", 1.5, "the starting scale"));
    }

    @Override
    public Activation create(Options options, BuildContext ctx) {
      double initial = options.getDouble("initial_scale");
      Parameter scale =
          Parameter.create(
              ctx, Shape.of(1), (t, fan, seed) -> Elementwise.fill(t, initial), new Fan(1, 1));
      return new Activation() {
        @Override
        public Tensor forward(Tensor input, ForwardContext c) {
          return Elementwise.tanh(input).mul(scale.value());
        }

        @Override
        public Map<String, Parameter> namedParameters() {
          return Map.of("scale", scale);
        }
      };
    }
  }

  /** An activation built from a function, without parameters; not registered. */
  static ActivationProvider activation(String name, java.util.function.UnaryOperator<Tensor> f) {
    return new ActivationProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Activation create(Options options, BuildContext ctx) {
        return (input, c) -> f.apply(input);
      }
    };
  }

  // ------------------------------------------------------------------ attention

  /**
   * Scaled dot-product attention with a learnable query projection {@code query_proj.weight}:
   * queries {@code [b, q, d]}, keys {@code [b, k, d]}, values {@code [b, k, v]}.
   */
  public static class DotAttentionProvider implements AttentionUnitProvider {
    /** For ServiceLoader. */
    public DotAttentionProvider() {}

    @Override
    public String name() {
      return "test-dot";
    }

    @Override
    public String description() {
      return "scaled dot-product attention with a query projection (a testkit fixture)";
    }

    /** The weights from the scores; softmax here. */
    Tensor normalise(Tensor scores) {
      return NeuralOps.softmax(scores, -1);
    }

    /** What attend returns: the output and the weights. */
    AttentionResult result(Tensor output, Tensor weights) {
      return new AttentionResult(output, weights);
    }

    /**
     * Whether a rank-2 query is one query per example and rank-2 keys are refused (the rank rules
     * of a sequence unit); true here.
     */
    boolean followsRankRules() {
      return true;
    }

    /** The output from the weights and values. */
    Tensor combine(Tensor weights, Tensor value) {
      return Linalg.matmul(weights, value);
    }

    @Override
    public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
      int d = spec.queryDim();
      Parameter wq =
          Parameter.create(
              ctx,
              Shape.of(d, d),
              (t, fan, seed) ->
                  t.backend()
                      .random(
                          dev.heed.core.backend.Distribution.NORMAL,
                          0,
                          0.5,
                          seed,
                          0,
                          t.buffer(),
                          t.size()),
              Fan.dense(d, d));
      return new AttentionUnit() {
        @Override
        public AttentionResult attend(
            Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext c) {
          boolean single = followsRankRules() && query.rank() == 2;
          if (followsRankRules() && key.rank() != 3) {
            throw new IllegalArgumentException(
                "test-dot: keys must be [B, Tk, " + d + "], got " + key.shape());
          }
          Tensor q = Linalg.linear(single ? Shapes.unsqueeze(query, 1) : query, wq.value(), null);
          Tensor scores = Linalg.matmul(q, key, false, true).mul(1 / Math.sqrt(d));
          if (mask != null) {
            scores = scores.add(single && mask.rank() == 2 ? Shapes.unsqueeze(mask, 1) : mask);
          }
          Tensor w = normalise(scores);
          Tensor out = combine(w, value);
          return single ? result(Shapes.select(out, 1, 0), Shapes.select(w, 1, 0)) : result(out, w);
        }

        @Override
        public Map<String, Parameter> namedParameters() {
          return Map.of("query_proj.weight", wq);
        }
      };
    }
  }

  /** Shapes and a mask for {@link DotAttentionProvider}: 3 queries of 4, 5 keys, values of 2. */
  static Shape queries(int batch) {
    return Shape.of(batch, 3, 4);
  }

  static Shape keys(int batch) {
    return Shape.of(batch, 5, 4);
  }

  static Shape values(int batch) {
    return Shape.of(batch, 5, 2);
  }

  /** Removes key {@code (q + b) mod 5} of query {@code q} in example {@code b}. */
  static Tensor mask(Backend backend, DType dtype, int batch) {
    double[] m = new double[batch * 3 * 5];
    for (int b = 0; b < batch; b++) {
      for (int q = 0; q < 3; q++) {
        m[(b * 3 + q) * 5 + (q + b) % 5] = Double.NEGATIVE_INFINITY;
      }
    }
    return dev.heed.core.tensor.Tensors.of(backend, dtype, m, batch, 3, 5);
  }

  // ------------------------------------------------------------------ optimizers

  /** SGD with momentum: {@code b = μ·b + g; p -= lr·b}; state slot {@code momentum_buffer}. */
  public static class MomentumProvider implements OptimizerProvider {
    /** For ServiceLoader. */
    public MomentumProvider() {}

    @Override
    public String name() {
      return "test-momentum";
    }

    @Override
    public String description() {
      return "SGD with momentum (a testkit fixture)";
    }

    @Override
    public OptionsSchema options() {
      return OptionsSchema.of(
          OptionSpec.number("lr", 0.01, "learning rate").range(0, 1e9),
          OptionSpec.number("momentum", 0.9, "momentum factor").range(0, 1));
    }

    /** Whether loadState restores the buffers (a broken subclass forgets). */
    boolean restores() {
      return true;
    }

    /** The gradient used for {@code p}; a broken subclass adds decay to every parameter. */
    boolean decayEverything() {
      return false;
    }

    @Override
    public Optimizer create(Options options, List<ParameterGroup> groups) {
      double momentum = options.getDouble("momentum");
      List<Double> rates = new ArrayList<>();
      for (ParameterGroup g : groups) {
        Object lr = g.overrides().get("lr");
        rates.add(lr == null ? options.getDouble("lr") : ((Number) lr).doubleValue());
      }
      Map<String, Tensor> buffers = new LinkedHashMap<>();
      return new Optimizer() {
        @Override
        @SuppressWarnings("try")
        public void step() {
          try (GradMode off = GradMode.disable()) {
            for (int gi = 0; gi < groups.size(); gi++) {
              for (var e : groups.get(gi).parameters().entrySet()) {
                Tensor p = e.getValue().value();
                Tensor g = e.getValue().grad();
                if (g == null) {
                  if (!decayEverything()) {
                    continue;
                  }
                  g = p.mul(0.01);
                }
                String key = e.getKey() + ".momentum_buffer";
                Tensor b = buffers.get(key);
                if (b == null) {
                  Tensor first = g;
                  buffers.put(key, Scope.outside(() -> Shapes.copy(first)));
                  b = buffers.get(key);
                } else {
                  Elementwise.applyInPlace(dev.heed.core.backend.UnaryOp.AFFINE, momentum, 0, b);
                  Elementwise.addInPlace(b, g);
                }
                Elementwise.addInPlace(p, b.mul(-rates.get(gi)));
              }
            }
          }
        }

        @Override
        public List<ParameterGroup> groups() {
          return groups;
        }

        @Override
        public double learningRate(int group) {
          return rates.get(group);
        }

        @Override
        public void setLearningRate(int group, double learningRate) {
          rates.set(group, learningRate);
        }

        @Override
        public Map<String, Tensor> state() {
          return new LinkedHashMap<>(buffers);
        }

        @Override
        public void loadState(Map<String, Tensor> state) {
          if (restores()) {
            buffers.clear();
            state.forEach((k, v) -> buffers.put(k, Scope.outside(() -> Shapes.copy(v))));
          }
        }
      };
    }
  }
}
