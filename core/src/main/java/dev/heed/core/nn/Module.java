package dev.heed.core.nn;

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

  /** The parameters, in {@link #namedParameters()} order. */
  default List<Parameter> parameters() {
    return new ArrayList<>(namedParameters().values());
  }
}
