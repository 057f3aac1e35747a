package dev.heed.pretrained.blocks;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

/**
 * Rotary position embedding in the "rotate half" layout of Hugging Face's Llama: feature {@code i}
 * of the first half of a head turns with feature {@code i + d/2} by the angle {@code position ·
 * invFreq[i]}, so {@code x' = x·cos + rotateHalf(x)·sin} with {@code rotateHalf(x) = [-x₂, x₁]}.
 * The angles are computed in double precision and held as cos/sin tables {@code [positions, d]} of
 * the model's type, for the positions asked for so far. No parameters; not thread-safe.
 */
public final class Rotary {
  /** Positions of the first tables; they grow by doubling as longer sequences come. */
  private static final int FIRST = 256;

  private final int headDim;
  private final int maxPositions;
  private final double[] invFreq;
  private final Backend backend;
  private final DType dtype;
  private int covered;
  private Tensor cos;
  private Tensor sin;

  /**
   * @param invFreq the {@code d/2} inverse frequencies (see {@link RopeFrequencies})
   * @param maxPositions the positions the model supports; the tables cover what has been asked for
   *     so far (a model of 131,072 positions does not hold tables for all of them)
   */
  public Rotary(double[] invFreq, int maxPositions, Backend backend, DType dtype) {
    this.headDim = 2 * invFreq.length;
    this.maxPositions = maxPositions;
    this.invFreq = invFreq.clone();
    this.backend = backend;
    this.dtype = dtype;
    cover(Math.min(FIRST, maxPositions));
  }

  private void cover(int positions) {
    int d = headDim;
    double[] c = new double[positions * d];
    double[] s = new double[positions * d];
    for (int p = 0; p < positions; p++) {
      for (int i = 0; i < d; i++) {
        double angle = p * invFreq[i % invFreq.length];
        c[p * d + i] = Math.cos(angle);
        s[p * d + i] = Math.sin(angle);
      }
    }
    // smaller tables are not closed here: a tape not yet run backward may hold views of them;
    // they go with their last reference (the tensors' cleaner)
    cos = Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, c, positions, d).to(dtype));
    sin = Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, s, positions, d).to(dtype));
    covered = positions;
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
    if (start + t > covered) {
      cover(Math.min(maxPositions, Math.max(2 * covered, start + t)));
    }
    return apply(x, Shapes.slice(cos, 0, start, start + t), Shapes.slice(sin, 0, start, start + t));
  }

  /**
   * Rotates {@code x [B, H, T, d]} whose rows stand at the positions {@code positions} (INT32
   * {@code [B, T]}, each row its own positions, as in a left-padded batch).
   */
  public Tensor apply(Tensor x, Tensor positions) {
    int[] p = positions.toIntArray();
    int most = 0;
    for (int v : p) {
      if (v < 0 || v >= maxPositions) {
        throw new IllegalArgumentException(
            "rotary: position " + v + " outside the model's " + maxPositions + " positions");
      }
      most = Math.max(most, v);
    }
    if (most >= covered) {
      cover(Math.min(maxPositions, Math.max(2 * covered, most + 1)));
    }
    Tensor c = Shapes.unsqueeze(NeuralOps.embedding(cos, positions), 1);
    Tensor s = Shapes.unsqueeze(NeuralOps.embedding(sin, positions), 1);
    return apply(x, c, s);
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
