package dev.heed.core.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Reverse-mode differentiation over the tape recorded by the operations. */
final class Autograd {
  /** For operations whose gradient reads no tensor (sums, views, copies). */
  static final Tensor[] NONE = new Tensor[0];

  /** Numbers the graph walks, so an entry marks itself visited without a set. */
  private static final AtomicLong WALKS = new AtomicLong();

  private static final Comparator<Node> LATEST_FIRST =
      Comparator.comparingLong(Node::sequence).reversed();

  private Autograd() {}

  /**
   * Records {@code out} as produced by {@code op} from {@code inputs} when recording is on and some
   * input requires a gradient; the gradient formula reads the inputs (they are checked for in-place
   * changes before it runs). Returns {@code out}.
   */
  static Tensor record(Tensor out, String op, Node.Backward backward, Tensor... inputs) {
    return record(out, op, inputs, backward, inputs);
  }

  /**
   * As {@link #record(Tensor, String, Node.Backward, Tensor...)}, with the tensors the gradient
   * formula reads named in {@code saved} ({@link #NONE} for none).
   */
  static Tensor record(
      Tensor out, String op, Tensor[] saved, Node.Backward backward, Tensor... inputs) {
    if (!GradMode.isEnabled()) {
      return out;
    }
    for (Tensor in : inputs) {
      if (in != null && in.requiresGrad()) {
        attach(out, op, saved, backward, inputs);
        return out;
      }
    }
    return out;
  }

  /** Records a view's entry, whose gradient formula reads no tensor. */
  static Tensor recordView(Tensor out, String op, Node.Backward backward, Tensor... inputs) {
    return record(out, op, NONE, backward, inputs);
  }

  /**
   * Gives {@code out} the entry {@code op} over {@code inputs} whatever the {@link GradMode}: for a
   * view re-deriving its entry from its base, which must happen once, whenever it is noticed.
   */
  static void attach(
      Tensor out, String op, Tensor[] saved, Node.Backward backward, Tensor... inputs) {
    // the inputs array is the caller's varargs array, made for this call
    out.node = new Node(op, out.shape(), inputs, saved, backward);
    out.requiresGradInternal();
  }

  @SuppressWarnings("try")
  static void backward(Tensor root, Tensor gradRoot) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException(
          "backward: the tensor "
              + root.shape()
              + " does not depend on any tensor that requires a gradient"
              + " (were the parameters created with requiresGrad, and was GradMode on?)");
    }
    if (!gradRoot.shape().equals(root.shape())) {
      throw new IllegalArgumentException(
          "backward: gradient shape "
              + gradRoot.shape()
              + " does not match the tensor's shape "
              + root.shape());
    }
    Node rootNode = root.currentNode();
    try (GradMode off = GradMode.disable()) {
      if (rootNode == null) {
        accumulateLeaf(root, gradRoot, false);
        return;
      }
      List<Node> order = topologicalOrder(rootNode);
      // gradients waiting for their entry's turn live in the entries themselves (no identity map:
      // hashing fresh objects by identity is a measurable part of a small network's step)
      rootNode.pendingGrad = gradRoot;
      try {
        for (Node node : order) {
          Tensor g = node.pendingGrad;
          node.pendingGrad = null;
          if (g == null) {
            continue;
          }
          node.checkSaved();
          Tensor[] inputGrads = node.backward().apply(g);
          Tensor[] inputs = node.inputs();
          for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            Tensor gi = inputGrads[i];
            if (in == null || gi == null) {
              continue;
            }
            Node edge = node.edge(i);
            Shape expected = edge == null ? in.shape() : edge.shape();
            if (!gi.shape().equals(expected)) {
              throw new IllegalStateException(
                  "internal error: the backward of "
                      + node.op()
                      + " gave a gradient of shape "
                      + gi.shape()
                      + " for an input of shape "
                      + expected);
            }
            if (edge != null) {
              Tensor prev = edge.pendingGrad;
              edge.pendingGrad = prev == null ? gi : Elementwise.add(prev, gi);
            } else if (in.node == null && in.requiresGrad()) {
              accumulateLeaf(in, gi, gi != g && once(inputGrads, gi));
            }
          }
        }
      } finally {
        for (Node n : order) {
          n.pendingGrad = null;
        }
      }
    }
  }

  /**
   * Adds {@code g} to a leaf's gradient. The first gradient is kept as it is when {@code fresh}
   * (the backward just made it and handed it to this input only) and nothing else shares it: it is
   * taken out of the step's scope instead of copied out.
   */
  private static void accumulateLeaf(Tensor leaf, Tensor g, boolean fresh) {
    Tensor existing = leaf.grad();
    if (existing == null) {
      leaf.setGrad(fresh && g.adoptOutOfScope() ? g : Scope.outside(() -> Shapes.copy(g)));
    } else {
      Elementwise.addInPlace(existing, g);
    }
  }

  /** Whether {@code t} is among {@code grads} exactly once. */
  private static boolean once(Tensor[] grads, Tensor t) {
    int n = 0;
    for (Tensor x : grads) {
      if (x == t) {
        n++;
      }
    }
    return n == 1;
  }

  /** Entries reachable from {@code root}, latest operation first. */
  private static List<Node> topologicalOrder(Node root) {
    List<Node> found = new ArrayList<>();
    long walk = WALKS.incrementAndGet();
    ArrayDeque<Node> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Node n = stack.pop();
      if (n.visitedInWalk == walk) {
        continue;
      }
      n.visitedInWalk = walk;
      found.add(n);
      Tensor[] inputs = n.inputs();
      for (int i = 0; i < inputs.length; i++) {
        Node e = n.edge(i);
        if (e != null && e.visitedInWalk != walk) {
          stack.push(e);
        }
      }
    }
    found.sort(LATEST_FIRST);
    return found;
  }
}
