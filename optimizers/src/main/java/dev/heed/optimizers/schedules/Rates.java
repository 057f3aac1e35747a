package dev.heed.optimizers.schedules;

import dev.heed.core.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Base rates: read from the optimizer, saved in and restored from a schedule's state. */
final class Rates {
  private Rates() {}

  /**
   * {@code restored} when a state was loaded (checked against the optimizer's group count), else
   * the optimizer's current rates.
   */
  static double[] baseOf(String owner, Optimizer optimizer, double[] restored) {
    int groups = optimizer.groups().size();
    if (restored != null) {
      if (restored.length != groups) {
        throw new IllegalArgumentException(
            owner
                + ": the loaded state has base rates for "
                + restored.length
                + " parameter groups but the optimizer has "
                + groups);
      }
      return restored;
    }
    return current(optimizer);
  }

  static double[] current(Optimizer optimizer) {
    double[] out = new double[optimizer.groups().size()];
    for (int g = 0; g < out.length; g++) {
      out[g] = optimizer.learningRate(g);
    }
    return out;
  }

  static void set(Optimizer optimizer, double[] rates) {
    for (int g = 0; g < rates.length; g++) {
      optimizer.setLearningRate(g, rates[g]);
    }
  }

  static void save(Map<String, Double> out, double[] base) {
    save(out, "base_lr.", base);
  }

  static void save(Map<String, Double> out, String prefix, double[] values) {
    if (values != null) {
      for (int g = 0; g < values.length; g++) {
        out.put(prefix + g, values[g]);
      }
    }
  }

  static double[] load(String owner, Map<String, Double> state) {
    return load(owner, state, "base_lr.");
  }

  /** {@code prefix0, prefix1, …} while present; null when there is none. */
  static double[] load(String owner, Map<String, Double> state, String prefix) {
    List<Double> values = new ArrayList<>();
    for (int g = 0; state.containsKey(prefix + g); g++) {
      values.add(state.get(prefix + g));
    }
    return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  static double require(String owner, Map<String, Double> state, String key) {
    Double v = state.get(key);
    if (v == null) {
      throw new IllegalArgumentException(
          owner + ": loadState: the state has no '" + key + "'; it has " + state.keySet());
    }
    return v;
  }
}
