package dev.heed.assembly.train;

import dev.heed.assembly.data.Batch;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * Puts a host {@link Batch} on the backend and runs the model on it. Feature rows become a FLOAT32
 * tensor {@code [B, inputs]}. Token sequences become an INT32 tensor {@code [B, T]} of ids with a
 * key-padding mask {@code [B, 1, T]} (token 0 is padding; null when no example of the batch is
 * padded), which every {@link MaskedLayer} of a {@link Sequential} receives while the activations
 * are still sequences {@code [B, T, d]}. Per-position targets and predictions are flattened to
 * {@code [B·T, classes]} for the loss. Stateless.
 */
public final class Feed {
  private Feed() {}

  /**
   * A batch on the backend.
   *
   * @param x inputs: FLOAT32 {@code [B, inputs]} or INT32 ids {@code [B, T]}
   * @param mask the additive key-padding mask {@code [B, 1, T]}, or null
   * @param y targets {@code [B, outputs]}, or {@code [B·T, classes]} per position
   */
  public record Inputs(Tensor x, Tensor mask, Tensor y) {}

  /**
   * The host arrays a batch is uploaded from: feature rows as they are, token sequences as an
   * {@code int[]} of ids and, when an example is padded, a {@code float[]} of padding flags (1 at
   * token 0). A step that is captured and replayed declares these arrays as its inputs, in the
   * order of {@link #arrays()}.
   *
   * @param x {@code float[]} feature rows or {@code int[]} ids
   * @param padded the padding flags, or null when no example is padded (always null for rows)
   * @param y the targets
   * @param rows examples
   */
  public record Host(Object x, float[] padded, float[] y, int rows) {
    /** The arrays the batch uploads: x, the padding flags when present, y. */
    public Object[] arrays() {
      return padded == null ? new Object[] {x, y} : new Object[] {x, padded, y};
    }
  }

  /** The host arrays of {@code b} ({@code in}: input width of a row; layout null for rows). */
  public static Host host(Batch b, int in, SequenceLayout layout) {
    if (layout == null) {
      return new Host(b.x(), null, b.y(), b.rows());
    }
    int[] ids = new int[b.rows() * in];
    float[] padded = new float[ids.length];
    boolean any = false;
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (int) b.x()[i];
      if (ids[i] == 0) {
        padded[i] = 1;
        any = true;
      }
    }
    return new Host(ids, any ? padded : null, b.y(), b.rows());
  }

  /**
   * The tensors of {@code b}.
   *
   * @param in input width of a row
   * @param out target width of a row
   * @param layout the sequence layout, or null for feature rows
   */
  public static Inputs of(Backend backend, Batch b, int in, int out, SequenceLayout layout) {
    return of(backend, host(b, in, layout), in, out, layout);
  }

  /** The tensors of a batch's host arrays, uploaded from those very arrays. */
  public static Inputs of(Backend backend, Host h, int in, int out, SequenceLayout layout) {
    if (layout == null) {
      return new Inputs(
          Tensors.of(backend, DType.FLOAT32, (float[]) h.x(), h.rows(), in),
          null,
          Tensors.of(backend, DType.FLOAT32, h.y(), h.rows(), out));
    }
    Tensor x = Tensors.indices(backend, (int[]) h.x(), h.rows(), in);
    Tensor mask =
        h.padded() == null
            ? null
            : AttentionMasks.keyPadding(
                Tensors.of(backend, DType.FLOAT32, h.padded(), h.rows(), in), DType.FLOAT32);
    Tensor y =
        layout.perPosition()
            ? Tensors.of(
                backend, DType.FLOAT32, h.y(), h.rows() * layout.length(), layout.vocabulary())
            : Tensors.of(backend, DType.FLOAT32, h.y(), h.rows(), out);
    return new Inputs(x, mask, y);
  }

  /**
   * Runs {@code model} on {@code in}, passing the mask to masked layers of a {@link Sequential}
   * while the activations are rank 3; per-position predictions come back as {@code [B·T, C]}.
   */
  public static Tensor forward(Layer model, Inputs in, SequenceLayout layout, ForwardContext ctx) {
    Tensor x = in.x();
    if (layout == null) {
      return model.forward(x, ctx);
    }
    if (model instanceof Sequential s) {
      for (Layer l : s.layers()) {
        x =
            l instanceof MaskedLayer m && x.rank() == 3
                ? m.forward(x, in.mask(), ctx)
                : l.forward(x, ctx);
      }
    } else {
      x = model.forward(x, ctx);
    }
    if (layout.perPosition()) {
      if (x.rank() != 3) {
        throw new IllegalArgumentException(
            "the model's output is "
                + x.shape()
                + ", expected per-position logits [batch, "
                + layout.length()
                + ", "
                + layout.vocabulary()
                + "] (end the model with lm-head or a dense layer on the sequence)");
      }
      x = x.reshape(x.dim(0) * x.dim(1), x.dim(2));
    }
    return x;
  }
}
