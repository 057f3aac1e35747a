package dev.heed.tokenizers;

import java.util.Arrays;

/**
 * A trie over code points whose nodes may carry an id: longest and all-prefix matches without
 * building substrings. Edges live in one {@link PairMap} keyed by (node, code point).
 */
final class CodePointTrie {
  private final PairMap edges;
  private int[] ids = new int[64];
  private int nodes = 1;

  CodePointTrie(int expectedKeys) {
    edges = new PairMap(Math.max(16, expectedKeys * 4));
    Arrays.fill(ids, -1);
  }

  /** Adds {@code key} with {@code id}; a key added again keeps its first id. */
  void put(String key, int id) {
    int node = 0;
    for (int i = 0; i < key.length(); ) {
      int c = key.codePointAt(i);
      i += Character.charCount(c);
      long child = edges.get(node, c);
      if (child < 0) {
        if (nodes == ids.length) {
          ids = Arrays.copyOf(ids, nodes * 2);
          Arrays.fill(ids, nodes, ids.length, -1);
        }
        child = nodes++;
        edges.put(node, c, 0, (int) child);
      }
      node = (int) child;
    }
    if (node != 0 && ids[node] < 0) {
      ids[node] = id;
    }
  }

  /** The child of {@code node} by {@code c}, or -1. */
  int step(int node, int c) {
    long child = edges.get(node, c);
    return child < 0 ? -1 : (int) child;
  }

  /** The id at {@code node}, or -1. */
  int id(int node) {
    return ids[node];
  }
}
