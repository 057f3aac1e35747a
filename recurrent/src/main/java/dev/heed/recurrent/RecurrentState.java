package dev.heed.recurrent;

import dev.heed.core.tensor.Tensor;

/**
 * A recurrent state: the hidden state {@code h [B, H]} and, for an LSTM, the cell state {@code c
 * [B, H]} (null for a GRU).
 */
record RecurrentState(Tensor h, Tensor c) {

  /**
   * The state that takes this step's values where {@code keep [B, 1]} is 1 and stays {@code
   * previous} where it is 0 (a sequence that has ended keeps its last state).
   */
  RecurrentState keep(Tensor keep, RecurrentState previous) {
    return new RecurrentState(
        blend(keep, h, previous.h), c == null ? null : blend(keep, c, previous.c));
  }

  private static Tensor blend(Tensor keep, Tensor next, Tensor previous) {
    return previous.add(keep.mul(next.sub(previous)));
  }
}
