package dev.heed.core.io;

import dev.heed.core.nn.Module;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A module's parameters and buffers ({@link Module#namedBuffers()}, such as a batch norm's running
 * statistics) as named tensors — PyTorch's {@code state_dict} — and their exchange with safetensors
 * files.
 */
public final class StateDicts {
  private StateDicts() {}

  /** The parameter tensors of {@code module} by name, then its buffers (shared, not copied). */
  public static Map<String, Tensor> of(Module module) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    module.namedParameters().forEach((k, p) -> m.put(k, p.value()));
    m.putAll(module.namedBuffers());
    return m;
  }

  /** Saves {@code module}'s parameters and buffers to {@code file} atomically. */
  public static void save(Module module, Path file, Map<String, String> metadata)
      throws IOException {
    SafeTensors.write(file, of(module), metadata);
  }

  /**
   * Copies {@code state} into {@code module}'s parameters and buffers, converting the element type
   * when needed. Strict: every parameter and buffer must be present with its shape, and no extra
   * name may appear.
   *
   * @throws IllegalArgumentException listing missing, unexpected and mis-shaped names
   */
  @SuppressWarnings("try")
  public static void load(Module module, Map<String, Tensor> state) {
    Map<String, Tensor> params = of(module);
    List<String> problems = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>(params.keySet());
    missing.removeAll(state.keySet());
    TreeSet<String> unexpected = new TreeSet<>(state.keySet());
    unexpected.removeAll(params.keySet());
    if (!missing.isEmpty()) {
      problems.add("missing " + missing);
    }
    if (!unexpected.isEmpty()) {
      problems.add("unexpected " + unexpected);
    }
    for (var e : params.entrySet()) {
      Tensor t = state.get(e.getKey());
      if (t != null && !t.shape().equals(e.getValue().shape())) {
        problems.add(
            "'"
                + e.getKey()
                + "' has shape "
                + t.shape()
                + ", the model expects "
                + e.getValue().shape());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "the weights do not fit the model: "
              + String.join("; ", problems)
              + "; the model's parameters are "
              + params.keySet());
    }
    try (GradMode off = GradMode.disable()) {
      for (var e : params.entrySet()) {
        Tensor target = e.getValue();
        Tensor source = state.get(e.getKey());
        if (source.backend() != target.backend() || source.dtype() != target.dtype()) {
          source = dev.heed.core.tensor.Tensors.copyTo(source, target.backend()).to(target.dtype());
        }
        Elementwise.assign(target, source);
      }
    }
  }
}
