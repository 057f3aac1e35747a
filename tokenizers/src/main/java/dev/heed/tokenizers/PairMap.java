package dev.heed.tokenizers;

import java.util.Arrays;

/** Open-addressing map from a pair of ids to (rank, new id), for BPE merges. */
final class PairMap {
  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  PairMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    Arrays.fill(keys, -1L);
    mask = cap - 1;
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  private static int hash(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
  }

  /** Sets the pair's rank and new id; a later put for the same pair wins, as in HF. */
  void put(int a, int b, int rank, int newId) {
    if (size * 2 >= keys.length) {
      grow();
    }
    long k = key(a, b);
    int i = hash(k) & mask;
    while (keys[i] != -1L && keys[i] != k) {
      i = (i + 1) & mask;
    }
    if (keys[i] == -1L) {
      size++;
    }
    keys[i] = k;
    values[i] = ((long) rank << 32) | (newId & 0xFFFFFFFFL);
  }

  /** {@code rank << 32 | newId}, or -1 if the pair does not merge. */
  long get(int a, int b) {
    long k = key(a, b);
    int i = hash(k) & mask;
    while (true) {
      long ki = keys[i];
      if (ki == k) {
        return values[i];
      }
      if (ki == -1L) {
        return -1L;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    Arrays.fill(keys, -1L);
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != -1L) {
        long k = oldKeys[i];
        int j = hash(k) & mask;
        while (keys[j] != -1L) {
          j = (j + 1) & mask;
        }
        keys[j] = k;
        values[j] = oldValues[i];
        size++;
      }
    }
  }
}
