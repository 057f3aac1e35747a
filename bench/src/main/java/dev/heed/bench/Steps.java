package dev.heed.bench;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.backend.replay.ScalarPass;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Configured;
import dev.heed.core.tensor.Convolution;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The benchmark workloads as ready-to-call steps, shared by the {@link Benchmarks} driver and the
 * JMH benchmarks. Each step runs in its own {@link Scope}, so it frees its intermediates; {@link
 * #close()} releases the parameters and inputs.
 */
public final class Steps implements AutoCloseable {
  private static final DType F32 = DType.FLOAT32;

  private final Backend backend;
  private final Runnable step;
  private final Runnable release;
  private String calls = "";

  private Steps(Backend backend, Runnable step, Runnable release) {
    this.backend = backend;
    this.step = step;
    this.release = release;
  }

  /**
   * Opens backend {@code name} with {@code threads} threads (its {@code threads} option; a backend
   * without that option must be asked for 1 thread).
   */
  public static Backend open(String name, int threads) {
    return open(name, threads, Map.of());
  }

  /**
   * Opens backend {@code name} with {@code threads} threads and further {@code options} (values as
   * a command line gives them, checked by the backend's schema).
   */
  public static Backend open(String name, int threads, Map<String, String> options) {
    BackendProvider p = Plugins.shared().backends().getAvailable(name);
    String owner = "backend '" + p.name() + "'";
    Map<String, Object> raw = new LinkedHashMap<>(options);
    if (p.options().find("threads") == null) {
      if (threads != 1) {
        throw new IllegalArgumentException(
            owner + " has no 'threads' option; it can only be measured at threads=1");
      }
    } else {
      raw.put("threads", threads);
    }
    return p.create(p.options().resolve(owner, raw));
  }

  /** Runs one step and waits for the backend. */
  public void run() {
    step.run();
    backend.synchronize();
  }

  /**
   * Multi-head self-attention {@code [batch, t, d]} with {@code h} heads: forward only when {@code
   * backward} is false (with the tape recording when {@code training}), else forward, {@code
   * sum()}, and backward into the parameters and the input.
   */
  @SuppressWarnings("try")
  public static Steps mha(
      Backend b, int batch, int t, int d, int h, boolean training, boolean backward) {
    Nets.Mha mha = Nets.Mha.of(b, 7, d, h);
    Tensor x = Scope.outside(() -> Tensors.normal(b, Shape.of(batch, t, d), F32, 0, 1, 3));
    if (backward) {
      x.requiresGrad(true);
    }
    Runnable step;
    if (backward) {
      step =
          () -> {
            try (Scope s = Scope.open()) {
              mha.forward(x, true).sum().backward();
            }
            // the gradients end with the step, so that nothing it allocates outlives it and it can
            // be captured and replayed
            for (Parameter p : mha.parameters().values()) {
              p.zeroGrad();
            }
            x.clearGrad();
          };
    } else if (training) {
      step =
          () -> {
            try (Scope s = Scope.open()) {
              mha.forward(x, true);
            }
          };
    } else {
      step =
          () -> {
            try (GradMode g = GradMode.disable();
                Scope s = Scope.open()) {
              mha.forward(x, false);
            }
          };
    }
    return new Steps(b, step, () -> release(mha.parameters(), x));
  }

  /**
   * The product of two {@code n × n} matrices of normal values as a tensor operation (its result
   * freed at the end of the step), for a captured and replayed measurement of the bare product; the
   * eager {@code matmul} line calls the backend directly.
   */
  @SuppressWarnings("try")
  public static Steps matmul(Backend b, int n) {
    Tensor x = Scope.outside(() -> Tensors.normal(b, Shape.of(n, n), F32, 0, 1, 1));
    Tensor y = Scope.outside(() -> Tensors.normal(b, Shape.of(n, n), F32, 0, 1, 2));
    return new Steps(
        b,
        () -> {
          try (GradMode g = GradMode.disable();
              Scope s = Scope.open()) {
            x.matmul(y);
          }
        },
        () -> {
          x.close();
          y.close();
        });
  }

  /**
   * A ResNet-style 3×3 convolution {@code [batch, c, size, size]} to {@code c} channels (stride 1,
   * padding 1, with bias): forward without the tape, or forward, {@code sum()} and backward into
   * the weight, the bias and the input when {@code backward}.
   */
  @SuppressWarnings("try")
  public static Steps conv(Backend b, int batch, int c, int size, boolean backward) {
    Tensor x = Scope.outside(() -> Tensors.normal(b, Shape.of(batch, c, size, size), F32, 0, 1, 3));
    Parameter w =
        new Parameter(
            Scope.outside(() -> Tensors.normal(b, Shape.of(c, c, 3, 3), F32, 0, 0.05, 4)));
    Parameter bias =
        new Parameter(Scope.outside(() -> Tensors.normal(b, Shape.of(c), F32, 0, 0.05, 5)));
    int[] one = {1, 1};
    Runnable step;
    if (backward) {
      x.requiresGrad(true);
      step =
          () -> {
            try (Scope s = Scope.open()) {
              Convolution.conv2d(x, w.value(), bias.value(), one, one, one, 1).sum().backward();
            }
            // as in mha: the gradients end with the step
            w.zeroGrad();
            bias.zeroGrad();
            x.clearGrad();
          };
    } else {
      step =
          () -> {
            try (GradMode g = GradMode.disable();
                Scope s = Scope.open()) {
              Convolution.conv2d(x, w.value(), bias.value(), one, one, one, 1);
            }
          };
    }
    return new Steps(b, step, () -> release(Map.of("weight", w, "bias", bias), x));
  }

  /**
   * One training step of the small Fashion-MNIST CNN of {@code examples/fashion-mnist-cnn.yaml}
   * (heed-vision's layers, found through the plugin registry, so heed-vision and heed-activations
   * must be on the path): normalize, 3×3 conv2d 1→16 (no bias), batch-norm2d + ReLU, 2×2 max-pool,
   * 3×3 conv2d 16→32, batch-norm2d + ReLU, 2×2 max-pool, flatten, dense 1568→128 ReLU, dense
   * 128→10; cross-entropy against one-hot targets, backward and an Adam update (lr 0.002), on a
   * fixed batch of {@code batch} random 28×28 images.
   */
  @SuppressWarnings("try")
  public static Steps cnn(Backend b, int batch) {
    Plugins plugins = Plugins.shared();
    BuildContext ctx = BuildContext.of(b, F32, 7);
    List<Map<String, Object>> specs =
        List.of(
            Map.of("name", "normalize", "mean", List.of(0.2860), "std", List.of(0.3530)),
            conv2d(1, 16),
            Map.of("name", "batch-norm2d", "num_features", 16, "activation", "relu"),
            Map.of("name", "max-pool2d", "kernel_size", 2, "channels", 16),
            conv2d(16, 32),
            Map.of("name", "batch-norm2d", "num_features", 32, "activation", "relu"),
            Map.of("name", "max-pool2d", "kernel_size", 2, "channels", 32),
            Map.of("name", "flatten"),
            Map.of("name", "dense", "units", 128, "activation", "relu"),
            Map.of("name", "dense", "units", 10));
    List<Layer> layers = new ArrayList<>();
    int features = 28 * 28;
    for (Map<String, Object> spec : specs) {
      Configured<LayerProvider> c = plugins.layers().configure(spec, "bench cnn", plugins);
      int in = features;
      layers.add(Scope.outside(() -> c.provider().create(c.options(), in, ctx)));
      features = c.provider().outputFeatures(c.options(), features);
    }
    if (features != 10) {
      throw new IllegalStateException("the CNN gives " + features + " outputs, expected 10");
    }
    Sequential net = new Sequential(layers);
    Map<String, Parameter> params = net.namedParameters();
    Configured<LossProvider> ce = plugins.losses().configure("cross-entropy");
    Loss loss = ce.provider().create(ce.options());
    Tensor x = Scope.outside(() -> Tensors.uniform(b, Shape.of(batch, 28 * 28), F32, 0, 1, 3));
    double[] oneHot = new double[batch * 10];
    for (int i = 0; i < batch; i++) {
      oneHot[i * 10 + (i * 7) % 10] = 1;
    }
    Tensor y = Scope.outside(() -> Tensors.of(b, F32, oneHot, batch, 10));
    Optimizer adam = optimizer("adam", 0.002, params);
    Seeds seeds = new Seeds(11);
    return new Steps(
        b,
        () -> {
          try (Scope s = Scope.open()) {
            loss.compute(net.forward(x, ForwardContext.training(seeds)), y).backward();
            ScalarPass.run(adam::step); // Adam's per-step scalars, from a host pass when replayed
          }
          adam.zeroGrad();
        },
        () -> {
          release(params, x);
          y.close();
        });
  }

  private static Map<String, Object> conv2d(int in, int out) {
    return Map.of(
        "name",
        "conv2d",
        "in_channels",
        in,
        "out_channels",
        out,
        "kernel_size",
        3,
        "padding",
        1,
        "bias",
        false);
  }

  /**
   * A transformer encoder layer {@code [batch, t, d]}, {@code h} heads, feed-forward {@code ff}: a
   * training step with Adam (lr 1e-3) when {@code training}, else a forward pass without the tape.
   */
  @SuppressWarnings("try")
  public static Steps encoder(Backend b, int batch, int t, int d, int h, int ff, boolean training) {
    Nets.EncoderLayer layer = Nets.EncoderLayer.of(b, 11, d, h, ff);
    Tensor x = Scope.outside(() -> Tensors.normal(b, Shape.of(batch, t, d), F32, 0, 1, 5));
    if (!training) {
      return new Steps(
          b,
          () -> {
            try (GradMode g = GradMode.disable();
                Scope s = Scope.open()) {
              layer.forward(x, false);
            }
          },
          () -> release(layer.parameters(), x));
    }
    Optimizer adam = optimizer("adam", 1e-3, layer.parameters());
    return new Steps(
        b,
        () -> {
          try (Scope s = Scope.open()) {
            layer.forward(x, true).sum().backward();
            ScalarPass.run(adam::step); // Adam's per-step scalars, from a host pass when replayed
          }
          adam.zeroGrad(); // as in mlp: nothing the step allocates outlives it
        },
        () -> release(layer.parameters(), x));
  }

  /** The forward pass of the MLP {@code in → hidden (tanh) → out} on a batch, without the tape. */
  @SuppressWarnings("try")
  public static Steps mlpForward(Backend b, int batch, int in, int hidden, int out) {
    Nets.Mlp net = Nets.Mlp.of(b, 13, in, hidden, out);
    Tensor x = Scope.outside(() -> Tensors.normal(b, Shape.of(batch, in), F32, 0, 1, 19));
    return new Steps(
        b,
        () -> {
          try (GradMode g = GradMode.disable();
              Scope s = Scope.open()) {
            net.forward(x);
          }
        },
        () -> release(net.parameters(), x));
  }

  /**
   * This workload captured once and replayed: its backend must be a {@link ReplayBackend} (build
   * the workload on one). The step runs eagerly once first, so that what it makes lazily is made
   * outside the capture; then two runs are captured and compared call by call (a step whose
   * arguments change from run to run is refused), and {@link #run()} of the result replays the plan
   * without tensors, tape or allocation. Closing the result closes the plan and this workload.
   *
   * @return the replayed workload, or empty when the capture was refused ({@code why} gets the
   *     reason)
   */
  public Optional<Steps> replayed(Consumer<String> why) {
    ReplayBackend rb = (ReplayBackend) backend;
    run();
    Object[] none = {};
    Optional<Plan> plan = capturedTwice(rb, none, this::run, why);
    return plan.map(p -> {
      Steps s =
          new Steps(
              rb.delegate(),
              () -> p.replay(none, none),
              () -> {
                p.close();
                close();
              });
      s.calls = " calls=" + p.recordedSize() + " fused_calls=" + p.size();
      return s;
    });
  }

  /**
   * {@code step} captured on two runs that must agree call by call, with {@code inputs} declared
   * (arrays it uploads, seed streams it draws from) and no outputs; empty when a capture was
   * refused ({@code why} gets the reason). What the step makes lazily must exist before (run it
   * once).
   */
  static Optional<Plan> capturedTwice(
      ReplayBackend rb, Object[] inputs, Runnable step, Consumer<String> why) {
    Optional<Plan> first;
    try (Capture c = rb.capture(inputs)) {
      step.run();
      first = c.finish();
      c.refusal().ifPresent(why);
    }
    if (first.isEmpty()) {
      return Optional.empty();
    }
    try (Plan once = first.get();
        Capture c = rb.recapture(once, inputs)) {
      step.run();
      Optional<Plan> plan = c.finish();
      c.refusal().ifPresent(why);
      return plan;
    }
  }

  /**
   * For a {@link #replayed} workload, the calls its step recorded and those its plan makes after
   * fusing adjacent elementwise calls, as line fields ({@code " calls=N fused_calls=M"}); otherwise
   * empty.
   */
  public String calls() {
    return calls;
  }

  /**
   * A training step of the MLP {@code in → hidden (tanh) → out} on a batch: forward, MSE, backward,
   * SGD (lr 0.01).
   */
  @SuppressWarnings("try")
  public static Steps mlp(Backend b, int batch, int in, int hidden, int out) {
    Nets.Mlp net = Nets.Mlp.of(b, 13, in, hidden, out);
    Tensor x = Scope.outside(() -> Tensors.normal(b, Shape.of(batch, in), F32, 0, 1, 19));
    Tensor y = Scope.outside(() -> Tensors.normal(b, Shape.of(batch, out), F32, 0, 1, 23));
    Optimizer sgd = optimizer("sgd", 0.01, net.parameters());
    return new Steps(
        b,
        () -> {
          try (Scope s = Scope.open()) {
            Elementwise.sub(net.forward(x), y).square().mean().backward();
            sgd.step();
          }
          // the gradients end with the step (rather than at the start of the next), so that
          // nothing the step allocates outlives it and the step can be captured and replayed
          sgd.zeroGrad();
        },
        () -> {
          release(net.parameters(), x);
          y.close();
        });
  }

  private static Optimizer optimizer(String name, double lr, Map<String, Parameter> params) {
    OptimizerProvider p = Plugins.shared().optimizers().get(name);
    return p.create(
        p.options().resolve("optimizer '" + name + "'", Map.of("lr", lr)),
        List.of(ParameterGroup.of(params)));
  }

  private static void release(Map<String, Parameter> params, Tensor x) {
    for (Parameter p : params.values()) {
      p.zeroGrad();
      p.value().close();
    }
    x.clearGrad();
    x.close();
  }

  /** Releases the parameters, optimizer inputs and data of this workload. */
  @Override
  public void close() {
    release.run();
  }
}
