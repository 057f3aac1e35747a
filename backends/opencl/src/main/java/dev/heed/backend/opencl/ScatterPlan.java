package dev.heed.backend.opencl;

import java.util.Arrays;

/**
 * The plan of a deterministic {@code scatterAdd}: the positions of the indices grouped by target,
 * in index order, so one work item per target sums its sources in the order of the sequential
 * definition (no atomics, no dependence on scheduling). Layout of the int array for {@code U}
 * distinct targets and {@code count} indices: {@code U + 1} group starts, then the {@code U}
 * targets, then the {@code count} positions.
 */
final class ScatterPlan {
  private ScatterPlan() {}

  /** The plan for {@code indices} (each already checked to be in range). */
  static int[] of(int[] indices) {
    int count = indices.length;
    Integer[] order = new Integer[count];
    for (int j = 0; j < count; j++) {
      order[j] = j;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(indices[x], indices[y])); // stable: keeps j order
    int unique = 0;
    for (int q = 0; q < count; q++) {
      if (q == 0 || indices[order[q]] != indices[order[q - 1]]) {
        unique++;
      }
    }
    int[] plan = new int[2 * unique + 1 + count];
    int u = 0;
    for (int q = 0; q < count; q++) {
      if (q == 0 || indices[order[q]] != indices[order[q - 1]]) {
        plan[u] = q;
        plan[unique + 1 + u] = indices[order[q]];
        u++;
      }
      plan[2 * unique + 1 + q] = order[q];
    }
    plan[unique] = count;
    return plan;
  }

  /** The number of distinct targets of a plan for {@code count} indices. */
  static int unique(int[] plan, int count) {
    return (plan.length - 1 - count) / 2;
  }
}
