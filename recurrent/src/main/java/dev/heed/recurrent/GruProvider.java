package dev.heed.recurrent;

/** The {@code gru} layer: PyTorch's {@code nn.GRU}; see {@link Recurrent}. */
public final class GruProvider extends RecurrentProvider {

  /** Cheap; for ServiceLoader. */
  public GruProvider() {
    super(false);
  }

  @Override
  public String name() {
    return "gru";
  }

  @Override
  public String description() {
    return "gated recurrent unit over [batch, time, features] (multi-layer, bidirectional,"
        + " padding-aware), as nn.GRU";
  }
}
