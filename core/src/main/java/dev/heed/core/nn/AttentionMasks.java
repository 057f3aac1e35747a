package dev.heed.core.nn;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * Builds the additive masks that {@link AttentionUnit#attend} takes: 0 keeps a position, {@code -∞}
 * removes it (its weight becomes exactly 0). Boolean-like inputs follow PyTorch: a non-zero (true)
 * entry marks a position to <em>remove</em> ({@code key_padding_mask}, boolean {@code attn_mask}).
 * Masks combine by addition ({@link #combine}). None of these records a gradient.
 */
public final class AttentionMasks {
  private AttentionMasks() {}

  /**
   * A key-padding mask from {@code padded [batch, keys]} (INT32 or floating, non-zero = padding, as
   * PyTorch's {@code key_padding_mask}): the additive mask {@code [batch, 1, keys]}, which
   * broadcasts over the queries (and over heads in multi-head attention).
   *
   * @param dtype the element type of the scores it will be added to
   */
  public static Tensor keyPadding(Tensor padded, DType dtype) {
    if (padded.rank() != 2) {
      throw new IllegalArgumentException(
          "key padding mask: expected [batch, keys] with non-zero at padded keys, got "
              + padded.shape());
    }
    return Shapes.unsqueeze(fromBoolean(padded, dtype), 1);
  }

  /**
   * A key-padding mask {@code [batch, 1, keys]} from sequence lengths: example {@code b} keeps keys
   * {@code 0 … lengths[b]-1} and removes the rest.
   *
   * @throws IllegalArgumentException when a length is not in {@code [1, keys]}
   */
  public static Tensor fromLengths(Backend backend, DType dtype, int[] lengths, int keys) {
    double[] m = new double[lengths.length * keys];
    for (int b = 0; b < lengths.length; b++) {
      if (lengths[b] < 1 || lengths[b] > keys) {
        throw new IllegalArgumentException(
            "key padding mask: length "
                + lengths[b]
                + " of example "
                + b
                + " is not in [1, "
                + keys
                + "] (every sequence needs at least one key and at most the padded length)");
      }
      for (int j = lengths[b]; j < keys; j++) {
        m[b * keys + j] = Double.NEGATIVE_INFINITY;
      }
    }
    return Tensors.of(backend, dtype, m, lengths.length, 1, keys);
  }

  /**
   * A causal mask {@code [queries, keys]}: query {@code i} may attend to keys {@code j <= i} only,
   * as PyTorch's {@code nn.Transformer.generate_square_subsequent_mask} for square shapes.
   */
  public static Tensor causal(Backend backend, DType dtype, int queries, int keys) {
    if (queries <= 0 || keys <= 0) {
      throw new IllegalArgumentException(
          "causal mask: queries and keys must be positive, got " + queries + " and " + keys);
    }
    double[] m = new double[queries * keys];
    for (int i = 0; i < queries; i++) {
      for (int j = i + 1; j < keys; j++) {
        m[i * keys + j] = Double.NEGATIVE_INFINITY;
      }
    }
    return Tensors.of(backend, dtype, m, queries, keys);
  }

  /**
   * The additive mask of a boolean-like mask of any shape (INT32 or floating; non-zero = remove, as
   * PyTorch's boolean {@code attn_mask}): {@code -∞} where non-zero, 0 elsewhere, same shape.
   */
  public static Tensor fromBoolean(Tensor removed, DType dtype) {
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException(
          "attention mask: the additive mask needs a floating type, got " + dtype);
    }
    Tensor cond = removed.dtype() == dtype ? removed.detach() : Shapes.cast(removed, dtype);
    Backend b = removed.backend();
    return Elementwise.where(
        cond, Tensors.scalar(b, dtype, Double.NEGATIVE_INFINITY), Tensors.scalar(b, dtype, 0.0));
  }

  /** The sum of two additive masks (either may be null; null when both are). */
  public static Tensor combine(Tensor a, Tensor b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return Elementwise.add(a, b);
  }
}
