package dev.heed.core.tensor;

import dev.heed.core.backend.Layout;

/** Tape entries of recorded writes into tensors and views ({@link Elementwise#assign}). */
final class Writes {
  private Writes() {}

  /**
   * Records that {@code source} was just copied into {@code target} (a tensor, or a view of one):
   * the tensor owning the storage gets a new entry whose gradient goes to {@code source} for the
   * overwritten elements and to its own earlier entry for the rest; views of it made before the
   * write re-derive their entries from the new one.
   */
  static void recordAssign(Tensor target, Tensor source) {
    Tensor root = target.base != null ? target.base : target;
    Layout within = Views.within(target.layout(), root);
    boolean whole = root == target;
    Shape sourceShape = source.shape();
    Autograd.record(
        root,
        "assign",
        Autograd.NONE,
        g -> {
          Tensor earlier = null;
          if (!whole) {
            Tensor rest = Shapes.copy(g);
            Elementwise.fill(Shapes.view(rest, "view", within, x -> new Tensor[] {x}), 0.0);
            earlier = rest;
          }
          Tensor region = Shapes.view(Shapes.dense(g), "view", within, x -> new Tensor[] {x});
          Tensor toSource = Shapes.sumTo(region, sourceShape);
          return new Tensor[] {earlier, toSource};
        },
        root,
        source);
    // views of the root made before the write (the target among them) re-derive their entries
    root.history++;
  }
}
