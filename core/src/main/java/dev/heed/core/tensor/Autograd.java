package dev.heed.core.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Reverse-mode differentiation over the tape recorded by the operations. */
final class Autograd {
  /** Numbers the graph walks, so a tensor marks itself visited without a set. */
  private static final AtomicLong WALKS = new AtomicLong();

  private static final Comparator<Tensor> LATEST_FIRST =
      Comparator.comparingLong((Tensor t) -> t.node.sequence()).reversed();

  private Autograd() {}

  /**
   * Records {@code out} as produced by {@code op} from {@code inputs} when recording is on and some
   * input requires a gradient. Returns {@code out}.
   */
  static Tensor record(Tensor out, String op, Node.Backward backward, Tensor... inputs) {
    if (!GradMode.isEnabled()) {
      return out;
    }
    for (Tensor in : inputs) {
      if (in != null && in.requiresGrad()) {
        out.node = new Node(op, inputs.clone(), backward);
        out.requiresGradInternal();
        return out;
      }
    }
    return out;
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
    List<Tensor> order = topologicalOrder(root);
    // gradients waiting for their tensor's turn live in the tensors themselves (no identity map:
    // hashing fresh objects by identity is a measurable part of a small network's step)
    root.pendingGrad = gradRoot;
    try (GradMode off = GradMode.disable()) {
      if (root.node == null) {
        root.pendingGrad = null;
        accumulateLeaf(root, gradRoot, false);
        return;
      }
      for (Tensor t : order) {
        Tensor g = t.pendingGrad;
        t.pendingGrad = null;
        if (g == null) {
          continue;
        }
        Node node = t.node;
        Tensor[] inputGrads = node.backward().apply(g);
        Tensor[] inputs = node.inputs();
        for (int i = 0; i < inputs.length; i++) {
          Tensor in = inputs[i];
          Tensor gi = inputGrads[i];
          if (in == null || gi == null || !in.requiresGrad()) {
            continue;
          }
          if (!gi.shape().equals(in.shape())) {
            throw new IllegalStateException(
                "internal error: the backward of "
                    + node.op()
                    + " gave a gradient of shape "
                    + gi.shape()
                    + " for an input of shape "
                    + in.shape());
          }
          if (in.node == null) {
            accumulateLeaf(in, gi, gi != g && once(inputGrads, gi));
          } else {
            Tensor prev = in.pendingGrad;
            in.pendingGrad = prev == null ? gi : Elementwise.add(prev, gi);
          }
        }
      }
    } finally {
      for (Tensor t : order) {
        t.pendingGrad = null;
      }
      root.pendingGrad = null;
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

  /** Tensors with a tape entry reachable from {@code root}, latest operation first. */
  private static List<Tensor> topologicalOrder(Tensor root) {
    List<Tensor> found = new ArrayList<>();
    long walk = WALKS.incrementAndGet();
    ArrayDeque<Tensor> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Tensor t = stack.pop();
      if (t.node == null || t.visitedInWalk == walk) {
        continue;
      }
      t.visitedInWalk = walk;
      found.add(t);
      for (Tensor in : t.node.inputs()) {
        if (in != null && in.node != null) {
          stack.push(in);
        }
      }
    }
    found.sort(LATEST_FIRST);
    return found;
  }
}
