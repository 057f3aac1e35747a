package dev.heed.recurrent;

import static dev.heed.recurrent.GruCell.gate;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.tensor.Tensor;

/**
 * PyTorch's LSTM cell ({@code nn.LSTMCell}, and each direction of each layer of {@code nn.LSTM}),
 * gates in PyTorch's order i, f, g, o:
 *
 * <pre>
 * [i, f, g, o] = W_ih x + b_ih + W_hh h + b_hh
 * c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)
 * h' = σ(o) ⊙ tanh(c')
 * </pre>
 */
final class LstmCell extends RecurrentCell {

  LstmCell(int inputSize, int hidden, boolean bias, String suffix, BuildContext ctx) {
    super(4, inputSize, hidden, bias, suffix, ctx);
  }

  @Override
  RecurrentState step(Tensor projected, RecurrentState state) {
    Tensor g = projected.add(recur(state.h()));
    int n = hidden;
    Tensor c =
        gate(g, 1, n)
            .sigmoid()
            .mul(state.c())
            .add(gate(g, 0, n).sigmoid().mul(gate(g, 2, n).tanh()));
    Tensor h = gate(g, 3, n).sigmoid().mul(c.tanh());
    return new RecurrentState(h, c);
  }

  @Override
  boolean hasCell() {
    return true;
  }
}
