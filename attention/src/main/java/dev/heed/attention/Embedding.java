package dev.heed.attention;

import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.Map;

/**
 * A lookup table as {@code nn.Embedding(num_embeddings, embedding_dim)}: parameter {@code weight
 * [V, D]} (standard normal, as PyTorch). Input: token indices of any shape, INT32 (floating inputs
 * holding whole numbers are converted); an index outside {@code [0, V)} is an error (checked by the
 * backend); output {@code [..., D]}, optionally times {@code √D}.
 */
final class Embedding implements StepLayer.Positionwise {
  private final int vocabulary;
  private final Parameter weight;
  private final double scale;

  Embedding(int vocabulary, int dim, boolean scaleBySqrtDim, BuildContext ctx) {
    this.vocabulary = vocabulary;
    this.weight =
        Parameter.create(
            ctx, Shape.of(vocabulary, dim), Inits.normal(1.0), new Fan(dim, vocabulary));
    this.scale = scaleBySqrtDim ? Math.sqrt(dim) : 1.0;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor indices =
        input.dtype() == DType.INT32 ? input : Shapes.cast(input.detach(), DType.INT32);
    Tensor y;
    try {
      y = NeuralOps.embedding(weight.value(), indices);
    } catch (IllegalArgumentException e) {
      // the backend checks the indices where they live (no download here)
      throw new IllegalArgumentException(
          "embedding: the tokens of input "
              + input.shape()
              + " must lie in the vocabulary [0, "
              + vocabulary
              + "): "
              + e.getMessage(),
          e);
    }
    return scale == 1.0 ? y : y.mul(scale);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return Map.of("weight", weight);
  }
}
