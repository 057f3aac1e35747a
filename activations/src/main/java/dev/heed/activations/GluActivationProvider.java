package dev.heed.activations;

import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;

/**
 * Gated linear unit, as {@code torch.nn.GLU}: the input is split in halves {@code a} and {@code b}
 * along {@code dim} and the result is {@code a·sigmoid(b)}, so that axis is halved (its extent must
 * be even).
 */
public final class GluActivationProvider extends AxisActivationProvider {

  /** Cheap; for ServiceLoader. */
  public GluActivationProvider() {}

  @Override
  public String name() {
    return "glu";
  }

  @Override
  public String description() {
    return "gated linear unit a*sigmoid(b) of the halves of dim (halves that axis), as torch.nn.GLU";
  }

  @Override
  Tensor apply(Tensor x, int dim) {
    if (x.rank() == 0) {
      throw new IllegalArgumentException("activation 'glu': the input must have an axis to halve");
    }
    int n = x.dim(dim);
    if (n % 2 != 0) {
      throw new IllegalArgumentException(
          "activation 'glu': dim "
              + dim
              + " of an input of shape "
              + x.shape()
              + " has odd extent "
              + n
              + "; it must be even to split into two halves");
    }
    Tensor a = Shapes.slice(x, dim, 0, n / 2);
    Tensor b = Shapes.slice(x, dim, n / 2, n);
    return Elementwise.mul(a, Elementwise.sigmoid(b));
  }
}
