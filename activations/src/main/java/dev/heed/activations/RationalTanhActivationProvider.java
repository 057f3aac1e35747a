package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.abs;
import static dev.heed.core.tensor.Elementwise.add;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.div;
import static dev.heed.core.tensor.Elementwise.mul;
import static dev.heed.core.tensor.Elementwise.square;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * A rational approximation of {@code 1.7159·tanh(2x/3)} (as DL4J's {@code rationaltanh}, after
 * arXiv:1508.01292): with {@code y = 2x/3}, {@code 1.7159·sgn(y)·(1 - 1/(1 + |y| + y² +
 * 1.41645·y⁴))}. It is written as {@code 1.7159·y·(1 + |y| + 1.41645·y²|y|)/(1 + |y| + y² +
 * 1.41645·y⁴)}, the same function, so that the derivative at 0 is the true one ({@code 1.7159·2/3})
 * rather than the 0 that {@code sgn} would give.
 */
public final class RationalTanhActivationProvider extends ElementwiseActivationProvider {

  private static final double C = 1.41645;

  static Tensor apply(Tensor x) {
    Tensor y = affine(x, 2.0 / 3, 0);
    Tensor a = abs(y);
    Tensor y2 = square(y);
    Tensor num = mul(y, add(affine(a, 1, 1), affine(mul(y2, a), C, 0)));
    Tensor den = add(add(affine(a, 1, 1), y2), affine(square(y2), C, 0));
    return affine(div(num, den), 1.7159, 0);
  }

  /** Cheap; for ServiceLoader. */
  public RationalTanhActivationProvider() {}

  @Override
  public String name() {
    return "rational-tanh";
  }

  @Override
  public String description() {
    return "1.7159*tanh(2x/3) with a rational approximation of tanh (DL4J rationaltanh)";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return RationalTanhActivationProvider::apply;
  }
}
