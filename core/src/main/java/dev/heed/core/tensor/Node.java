package dev.heed.core.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One entry of the tape: the operation that produced a tensor, its inputs, and how to turn the
 * output's gradient into the inputs' gradients. Entries are ordered by a global sequence number, so
 * walking them in decreasing order replays the tape in reverse.
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
  private final Tensor[] inputs;
  private final Backward backward;

  Node(String op, Tensor[] inputs, Backward backward) {
    this.op = op;
    this.inputs = inputs;
    this.backward = backward;
  }

  long sequence() {
    return sequence;
  }

  String op() {
    return op;
  }

  Tensor[] inputs() {
    return inputs;
  }

  Backward backward() {
    return backward;
  }
}
