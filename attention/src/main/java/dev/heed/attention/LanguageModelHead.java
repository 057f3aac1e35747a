package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * Next-token logits for every position: {@code [B, T, d]} to {@code [B, T, V]} through an {@code
 * nn.Linear(d, V)} (parameters {@code weight [V, d]}, {@code bias [V]}).
 */
final class LanguageModelHead implements StepLayer.Positionwise {
  private final Dense decoder;

  LanguageModelHead(int features, int vocabulary, boolean bias, BuildContext ctx) {
    this.decoder = new Dense(features, vocabulary, null, bias, null, null, ctx);
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    return decoder.forward(input, ctx);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return decoder.namedParameters();
  }
}
