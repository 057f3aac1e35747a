package dev.heed.recurrent;

import dev.heed.core.tensor.Tensor;

/**
 * What a recurrent layer returns, as PyTorch's {@code output, h_n} ({@code output, (h_n, c_n)} for
 * an LSTM).
 *
 * @param output {@code [B, T, directions·H]} ({@code [T, B, …]} when not batch-first); zero at
 *     padded steps, as {@code pad_packed_sequence} gives it
 * @param hN the final hidden states {@code [layers·directions, B, H]}: each sequence's state after
 *     its own last step
 * @param cN the final cell states (LSTM), or null
 */
record RecurrentResult(Tensor output, Tensor hN, Tensor cN) {}
