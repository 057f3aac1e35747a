package dev.heed.activations;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An activation that applies a stateless function of its input and owns no parameters.
 *
 * @param name the provider name, for messages and {@link #toString()}
 * @param options the options it was created with
 * @param function the function applied by {@link #forward}
 */
record FunctionActivation(String name, Options options, UnaryOperator<Tensor> function)
    implements Activation {

  FunctionActivation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(function, "function");
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Objects.requireNonNull(input, () -> "activation '" + name + "': the input is null");
    return function.apply(input);
  }

  @Override
  public String toString() {
    return options.asMap().isEmpty() ? name : name + options;
  }
}
