package dev.heed.attention;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A residual connection {@code x + dropout(inner(x))}; the inner layer keeps [..., d] and its
 * parameters are named {@code inner.<name>}.
 */
final class Residual implements Layer {
  private final Layer inner;
  private final double dropout;

  Residual(Layer inner, double dropout) {
    this.inner = inner;
    this.dropout = dropout;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor y = inner.forward(input, ctx);
    if (!y.shape().equals(input.shape())) {
      throw new IllegalArgumentException(
          "residual: the inner layer maps "
              + input.shape()
              + " to "
              + y.shape()
              + "; a residual connection needs the same shape");
    }
    return input.add(Dropouts.apply(y, dropout, ctx));
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    inner.namedParameters().forEach((k, p) -> m.put("inner." + k, p));
    return m;
  }
}
