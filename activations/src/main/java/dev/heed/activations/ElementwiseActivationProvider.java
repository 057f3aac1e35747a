package dev.heed.activations;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Base of an activation without learnable parameters: a function of the input tensor composed of
 * core operations, so its gradient comes from the tape and it runs on every backend. A subclass
 * gives its {@link #name()}, {@link #description()}, optionally {@link #options()}, and the
 * function for a set of resolved options.
 *
 * <p>Subclasses keep the provider contract: a public no-argument constructor that does no work,
 * immutability and thread safety.
 */
public abstract class ElementwiseActivationProvider implements ActivationProvider {

  /** For subclasses. */
  protected ElementwiseActivationProvider() {}

  /**
   * The function this activation applies, for options already resolved against {@link #options()}.
   * Called once per {@link #create}; the returned function is applied on every forward pass and
   * must be stateless.
   *
   * @param options the resolved options
   * @return a function of the input that preserves its shape (unless the activation documents
   *     otherwise)
   */
  protected abstract UnaryOperator<Tensor> function(Options options);

  @Override
  public final Activation create(Options options, BuildContext ctx) {
    Objects.requireNonNull(options, "options");
    // resolved once by the registry; only checked to belong to this provider's schema
    Options resolved = options().check("activation '" + name() + "'", options);
    return new FunctionActivation(name(), resolved, function(resolved));
  }
}
