package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/**
 * A decoder layer that can run one new target position at a time, so that generation feeds each
 * token through the decoder once instead of re-running the whole prefix: a transformer decoder
 * keeps its self-attention keys and values in a cache and projects the memory's cross-attention
 * keys and values once per sequence, a positional encoding adds the row of the step's position, and
 * a layer that treats every position alone (an embedding, a linear head) runs as it does over a
 * whole sequence.
 *
 * <p>{@link EncoderDecoder} decodes step by step only when every decoder layer is a {@code
 * StepLayer}; otherwise it re-runs the decoder over the prefix, so a layer without this interface
 * is never given a single position it would misread.
 */
public interface StepLayer extends Layer {

  /**
   * Starts decoding a batch of sequences.
   *
   * @param memory the encoder's output {@code [B, S, m]} (read by a {@link MemoryLayer}; others
   *     ignore it)
   * @param memoryMask null, or the memory padding mask {@code [B, 1, S]}
   * @param capacity the most target positions the steps will feed (start token included)
   * @return the state whose {@link Steps#step} takes one position at a time
   */
  Steps startSteps(Tensor memory, Tensor memoryMask, int capacity, ForwardContext ctx);

  /** One batch's decoding state. */
  interface Steps {
    /**
     * The output at target position {@code position} (0 for the start token; steps come in order 0,
     * 1, 2, …) given the input there, {@code [B, 1, features]}, as the full forward over positions
     * {@code 0..position} would give it at its last position.
     */
    Tensor step(Tensor x, int position, ForwardContext ctx);

    /**
     * Rearranges the batch rows of the state: row {@code i} becomes what row {@code rows[i]} was
     * (beam search keeping the best continuations). Stateless layers do nothing.
     */
    default void reorder(Tensor rows) {}
  }

  /**
   * A layer that treats every position alone (embedding, linear head, normalisation, activation): a
   * step is its ordinary forward over the one position.
   */
  interface Positionwise extends StepLayer {
    @Override
    default Steps startSteps(Tensor memory, Tensor memoryMask, int capacity, ForwardContext ctx) {
      return (x, position, c) -> forward(x, c);
    }
  }
}
