package dev.heed.attention.blocks;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

/**
 * Rotary position embedding (RoFormer) in the "rotate half" layout of Hugging Face's Llama and
 * GPT-NeoX: feature {@code i < d/2} of a head turns with feature {@code i + d/2} by {@code position
 * · θ^(-2i/d)}, so {@code x' = x·cos + [-x₂, x₁]·sin}. The angles are computed in double precision
 * once and kept as cos/sin tables {@code [maxPositions, d]} of the model's type. No parameters.
 */
public final class RotaryEmbedding {
  private final int headDim;
  private final int maxPositions;
  private final Tensor cos;
  private final Tensor sin;

  /**
   * @param headDim the (even) size of a head
   * @param theta the base of the frequencies ({@code rope_theta}, 10000 in most models)
   * @param maxPositions the positions the tables cover
   */
  public RotaryEmbedding(
      int headDim, double theta, int maxPositions, Backend backend, DType dtype) {
    if (headDim <= 0 || headDim % 2 != 0 || !(theta > 1) || maxPositions <= 0) {
      throw new IllegalArgumentException(
          "rotary embedding: needs an even head size, a base above 1 and positions, got head size "
              + headDim
              + ", base "
              + theta
              + ", "
              + maxPositions
              + " positions");
    }
    this.headDim = headDim;
    this.maxPositions = maxPositions;
    double[] c = new double[maxPositions * headDim];
    double[] s = new double[maxPositions * headDim];
    int half = headDim / 2;
    for (int p = 0; p < maxPositions; p++) {
      for (int i = 0; i < headDim; i++) {
        double angle = p / Math.pow(theta, (2.0 * (i % half)) / headDim);
        c[p * headDim + i] = Math.cos(angle);
        s[p * headDim + i] = Math.sin(angle);
      }
    }
    this.cos =
        Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, c, maxPositions, headDim).to(dtype));
    this.sin =
        Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, s, maxPositions, headDim).to(dtype));
  }

  /** Rotates {@code x [..., T, d]} whose rows stand at positions {@code start … start + T - 1}. */
  public Tensor apply(Tensor x, int start) {
    int t = x.dim(-2);
    if (x.dim(-1) != headDim || start < 0 || start + t > maxPositions) {
      throw new IllegalArgumentException(
          "rotary embedding: expected [..., T, "
              + headDim
              + "] within "
              + maxPositions
              + " positions, got "
              + x.shape()
              + " from position "
              + start);
    }
    Tensor c = Shapes.slice(cos, 0, start, start + t);
    Tensor s = Shapes.slice(sin, 0, start, start + t);
    int axis = x.rank() - 1;
    int half = headDim / 2;
    Tensor rotated =
        Shapes.concat(
            axis,
            List.of(Shapes.slice(x, axis, half, headDim).neg(), Shapes.slice(x, axis, 0, half)));
    return x.mul(c).add(rotated.mul(s));
  }
}
