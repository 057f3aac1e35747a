package dev.heed.spark;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tensor's values on the host, as Spark ships them between the driver and the executors: float32
 * values for parameters and optimizer moments, int32 values for step counts.
 *
 * @param shape the dimensions
 * @param floats the values of a floating-point tensor, or null
 * @param ints the values of an int32 tensor, or null
 */
record TensorData(int[] shape, float[] floats, int[] ints) implements Serializable {

  /** The host copy of {@code t}. */
  static TensorData of(Tensor t) {
    int[] shape = t.shape().dims();
    return t.dtype() == DType.INT32
        ? new TensorData(shape, null, t.toIntArray())
        : new TensorData(shape, t.toFloatArray(), null);
  }

  /** Host copies of every tensor of {@code tensors}, in their order. */
  static Map<String, TensorData> of(Map<String, Tensor> tensors) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> out.put(name, of(t)));
    return out;
  }

  /** A new tensor on {@code backend} (in the caller's scope, if one is open). */
  Tensor toTensor(Backend backend) {
    return floats != null
        ? Tensors.of(backend, DType.FLOAT32, floats, shape)
        : Tensors.indices(backend, ints, shape);
  }

  /** New tensors on {@code backend}, in the order of {@code data}. */
  static Map<String, Tensor> toTensors(Map<String, TensorData> data, Backend backend) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    data.forEach((name, d) -> out.put(name, d.toTensor(backend)));
    return out;
  }
}
