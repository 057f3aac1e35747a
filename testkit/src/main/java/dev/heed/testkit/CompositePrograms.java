package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Small programs of core operations that {@link BackendContract} runs forward and backward through
 * the tape, on the backend under test and on the reference, to compare values and gradients.
 */
final class CompositePrograms {
  private CompositePrograms() {}

  /**
   * A program: float inputs (standard normal values) and INT32 index inputs, and the function of
   * them.
   *
   * @param name for reports
   * @param shapes shapes of the float inputs, which are differentiated
   * @param indices for each index input: its length and the exclusive upper bound of its values
   * @param f the program, from the float inputs and the index inputs
   */
  record Program(
      String name,
      int[][] shapes,
      int[][] indices,
      BiFunction<List<Tensor>, List<Tensor>, Tensor> f) {
    @Override
    public String toString() {
      return name;
    }

    /** The float inputs on {@code backend}, requiring gradients. */
    List<Tensor> floats(Backend backend, DType dtype) {
      List<Tensor> in = new ArrayList<>();
      for (int i = 0; i < shapes.length; i++) {
        double[] v = Samples.float32(Samples.normal(1000 + i, Samples.size(shapes[i])));
        in.add(Tensors.of(backend, dtype, v, shapes[i]).requiresGrad(true));
      }
      return in;
    }

    /** The index inputs on {@code backend}. */
    List<Tensor> indexTensors(Backend backend) {
      List<Tensor> in = new ArrayList<>();
      for (int[] spec : indices) {
        in.add(Tensors.indices(backend, BackendCases.indices(spec[0], spec[1]), spec[0]));
      }
      return in;
    }
  }

  private static Loss loss(String name) {
    LossProvider p = Plugins.shared().losses().get(name);
    return p.create(p.options().defaults("loss '" + name + "'"));
  }

  static List<Program> all() {
    return List.of(
        new Program(
            "MLP 13→7→3 with tanh, cross-entropy against class indices",
            new int[][] {{5, 13}, {7, 13}, {7}, {3, 7}, {3}},
            new int[][] {{5, 3}},
            (x, idx) -> {
              Tensor h = Elementwise.tanh(Linalg.linear(x.get(0), x.get(1), x.get(2)));
              Tensor logits = Linalg.linear(h, x.get(3), x.get(4));
              return loss("cross-entropy").compute(logits, idx.get(0));
            }),
        new Program(
            "MSE of a linear map",
            new int[][] {{4, 6}, {3, 6}, {4, 3}},
            new int[0][],
            (x, idx) -> loss("mse").compute(Linalg.linear(x.get(0), x.get(1), null), x.get(2))),
        new Program(
            "softmax along axis 1 of [3, 7, 5]",
            new int[][] {{3, 7, 5}},
            new int[0][],
            (x, idx) -> NeuralOps.softmax(x.get(0).mul(2.0), 1)),
        new Program(
            "log-softmax along the last axis of [4, 33]",
            new int[][] {{4, 33}},
            new int[0][],
            (x, idx) -> NeuralOps.logSoftmax(x.get(0).mul(3.0), -1)),
        new Program(
            "batched matmul Aᵀ·B with a broadcast batch [2, 1, 5, 3]ᵀ·[3, 5, 4]",
            new int[][] {{2, 1, 5, 3}, {3, 5, 4}},
            new int[0][],
            (x, idx) -> Linalg.matmul(x.get(0), x.get(1), true, false)),
        new Program(
            "matmul A·Bᵀ [7, 13]·[6, 13]ᵀ and a vector product",
            new int[][] {{7, 13}, {6, 13}, {6}},
            new int[0][],
            (x, idx) -> Linalg.matmul(Linalg.matmul(x.get(0), x.get(1), false, true), x.get(2))),
        new Program(
            "index select with repeated indices and an embedding",
            new int[][] {{11, 6}, {4, 9}},
            new int[][] {{8, 11}, {5, 9}},
            (x, idx) ->
                Shapes.concat(
                    0,
                    List.of(
                        NeuralOps.embedding(x.get(0), idx.get(0)).reshape(-1),
                        NeuralOps.indexSelect(x.get(1), 1, idx.get(1)).reshape(-1)))),
        new Program(
            "layer norm composite over [4, 31]",
            new int[][] {{4, 31}, {31}, {31}},
            new int[0][],
            (x, idx) -> {
              Tensor centred = x.get(0).sub(Reductions.mean(x.get(0), -1, true));
              Tensor variance = Reductions.mean(centred.square(), -1, true);
              Tensor normed = centred.div(Elementwise.sqrt(variance.add(1e-5)));
              return normed.mul(x.get(1)).add(x.get(2));
            }),
        new Program(
            "max, min, sum and mean reductions of [6, 9]",
            new int[][] {{6, 9}},
            new int[0][],
            (x, idx) ->
                Shapes.concat(
                    0,
                    List.of(
                        Reductions.max(x.get(0), 1, false),
                        Reductions.min(x.get(0), 0, false),
                        Reductions.sum(x.get(0), 0, false),
                        Reductions.mean(x.get(0), 1, false)))),
        new Program(
            "broadcast elementwise chain [3, 1, 4] with [5, 1]",
            new int[][] {{3, 1, 4}, {5, 1}},
            new int[0][],
            (x, idx) -> {
              Tensor a = x.get(0);
              Tensor b = x.get(1);
              Tensor t1 = Elementwise.exp(a.mul(0.5)).mul(Elementwise.sigmoid(b));
              Tensor t2 = Elementwise.tanh(a.div(b.square().add(1.0)));
              Tensor t3 = Elementwise.sqrt(a.square().add(1.0)).sub(Elementwise.erf(b));
              return t1.sub(t2).add(t3).mul(Elementwise.maximum(a, b));
            }));
  }

  static Program byName(String name) {
    return all().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  static Stream<Arguments> cases() {
    List<Arguments> list = new ArrayList<>();
    for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
      for (Program p : all()) {
        list.add(Arguments.of(p.name(), t));
      }
    }
    return list.stream();
  }

  /** Runs {@code p} forward and backward: the output, then the gradient of each float input. */
  static List<double[]> run(Program p, Backend backend, DType dtype) {
    List<Tensor> floats = p.floats(backend, dtype);
    Tensor y = p.f().apply(floats, p.indexTensors(backend));
    List<double[]> out = new ArrayList<>();
    out.add(y.toDoubleArray());
    y.backward(Tensors.of(backend, dtype, GradientChecker.projection(y.size()), y.shape().dims()));
    for (Tensor t : floats) {
      out.add(t.grad() == null ? new double[(int) t.size()] : t.grad().toDoubleArray());
      t.clearGrad();
    }
    return out;
  }
}
