/**
 * Recurrent layers as PyTorch's {@code nn.GRU} and {@code nn.LSTM} (and their cells), and a
 * recurrent decoder that attends over an encoder's states. Layers are reached by name through
 * {@link dev.heed.core.Plugins}.
 */
package dev.heed.recurrent;
