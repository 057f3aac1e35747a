package dev.heed.integration;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Initializer;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Seeds;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the end-to-end tests share: plugins resolved by name through {@link Plugins#shared()},
 * generated data sets, and the training step of DESIGN.md (forward, loss, zero the gradients,
 * backward, step, all in one {@link Scope}).
 */
final class Training {
  private Training() {}

  /** The options of {@code provider} from {@code raw} values, defaults filling the rest. */
  static Options options(String kind, Provider provider, Map<String, ?> raw) {
    return provider.options().resolve(kind + " '" + provider.name() + "'", raw);
  }

  /** The reference CPU backend, opened through its provider. */
  static Backend cpu() {
    var provider = Plugins.shared().backends().getAvailable("cpu");
    return provider.create(options("backend", provider, Map.of()));
  }

  /** The activation {@code name} with its default options. */
  static Activation activation(String name, BuildContext ctx) {
    var provider = Plugins.shared().activations().get(name);
    return provider.create(options("activation", provider, Map.of()), ctx);
  }

  /** The initializer {@code name}. */
  static Initializer initializer(String name, Map<String, ?> raw) {
    var provider = Plugins.shared().initializers().get(name);
    return provider.create(options("initializer", provider, raw));
  }

  /** The loss {@code name} with its default options. */
  static Loss loss(String name) {
    var provider = Plugins.shared().losses().get(name);
    return provider.create(options("loss", provider, Map.of()));
  }

  /** The optimizer {@code name} over all parameters of {@code model}. */
  static Optimizer optimizer(String name, Map<String, ?> raw, Layer model) {
    var provider = Plugins.shared().optimizers().get(name);
    return provider.create(
        options("optimizer", provider, raw), List.of(ParameterGroup.of(model.namedParameters())));
  }

  /**
   * Examples in row-major host arrays.
   *
   * @param x inputs {@code [n, inputs]}
   * @param y targets {@code [n, outputs]}
   */
  record Dataset(float[] x, float[] y, int n, int inputs, int outputs) {

    /** Examples {@code from} (inclusive) to {@code to} (exclusive). */
    Dataset slice(int from, int to) {
      float[] xs = new float[(to - from) * inputs];
      float[] ys = new float[(to - from) * outputs];
      System.arraycopy(x, from * inputs, xs, 0, xs.length);
      System.arraycopy(y, from * outputs, ys, 0, ys.length);
      return new Dataset(xs, ys, to - from, inputs, outputs);
    }

    /** The inputs as a tensor. */
    Tensor inputs(Backend backend) {
      return Tensors.of(backend, DType.FLOAT32, x, n, inputs);
    }

    /** The targets as a tensor. */
    Tensor targets(Backend backend) {
      return Tensors.of(backend, DType.FLOAT32, y, n, outputs);
    }
  }

  /** {@code n} inputs with independent standard normal features, from the stream {@code seed}. */
  static double[][] normalInputs(int n, int features, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] x = new double[n][features];
    for (double[] row : x) {
      for (int j = 0; j < features; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return x;
  }

  /** A {@code rows × cols} matrix with normal entries of standard deviation {@code std}. */
  static double[][] normalMatrix(int rows, int cols, double std, long seed) {
    double[][] m = normalInputs(rows, cols, seed);
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] *= std;
      }
    }
    return m;
  }

  /** Flattens rows into a float array. */
  static float[] flatten(double[][] rows) {
    int cols = rows[0].length;
    float[] f = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < cols; j++) {
        f[i * cols + j] = (float) rows[i][j];
      }
    }
    return f;
  }

  /** {@code a·b} on the host. */
  static double[][] matmul(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < b.length; k++) {
        for (int j = 0; j < b[0].length; j++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  /** Uploads the mini-batches of {@code data} in order; the caller closes them. */
  static List<Tensor[]> batches(Dataset data, int batchSize, Backend backend) {
    List<Tensor[]> batches = new ArrayList<>();
    for (int from = 0; from < data.n(); from += batchSize) {
      Dataset b = data.slice(from, Math.min(data.n(), from + batchSize));
      batches.add(new Tensor[] {b.inputs(backend), b.targets(backend)});
    }
    return batches;
  }

  /**
   * One epoch over {@code batches}: per batch, forward, loss, zero the gradients, backward and an
   * optimizer step, in one scope that frees every intermediate.
   */
  @SuppressWarnings("try")
  static void epoch(
      Layer model, Loss loss, Optimizer optimizer, List<Tensor[]> batches, Seeds seeds) {
    ForwardContext ctx = ForwardContext.training(seeds);
    for (Tensor[] batch : batches) {
      try (Scope step = Scope.open()) {
        Tensor prediction = model.forward(batch[0], ctx);
        Tensor value = loss.compute(prediction, batch[1]);
        optimizer.zeroGrad();
        value.backward();
        optimizer.step();
      }
    }
  }

  /** The loss of {@code model} on {@code x} and {@code y}, without recording a tape. */
  @SuppressWarnings("try")
  static double evaluate(Layer model, Loss loss, Tensor x, Tensor y) {
    try (Scope scope = Scope.open();
        GradMode off = GradMode.disable()) {
      return loss.compute(model.forward(x, ForwardContext.inference()), y).item();
    }
  }

  /** Closes the tensors of {@code batches}. */
  static void close(List<Tensor[]> batches) {
    for (Tensor[] b : batches) {
      for (Tensor t : b) {
        t.close();
      }
    }
  }
}
