package dev.heed.recurrent;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;

/**
 * PyTorch's GRU cell ({@code nn.GRUCell}, and each direction of each layer of {@code nn.GRU}):
 *
 * <pre>
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 * h' = (1 - z) ⊙ n + z ⊙ h
 * </pre>
 */
final class GruCell extends RecurrentCell {

  GruCell(int inputSize, int hidden, boolean bias, String suffix, BuildContext ctx) {
    super(3, inputSize, hidden, bias, suffix, ctx);
  }

  @Override
  RecurrentState step(Tensor projected, RecurrentState state) {
    Tensor h = state.h();
    Tensor hh = recur(h);
    int n = hidden;
    Tensor r = gate(projected, 0, n).add(gate(hh, 0, n)).sigmoid();
    Tensor z = gate(projected, 1, n).add(gate(hh, 1, n)).sigmoid();
    Tensor c = gate(projected, 2, n).add(r.mul(gate(hh, 2, n))).tanh();
    // (1 - z)·n + z·h = n + z·(h - n)
    return new RecurrentState(c.add(z.mul(h.sub(c))), null);
  }

  /** The {@code i}-th block of {@code H} columns of {@code [B, G·H]}. */
  static Tensor gate(Tensor x, int i, int hidden) {
    return Shapes.slice(x, x.rank() - 1, i * hidden, (i + 1) * hidden);
  }

  @Override
  boolean hasCell() {
    return false;
  }
}
