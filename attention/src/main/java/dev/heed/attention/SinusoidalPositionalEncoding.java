package dev.heed.attention;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.KeptTensors;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * Adds the fixed sinusoidal encoding of "Attention is all you need" ({@code pe[t, 2i] = sin(t /
 * 10000^(2i/d))}, {@code pe[t, 2i+1] = cos(…)}) to {@code [B, T, d]}, then dropout. Computed for
 * each call's {@code T}, so no length is fixed; no parameters. The table of each length, backend
 * and type is made once and kept (a few lengths at most), so a call uploads nothing: a captured
 * step reads it like a parameter and can be replayed.
 */
final class SinusoidalPositionalEncoding implements StepLayer {
  private record Key(Backend backend, DType dtype, int time) {}

  private final int features;
  private final double dropout;
  private final KeptTensors<Key> tables = new KeptTensors<>();

  SinusoidalPositionalEncoding(int features, double dropout) {
    this.features = features;
    this.dropout = dropout;
  }

  /** The table {@code [time, features]} as row-major values. */
  static double[] table(int time, int features) {
    double[] pe = new double[time * features];
    for (int t = 0; t < time; t++) {
      for (int i = 0; i < features; i++) {
        double angle = t / Math.pow(10000.0, (double) (i - i % 2) / features);
        pe[t * features + i] = i % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
      }
    }
    return pe;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    if (input.rank() != 3 || input.dim(2) != features) {
      throw new IllegalArgumentException(
          "sinusoidal positional encoding: expected [batch, time, "
              + features
              + "], got "
              + input.shape());
    }
    int time = input.dim(1);
    Tensor pe =
        tables.get(
            new Key(input.backend(), input.dtype(), time),
            () ->
                Tensors.of(input.backend(), input.dtype(), table(time, features), time, features));
    return Dropouts.apply(input.add(pe), dropout, ctx);
  }

  /** A step adds the row of its position (the same values as that row of {@link #table}). */
  @Override
  public Steps startSteps(Tensor memory, Tensor memoryMask, int capacity, ForwardContext ctx) {
    return (x, position, c) -> {
      if (x.rank() != 3 || x.dim(2) != features || x.dim(1) != 1) {
        throw new IllegalArgumentException(
            "sinusoidal positional encoding: expected one position [batch, 1, "
                + features
                + "], got "
                + x.shape());
      }
      double[] row = new double[features];
      for (int i = 0; i < features; i++) {
        double angle = position / Math.pow(10000.0, (double) (i - i % 2) / features);
        row[i] = i % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
      }
      Tensor pe = Tensors.of(x.backend(), x.dtype(), row, 1, features);
      return Dropouts.apply(x.add(pe), dropout, c);
    };
  }
}
