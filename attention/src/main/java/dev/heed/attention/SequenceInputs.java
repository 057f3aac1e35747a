package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.Objects;

/**
 * The checked inputs of a sequence attention unit: queries {@code [B, Tq, Dq]} (or one query per
 * example {@code [B, Dq]}, a decoder state), keys {@code [B, Tk, Dk]}, values {@code [B, Tk, Dv]}
 * and an optional additive mask broadcastable to the scores {@code [B, Tq, Tk]}.
 *
 * @param query queries, always rank 3 here
 * @param key keys {@code [B, Tk, Dk]}
 * @param value values {@code [B, Tk, Dv]}
 * @param mask null or the additive mask (rank 2 masks of a single query become {@code [B, 1, Tk]})
 * @param singleQuery whether the caller passed {@code [B, Dq]}; results then drop the query axis
 */
record SequenceInputs(Tensor query, Tensor key, Tensor value, Tensor mask, boolean singleQuery) {

  /** Checks the shapes against {@code spec}, naming {@code unit} in errors. */
  static SequenceInputs of(
      String unit, AttentionSpec spec, Tensor query, Tensor key, Tensor value, Tensor mask) {
    Objects.requireNonNull(query, () -> unit + ": query is null");
    Objects.requireNonNull(key, () -> unit + ": key is null");
    Objects.requireNonNull(value, () -> unit + ": value is null");
    boolean single = query.rank() == 2;
    if ((query.rank() != 3 && !single) || query.dim(-1) != spec.queryDim()) {
      throw new IllegalArgumentException(
          unit
              + ": expected queries [batch, queries, "
              + spec.queryDim()
              + "] (or [batch, "
              + spec.queryDim()
              + "] for one query per example), got "
              + query.shape());
    }
    int batch = query.dim(0);
    if (key.rank() != 3 || key.dim(0) != batch || key.dim(2) != spec.keyDim()) {
      throw new IllegalArgumentException(
          unit
              + ": expected keys [batch = "
              + batch
              + ", keys, "
              + spec.keyDim()
              + "], got "
              + key.shape());
    }
    if (value.rank() != 3
        || value.dim(0) != batch
        || value.dim(1) != key.dim(1)
        || value.dim(2) != spec.valueDim()) {
      throw new IllegalArgumentException(
          unit
              + ": expected values [batch = "
              + batch
              + ", keys = "
              + key.dim(1)
              + ", "
              + spec.valueDim()
              + "], got "
              + value.shape());
    }
    Tensor q = single ? Shapes.unsqueeze(query, 1) : query;
    Tensor m = mask;
    if (m != null) {
      if (single && m.rank() == 2 && m.dim(0) == batch && batch != 1) {
        m = Shapes.unsqueeze(m, 1);
      }
      Shape scores = Shape.of(batch, q.dim(1), key.dim(1));
      Shape fit;
      try {
        fit = Shape.broadcast(unit + " mask", m.shape(), scores);
      } catch (IllegalArgumentException e) {
        fit = null;
      }
      if (fit == null || !fit.equals(scores)) {
        throw new IllegalArgumentException(
            unit
                + ": the mask "
                + mask.shape()
                + " must broadcast to the scores [batch, queries, keys] = "
                + scores
                + " (key padding [batch, 1, keys], causal [queries, keys]); build one with"
                + " AttentionMasks");
      }
    }
    return new SequenceInputs(q, key, value, m, single);
  }

  /** Drops the query axis again when the caller passed a single query per example. */
  Tensor restore(Tensor t) {
    return singleQuery ? Shapes.squeeze(t, 1) : t;
  }
}
