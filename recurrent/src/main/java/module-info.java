/**
 * Heed's recurrent layers: {@code gru} and {@code lstm} as PyTorch's {@code nn.GRU} and {@code
 * nn.LSTM}, built from core tensor operations (so they run on every backend and their gradients
 * come from the tape). The module exports nothing: layers are found by name through {@link
 * dev.heed.core.Plugins}.
 */
module dev.heed.recurrent {
  requires dev.heed.core;

  provides dev.heed.core.nn.LayerProvider with
      dev.heed.recurrent.GruProvider,
      dev.heed.recurrent.LstmProvider,
      dev.heed.recurrent.AttentionDecoderProvider;
}
