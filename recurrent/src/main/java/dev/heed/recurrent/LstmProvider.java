package dev.heed.recurrent;

/** The {@code lstm} layer: PyTorch's {@code nn.LSTM} (without proj_size); see {@link Recurrent}. */
public final class LstmProvider extends RecurrentProvider {

  /** Cheap; for ServiceLoader. */
  public LstmProvider() {
    super(true);
  }

  @Override
  public String name() {
    return "lstm";
  }

  @Override
  public String description() {
    return "long short-term memory over [batch, time, features] (multi-layer, bidirectional,"
        + " padding-aware), as nn.LSTM";
  }
}
