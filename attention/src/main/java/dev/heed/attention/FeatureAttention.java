package dev.heed.attention;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Initializer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Feature attention: the {@code K} features of the value are the keys, and a query vector decides
 * how much of each to let through.
 *
 * <pre>
 * s = (query·Wᵀ + b) / temperature   [batch, K]    W [K, Q] named weight, b [K] named bias
 * a = softmax(s + mask, axis -1)      [batch, K]    (or sigmoid(s): independent gates)
 * output = a ⊙ value                  [batch, K]
 * </pre>
 *
 * <p>Shapes: {@code query [batch, Q]}, {@code key} and {@code value [batch, K]} with {@code Q} and
 * {@code K} from the {@link AttentionSpec} (queryDim and keyDim = valueDim). The key's values are
 * not read: the keys are the feature positions, so {@code key} only has its shape checked. In the
 * seed's self-attention all three are the same {@code x [batch, F]}. The weights returned are
 * {@code a}.
 *
 * <p>Masks: with softmax, an additive mask broadcastable to {@code [batch, K]} (0 keeps a feature,
 * {@code -∞} gives it weight exactly 0). With sigmoid gates masks are not supported (a gate does
 * not compete with the others) and passing one is an error.
 */
final class FeatureAttention implements AttentionUnit {
  private final AttentionSpec spec;
  private final boolean sigmoid;
  private final double temperature;
  private final Parameter weight;
  private final Parameter bias;

  FeatureAttention(
      AttentionSpec spec,
      boolean sigmoid,
      double temperature,
      boolean useBias,
      String init,
      BuildContext ctx) {
    this.spec = spec;
    this.sigmoid = sigmoid;
    this.temperature = temperature;
    int q = spec.queryDim();
    int k = spec.keyDim();
    Fan fan = Fan.dense(q, k);
    double linearBound = 1.0 / Math.sqrt(q);
    Initializer weightInit =
        switch (init) {
          case FeatureAttentionProvider.INIT_ZEROS -> FeatureAttention::zeros;
          case FeatureAttentionProvider.INIT_XAVIER ->
              uniform(Math.sqrt(6.0 / (fan.fanIn() + fan.fanOut())));
          default -> uniform(linearBound);
        };
    Initializer biasInit =
        init.equals(FeatureAttentionProvider.INIT_DEFAULT)
            ? uniform(linearBound)
            : FeatureAttention::zeros;
    this.weight = Parameter.create(ctx, Shape.of(k, q), weightInit, fan);
    this.bias = useBias ? Parameter.create(ctx, Shape.of(k), biasInit, fan) : null;
  }

  private static Initializer uniform(double bound) {
    return (t, fan, seed) -> Tensors.fillRandom(t, Distribution.UNIFORM, -bound, bound, seed);
  }

  private static void zeros(Tensor t, Fan fan, long seed) {
    Elementwise.fill(t, 0.0);
  }

  @Override
  public AttentionResult attend(
      Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext ctx) {
    Objects.requireNonNull(query, "feature attention: query is null");
    Objects.requireNonNull(key, "feature attention: key is null");
    Objects.requireNonNull(value, "feature attention: value is null");
    int q = spec.queryDim();
    int k = spec.keyDim();
    check("query", query, -1, q);
    int batch = query.dim(0);
    check("key", key, batch, k);
    check("value", value, batch, k);
    Tensor scores = Linalg.linear(query, weight.value(), bias == null ? null : bias.value());
    if (temperature != 1.0) {
      scores = Elementwise.affine(scores, 1.0 / temperature, 0);
    }
    Tensor weights;
    if (sigmoid) {
      if (mask != null) {
        throw new IllegalArgumentException(
            "feature attention with sigmoid gates does not support masks (each gate is"
                + " independent); use normalization 'softmax', or multiply the output by a 0/1"
                + " mask instead");
      }
      weights = Elementwise.sigmoid(scores);
    } else {
      if (mask != null) {
        Shape fit = Shape.broadcast("feature attention mask", mask.shape(), scores.shape());
        if (!fit.equals(scores.shape())) {
          throw new IllegalArgumentException(
              "feature attention: the mask "
                  + mask.shape()
                  + " must broadcast to the scores [batch, keys] = "
                  + scores.shape());
        }
        scores = Elementwise.add(scores, mask);
      }
      weights = NeuralOps.softmax(scores, -1);
    }
    return new AttentionResult(Elementwise.mul(weights, value), weights);
  }

  private static void check(String what, Tensor t, int batch, int features) {
    if (t.rank() != 2 || t.dim(1) != features || (batch >= 0 && t.dim(0) != batch)) {
      throw new IllegalArgumentException(
          "feature attention: expected "
              + what
              + " [batch"
              + (batch >= 0 ? " = " + batch : "")
              + ", "
              + features
              + "], got "
              + t.shape()
              + "; queries are [batch, queryDim], keys and values [batch, keyDim] (the features"
              + " attended over)");
    }
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("weight", weight);
    if (bias != null) {
      m.put("bias", bias);
    }
    return m;
  }

  @Override
  public String toString() {
    return "FeatureAttention("
        + spec.queryDim()
        + " → "
        + spec.keyDim()
        + ", "
        + (sigmoid ? "sigmoid" : "softmax")
        + (temperature != 1.0 ? ", temperature " + temperature : "")
        + ")";
  }
}
