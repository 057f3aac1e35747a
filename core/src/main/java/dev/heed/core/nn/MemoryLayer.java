package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/**
 * A layer over a target sequence that also reads a second sequence, the memory: a transformer
 * decoder attending over an encoder's states, a recurrent decoder with attention over them, or a
 * whole encoder–decoder that encodes its memory (the source) first. Configs wire such a layer with
 * named parts (the encoder's output into the decoder's memory).
 *
 * <p>Shapes are batch-first: target {@code [batch, targetTime, features]}, memory {@code [batch,
 * memoryTime, memoryFeatures()]}, output {@code [batch, targetTime, outputFeatures]}. Masks are
 * additive (0 keeps, {@code -∞} removes), as {@link AttentionMasks} builds them.
 */
public interface MemoryLayer extends MaskedLayer {

  /**
   * Computes the output.
   *
   * @param target {@code [batch, targetTime, features]}
   * @param memory {@code [batch, memoryTime, memoryFeatures()]}
   * @param targetMask null, or a mask broadcastable to {@code [batch, targetTime, targetTime]}
   *     (target padding {@code [batch, 1, targetTime]}; a layer that is causal adds its own causal
   *     mask)
   * @param memoryMask null, or a mask broadcastable to {@code [batch, targetTime, memoryTime]}
   *     (memory padding {@code [batch, 1, memoryTime]})
   * @param ctx training flag and random seeds
   * @throws IllegalArgumentException when a shape does not fit, naming it
   */
  Tensor forward(
      Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx);

  /** The extent of the memory's last dimension. */
  int memoryFeatures();

  /**
   * Refuses: without a memory there is nothing to read.
   *
   * @throws IllegalArgumentException always, saying how to give the memory
   */
  @Override
  default Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    throw new IllegalArgumentException(
        getClass().getSimpleName()
            + " reads a memory (an encoder's output) besides its input: call forward(target,"
            + " memory, targetMask, memoryMask, ctx), or wire it in a model of named parts"
            + " with the memory as its second input");
  }
}
