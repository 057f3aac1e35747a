package dev.heed.tokenizers;

import java.util.Arrays;

/** A growable list of ints. */
final class IntList {
  private int[] data;
  private int size;

  IntList(int capacity) {
    data = new int[Math.max(capacity, 4)];
  }

  void add(int v) {
    if (size == data.length) {
      data = Arrays.copyOf(data, size * 2);
    }
    data[size++] = v;
  }

  void add(int a, int b, int c) {
    add(a);
    add(b);
    add(c);
  }

  int get(int i) {
    return data[i];
  }

  void set(int i, int v) {
    data[i] = v;
  }

  int size() {
    return size;
  }

  int[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
