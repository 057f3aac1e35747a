package dev.heed.assembly.train;

import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;

/**
 * The attention weights that heatmaps show: those of the attention layer closest to the output (for
 * sequences, the one that picks what to read), reduced to one row of weights per example. Feature
 * attention gives {@code [batch, features]} as it is; sequence attention {@code [batch, queries,
 * keys]} is averaged over the queries (the attention each key receives), and {@code [batch, heads,
 * queries, keys]} first over the heads. Stateless.
 */
public final class AttentionWeights {
  private AttentionWeights() {}

  /** The index of the last layer of {@code model} that keeps attention weights, or -1. */
  public static int lastSource(Sequential model) {
    int index = -1;
    for (int i = 0; i < model.layers().size(); i++) {
      if (model.layers().get(i) instanceof AttentionWeightsSource) {
        index = i;
      }
    }
    return index;
  }

  /**
   * The weights of layer {@code index}'s last forward pass as {@code [examples][positions]}, or
   * null when it kept none or their shape is none of the above. Call it in the scope of that pass.
   */
  public static double[][] of(Sequential model, int index) {
    return of(model, index, -1);
  }

  /**
   * As {@link #of(Sequential, int)}, but for sequence attention the weights of query {@code query}
   * alone (averaged over the heads) instead of the average over the queries: query 0 is a vision
   * transformer's class token, whose attention over the patches the classifier reads. A negative
   * {@code query} averages; null also when {@code query} is not a query position.
   */
  public static double[][] of(Sequential model, int index, int query) {
    Tensor w = ((AttentionWeightsSource) model.layers().get(index)).lastAttentionWeights();
    if (w == null) {
      return null;
    }
    if (w.rank() == 4) {
      w = w.mean(1, false); // average over heads
    }
    if (w.rank() == 3) {
      if (query < 0) {
        w = w.mean(1, false); // the attention each key receives, averaged over the queries
      } else if (query < w.dim(1)) {
        w = Shapes.select(w, 1, query); // one query's weights over the keys
      } else {
        return null;
      }
    }
    if (w.rank() != 2) {
      return null;
    }
    int rows = w.dim(0);
    int cols = w.dim(1);
    double[] flat = w.toDoubleArray();
    double[][] weights = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, weights[r], 0, cols);
    }
    return weights;
  }
}
