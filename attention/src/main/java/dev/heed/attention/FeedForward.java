package dev.heed.attention;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The position-wise feed-forward block of a transformer layer: {@code linear2(dropout(act(
 * linear1(x))))}, with {@code linear1 [ff, d]} and {@code linear2 [d, ff]} ({@code nn.Linear},
 * names {@code linear1.weight}, {@code linear1.bias}, {@code linear2.weight}, {@code
 * linear2.bias}). Input and output {@code [..., d]}.
 */
final class FeedForward implements StepLayer.Positionwise {
  private final Dense linear1;
  private final Dense linear2;
  private final Activation activation;
  private final double dropout;

  FeedForward(
      int features,
      int hidden,
      Activation activation,
      double dropout,
      boolean bias,
      BuildContext ctx) {
    this.linear1 = new Dense(features, hidden, null, bias, null, null, ctx);
    this.linear2 = new Dense(hidden, features, null, bias, null, null, ctx);
    this.activation = activation;
    this.dropout = dropout;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor h = activation.forward(linear1.forward(input, ctx), ctx);
    return linear2.forward(Dropouts.apply(h, dropout, ctx), ctx);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    linear1.namedParameters().forEach((k, p) -> m.put("linear1." + k, p));
    linear2.namedParameters().forEach((k, p) -> m.put("linear2." + k, p));
    // a learnable activation (prelu) is a submodule, as PyTorch's activation=nn.PReLU() is
    activation.namedParameters().forEach((k, p) -> m.put("activation." + k, p));
    return m;
  }
}
