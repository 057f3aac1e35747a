package dev.heed.pretrained.blocks;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys and values of a decoder's earlier positions, so that generation runs each new token through
 * the model once instead of re-running the prefix. One preallocated {@code [B, Hkv, capacity, d]}
 * pair per layer; appending writes the new rows into it in place and attention reads a view of the
 * filled part, so no step copies what earlier steps stored. For inference (no gradients through the
 * cache). Closing frees the buffers.
 */
public final class KvCache implements AutoCloseable {
  private final List<Layer> layers = new ArrayList<>();
  private final int capacity;

  /**
   * @param layers decoder layers
   * @param batch sequences decoded together
   * @param kvHeads key/value heads per layer
   * @param headDim size of a head
   * @param capacity positions it can hold (prompt plus generated tokens)
   */
  public KvCache(
      int layers, int batch, int kvHeads, int headDim, int capacity, Backend backend, DType dtype) {
    this.capacity = capacity;
    Shape shape = Shape.of(batch, kvHeads, capacity, headDim);
    for (int i = 0; i < layers; i++) {
      Tensor k = Scope.outside(() -> dev.heed.core.tensor.Tensors.zeros(backend, shape, dtype));
      Tensor v = Scope.outside(() -> dev.heed.core.tensor.Tensors.zeros(backend, shape, dtype));
      this.layers.add(new Layer(k, v));
    }
  }

  /** The cache of decoder layer {@code i}. */
  public Layer layer(int i) {
    return layers.get(i);
  }

  /** Positions held so far (the same in every layer once a step has run through all). */
  public int length() {
    return layers.isEmpty() ? 0 : layers.get(0).length;
  }

  /** Positions it can hold. */
  public int capacity() {
    return capacity;
  }

  @Override
  public void close() {
    for (Layer l : layers) {
      l.keys.close();
      l.values.close();
    }
  }

  /** One layer's keys and values. */
  public static final class Layer {
    private final Tensor keys;
    private final Tensor values;
    private int length;

    Layer(Tensor keys, Tensor values) {
      this.keys = keys;
      this.values = values;
    }

    /** Positions held. */
    public int length() {
      return length;
    }

    /**
     * Writes {@code k} and {@code v} ({@code [B, Hkv, T, d]}) after the held positions and returns
     * views of all held keys and values, {@code [B, Hkv, length + T, d]}.
     *
     * @throws IllegalStateException when the cache is full
     */
    public Tensor[] append(Tensor k, Tensor v) {
      int t = k.dim(2);
      if (length + t > keys.dim(2)) {
        throw new IllegalStateException(
            "kv cache: "
                + (length + t)
                + " positions do not fit its capacity of "
                + keys.dim(2)
                + " (make the cache larger)");
      }
      Elementwise.assign(Shapes.slice(keys, 2, length, length + t), k);
      Elementwise.assign(Shapes.slice(values, 2, length, length + t), v);
      length += t;
      return new Tensor[] {Shapes.slice(keys, 2, 0, length), Shapes.slice(values, 2, 0, length)};
    }
  }
}
