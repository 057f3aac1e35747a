package dev.heed.core.optim;

import dev.heed.core.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters that share optimizer settings, as PyTorch's parameter groups: for example weight decay
 * off for biases and norm weights.
 *
 * @param parameters the parameters by name (names key the optimizer state in checkpoints)
 * @param overrides option values that replace the optimizer's own for this group (validated against
 *     the optimizer's schema)
 */
public record ParameterGroup(Map<String, Parameter> parameters, Map<String, Object> overrides) {

  /** Defensive copies preserving order. */
  public ParameterGroup {
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    overrides = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /** One group of {@code parameters} with the optimizer's own settings. */
  public static ParameterGroup of(Map<String, Parameter> parameters) {
    return new ParameterGroup(parameters, Map.of());
  }
}
