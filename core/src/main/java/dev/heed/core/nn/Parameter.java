package dev.heed.core.nn;

import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * A trainable tensor: a leaf that requires a gradient and lives outside any {@link Scope}, so it
 * survives training steps. Its name comes from the module that holds it ({@link
 * Module#namedParameters()}). Not thread-safe.
 */
public final class Parameter {
  private final Tensor value;

  /**
   * Wraps {@code value}, which becomes a leaf requiring a gradient; a tensor of a 16-bit storage
   * type ({@code DType.isStorageOnly()}: weights kept in half precision for inference) stays frozen
   * (no gradient, so optimizers leave it alone).
   */
  public Parameter(Tensor value) {
    if (value.hasGradFn()) {
      throw new IllegalArgumentException(
          "a parameter must be a leaf tensor, not the result of " + value.gradFnName());
    }
    this.value = value.dtype().isStorageOnly() ? value : value.requiresGrad(true);
  }

  /**
   * A new parameter of {@code shape} on the context's backend, filled by {@code init}.
   *
   * @param fan the fan-in and fan-out that scale-aware initialisers use
   */
  public static Parameter create(BuildContext ctx, Shape shape, Initializer init, Fan fan) {
    Tensor t = Scope.outside(() -> Tensors.zeros(ctx.backend(), shape, ctx.dtype()));
    init.initialize(t, fan, ctx.seeds().next());
    return new Parameter(t);
  }

  /** The tensor. */
  public Tensor value() {
    return value;
  }

  /** The accumulated gradient, or null before the first backward pass (or when unused). */
  public Tensor grad() {
    return value.grad();
  }

  /** The shape. */
  public Shape shape() {
    return value.shape();
  }

  /** Drops the accumulated gradient. */
  public void zeroGrad() {
    value.clearGrad();
  }

  @Override
  public String toString() {
    return "Parameter" + value.shape();
  }
}
