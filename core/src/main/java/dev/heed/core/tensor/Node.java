package dev.heed.core.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One entry of the tape: the operation that produced a tensor, its inputs with the entries that
 * produced them at the time (the edges backward follows), the tensors its gradient formula reads,
 * and how to turn the output's gradient into the inputs' gradients. Entries are ordered by a global
 * sequence number, so walking them in decreasing order replays the tape in reverse.
 *
 * <p>Edges point to entries, not tensors: when a recorded write into a tensor gives it a new entry,
 * the operations that read it before still send their gradients to the entry that was current when
 * they read it.
 */
final class Node {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  /**
   * Gradients of the inputs (null entries for inputs that need none) from the output's gradient.
   */
  @FunctionalInterface
  interface Backward {
    Tensor[] apply(Tensor gradOutput);
  }

  private final long sequence = SEQUENCE.incrementAndGet();
  private final String op;
  private final Shape shape;
  private final Tensor[] inputs;

  /** The entries of the first two inputs, and of the rest (null when there are at most two). */
  private final Node edge0;

  private final Node edge1;
  private final Node[] moreEdges;
  private final Tensor[] saved;

  /** The versions of the first two saved tensors, and of the rest (null when there are none). */
  private final int version0;

  private final int version1;
  private final int[] moreVersions;

  private final Backward backward;

  /** During {@code backward}: the gradient gathered so far for this entry's output, or null. */
  Tensor pendingGrad;

  /** The last graph walk that visited this entry (see {@code Autograd}). */
  long visitedInWalk;

  /**
   * @param op the operation's name, for messages
   * @param shape the output's shape
   * @param inputs the inputs (null entries allowed); an input that requires a gradient and has no
   *     edge is a leaf whose gradient accumulates
   * @param saved the tensors the backward reads (their versions are taken now)
   * @param backward the gradient formula
   */
  Node(String op, Shape shape, Tensor[] inputs, Tensor[] saved, Backward backward) {
    this.op = op;
    this.shape = shape;
    this.inputs = inputs;
    // each input's entry at this moment: a later recorded write gives the input a new one, and this
    // operation's gradient must still go to the value it read
    int n = inputs.length;
    this.edge0 = n > 0 ? entryOf(inputs[0]) : null;
    this.edge1 = n > 1 ? entryOf(inputs[1]) : null;
    if (n > 2) {
      this.moreEdges = new Node[n - 2];
      for (int i = 2; i < n; i++) {
        moreEdges[i - 2] = entryOf(inputs[i]);
      }
    } else {
      this.moreEdges = null;
    }
    this.saved = saved;
    int s = saved.length;
    this.version0 = s > 0 ? versionOf(saved[0]) : 0;
    this.version1 = s > 1 ? versionOf(saved[1]) : 0;
    if (s > 2) {
      this.moreVersions = new int[s - 2];
      for (int i = 2; i < s; i++) {
        moreVersions[i - 2] = versionOf(saved[i]);
      }
    } else {
      this.moreVersions = null;
    }
    this.backward = backward;
  }

  private static int versionOf(Tensor t) {
    return t == null ? 0 : t.version();
  }

  private int savedVersion(int i) {
    return i == 0 ? version0 : i == 1 ? version1 : moreVersions[i - 2];
  }

  long sequence() {
    return sequence;
  }

  String op() {
    return op;
  }

  Shape shape() {
    return shape;
  }

  Tensor[] inputs() {
    return inputs;
  }

  /** The entry that produced input {@code i} when this operation read it, or null (a leaf). */
  Node edge(int i) {
    return i == 0 ? edge0 : i == 1 ? edge1 : moreEdges[i - 2];
  }

  private static Node entryOf(Tensor t) {
    return t == null ? null : t.currentNode();
  }

  Backward backward() {
    return backward;
  }

  /**
   * Requires every saved tensor to be unchanged since the operation read it.
   *
   * @throws IllegalStateException naming the operation and the tensor when one was modified in
   *     place
   */
  void checkSaved() {
    for (int i = 0; i < saved.length; i++) {
      Tensor t = saved[i];
      int when = savedVersion(i);
      if (t != null && t.version() != when) {
        throw new IllegalStateException(
            "backward: the gradient of '"
                + op
                + "' needs a tensor "
                + t.shape()
                + " "
                + t.dtype()
                + " that was modified by an in-place operation after '"
                + op
                + "' used it (its version was "
                + when
                + ", it is now "
                + t.version()
                + "); compute the value out of place, or clone it before changing it");
      }
    }
  }
}
