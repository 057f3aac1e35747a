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
  private static final int[] NO_VERSIONS = new int[0];

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
  private final Node[] edges;
  private final Tensor[] saved;
  private final int[] savedVersions;
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
   * @param edges per input, the entry that produced it, or null
   * @param saved the tensors the backward reads (their versions are taken now)
   * @param backward the gradient formula
   */
  Node(String op, Shape shape, Tensor[] inputs, Node[] edges, Tensor[] saved, Backward backward) {
    this.op = op;
    this.shape = shape;
    this.inputs = inputs;
    this.edges = edges;
    this.saved = saved;
    if (saved.length == 0) {
      this.savedVersions = NO_VERSIONS;
    } else {
      this.savedVersions = new int[saved.length];
      for (int i = 0; i < saved.length; i++) {
        savedVersions[i] = saved[i] == null ? 0 : saved[i].version();
      }
    }
    this.backward = backward;
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

  Node[] edges() {
    return edges;
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
      if (t != null && t.version() != savedVersions[i]) {
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
                + savedVersions[i]
                + ", it is now "
                + t.version()
                + "); compute the value out of place, or clone it before changing it");
      }
    }
  }
}
