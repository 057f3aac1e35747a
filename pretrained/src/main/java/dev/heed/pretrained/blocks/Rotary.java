package dev.heed.pretrained.blocks;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

/**
 * Rotary position embedding in the "rotate half" layout of Hugging Face's Llama: feature {@code i}
 * of the first half of a head turns with feature {@code i + d/2} by the angle {@code position ·
 * invFreq[i]}, so {@code x' = x·cos + rotateHalf(x)·sin} with {@code rotateHalf(x) = [-x₂, x₁]}.
 * The angles are computed in double precision once, for {@code maxPositions} positions, and held as
 * cos/sin tables {@code [maxPositions, d]} of the model's type. No parameters.
 */
public final class Rotary {
  private final int headDim;
  private final int maxPositions;
  private final Tensor cos;
  private final Tensor sin;

  /**
   * @param invFreq the {@code d/2} inverse frequencies (see {@link RopeFrequencies})
   * @param maxPositions the number of positions the tables cover
   */
  public Rotary(double[] invFreq, int maxPositions, Backend backend, DType dtype) {
    this.headDim = 2 * invFreq.length;
    this.maxPositions = maxPositions;
    double[] c = new double[maxPositions * headDim];
    double[] s = new double[maxPositions * headDim];
    for (int p = 0; p < maxPositions; p++) {
      for (int i = 0; i < headDim; i++) {
        double angle = p * invFreq[i % invFreq.length];
        c[p * headDim + i] = Math.cos(angle);
        s[p * headDim + i] = Math.sin(angle);
      }
    }
    this.cos =
        Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, c, maxPositions, headDim).to(dtype));
    this.sin =
        Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, s, maxPositions, headDim).to(dtype));
  }

  /** The head size {@code d}. */
  public int headDim() {
    return headDim;
  }

  /**
   * Rotates {@code x [..., T, d]} whose rows stand at positions {@code start … start + T - 1}.
   *
   * @throws IllegalArgumentException when the positions run past the tables or {@code d} differs
   */
  public Tensor apply(Tensor x, int start) {
    int t = x.dim(-2);
    if (x.dim(-1) != headDim || start < 0 || start + t > maxPositions) {
      throw new IllegalArgumentException(
          "rotary: expected [..., T, "
              + headDim
              + "] at positions below "
              + maxPositions
              + ", got "
              + x.shape()
              + " from position "
              + start);
    }
    return apply(x, Shapes.slice(cos, 0, start, start + t), Shapes.slice(sin, 0, start, start + t));
  }

  /** The operation itself, with given {@code cos} and {@code sin} broadcastable to {@code x}. */
  public static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
    int axis = x.rank() - 1;
    int half = x.dim(-1) / 2;
    Tensor x1 = Shapes.slice(x, axis, 0, half);
    Tensor x2 = Shapes.slice(x, axis, half, 2 * half);
    Tensor rotated = Shapes.concat(axis, List.of(x2.neg(), x1));
    return x.mul(cos).add(rotated.mul(sin));
  }
}
