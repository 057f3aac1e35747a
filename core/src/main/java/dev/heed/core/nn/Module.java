package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Something that owns parameters: a layer, an activation with a learnable slope, an attention unit.
 */
public interface Module {

  /**
   * Parameters by dotted name, in a stable order, named as PyTorch's {@code state_dict} names the
   * same parts ({@code weight}, {@code bias}, {@code 0.weight}, {@code out_proj.bias}).
   */
  default Map<String, Parameter> namedParameters() {
    return Map.of();
  }

  /**
   * Non-trainable state by dotted name, as PyTorch's {@code state_dict} names its buffers (a batch
   * norm's {@code running_mean}, {@code running_var} and {@code num_batches_tracked}): saved and
   * loaded with the parameters, never given to an optimizer. The tensors live outside any scope and
   * the module updates them in place. None by default.
   */
  default Map<String, Tensor> namedBuffers() {
    return Map.of();
  }

  /** The parameters, in {@link #namedParameters()} order. */
  default List<Parameter> parameters() {
    return new ArrayList<>(namedParameters().values());
  }
}
