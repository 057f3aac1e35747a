package dev.heed.attention;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generated digit-sequence tasks: sequences of {@code length} digits {@code 0 … 9}, and as target
 * at each position either the sequence reversed or sorted. Deterministic for a seed.
 */
final class DigitSequences {
  static final int DIGITS = 10;

  /** What the target is. */
  enum Task {
    REVERSE,
    SORT
  }

  /**
   * One batch.
   *
   * @param inputs {@code [batch, length]} row-major
   * @param targets {@code [batch, length]} row-major
   */
  record Batch(int[] inputs, int[] targets, int size, int length) {}

  private final Task task;
  private final int length;

  DigitSequences(Task task, int length) {
    this.task = task;
    this.length = length;
  }

  Batch batch(int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] in = new int[size * length];
    int[] out = new int[size * length];
    for (int b = 0; b < size; b++) {
      int[] row = new int[length];
      for (int i = 0; i < length; i++) {
        row[i] = r.nextInt(DIGITS);
      }
      System.arraycopy(row, 0, in, b * length, length);
      int[] target = row.clone();
      if (task == Task.SORT) {
        Arrays.sort(target);
      } else {
        for (int i = 0; i < length; i++) {
          target[i] = row[length - 1 - i];
        }
      }
      System.arraycopy(target, 0, out, b * length, length);
    }
    return new Batch(in, out, size, length);
  }
}
