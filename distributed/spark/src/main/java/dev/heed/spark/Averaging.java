package dev.heed.spark;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weighted average of the partitions' tensors, each weighted by the rows it trained on in the
 * round, summed in partition order in double precision: the result depends on the partitions'
 * values only, never on which finished first. With one step per round and plain SGD this is the
 * step of the whole global batch: {@code Σ wᵢ(p − η gᵢ) = p − η Σ wᵢ gᵢ}, and {@code Σ wᵢ gᵢ} is
 * the gradient of the mean loss over all rows. Integer entries (step counts) take the largest
 * value. An entry missing from some partitions (optimizer state that a partition without rows never
 * created) is averaged over those that have it.
 */
final class Averaging {
  private Averaging() {}

  /**
   * @param maps the partitions' tensors, in partition order
   * @param weights the partitions' rows
   */
  static Map<String, TensorData> average(List<Map<String, TensorData>> maps, long[] weights) {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < maps.size(); i++) {
      if (weights[i] > 0) {
        names.addAll(maps.get(i).keySet());
      }
    }
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (String name : names) {
      TensorData first = null;
      double total = 0;
      for (int i = 0; i < maps.size(); i++) {
        TensorData d = maps.get(i).get(name);
        if (d != null && weights[i] > 0) {
          first = first == null ? d : first;
          total += weights[i];
        }
      }
      if (first.ints() != null) {
        int[] max = first.ints().clone();
        for (int i = 0; i < maps.size(); i++) {
          TensorData d = maps.get(i).get(name);
          if (d != null && weights[i] > 0) {
            for (int k = 0; k < max.length; k++) {
              max[k] = Math.max(max[k], d.ints()[k]);
            }
          }
        }
        out.put(name, new TensorData(first.shape(), null, max));
        continue;
      }
      double[] sum = new double[first.floats().length];
      for (int i = 0; i < maps.size(); i++) {
        TensorData d = maps.get(i).get(name);
        if (d == null || weights[i] == 0) {
          continue;
        }
        double w = weights[i] / total;
        float[] v = d.floats();
        for (int k = 0; k < sum.length; k++) {
          sum[k] += w * v[k];
        }
      }
      float[] values = new float[sum.length];
      for (int k = 0; k < sum.length; k++) {
        values[k] = (float) sum[k];
      }
      out.put(name, new TensorData(first.shape(), values, null));
    }
    return out;
  }
}
