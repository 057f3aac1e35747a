package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Tensor;
import java.util.Map;

/** PyTorch's {@code nn.Embedding}: a table {@code [count, dim]} named {@code weight}. */
public final class Embedding implements Module {
  private final Parameter weight;

  /** A zero-filled table of {@code count} rows of {@code dim}. */
  public Embedding(int count, int dim, BuildContext ctx) {
    this.weight = Weights.zeros(ctx, count, dim);
  }

  /** The rows of INT32 {@code ids [...]}: {@code [..., dim]}. */
  public Tensor forward(Tensor ids) {
    return NeuralOps.embedding(weight.value(), ids);
  }

  /** The table, which a tied output layer shares. */
  public Parameter weight() {
    return weight;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return Map.of("weight", weight);
  }
}
