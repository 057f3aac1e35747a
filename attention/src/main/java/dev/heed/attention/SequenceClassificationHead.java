package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pools a sequence {@code [B, T, d]} into one vector per example and classifies it: {@code
 * out_proj(dropout(tanh(dense(pooled))))} (without {@code dense} when {@code hidden} is 0) gives
 * logits {@code [B, C]}. Pooling: {@code mean} over the kept positions, {@code first} position,
 * {@code last} kept position, or {@code max} over the kept positions. A mask (additive, {@code -∞}
 * at padded keys, broadcastable to {@code [B, 1, T]}, as {@code AttentionMasks.keyPadding}) marks
 * padding; padding must come after the kept positions for {@code last}. Parameters: {@code
 * dense.weight}, {@code dense.bias} (when hidden), {@code out_proj.weight}, {@code out_proj.bias}.
 */
final class SequenceClassificationHead implements MaskedLayer {
  static final String MEAN = "mean";
  static final String FIRST = "first";
  static final String LAST = "last";
  static final String MAX = "max";
  private final int features;
  private final String pooling;
  private final Dense dense;
  private final Dense outProj;
  private final double dropout;

  SequenceClassificationHead(
      int features, int classes, int hidden, String pooling, double dropout, BuildContext ctx) {
    this.features = features;
    this.pooling = pooling;
    this.dense = hidden > 0 ? new Dense(features, hidden, null, true, null, null, ctx) : null;
    this.outProj = new Dense(hidden > 0 ? hidden : features, classes, null, true, null, null, ctx);
    this.dropout = dropout;
  }

  @Override
  public Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    if (input.rank() != 3 || input.dim(2) != features) {
      throw new IllegalArgumentException(
          "sequence classification head: expected [batch, time, "
              + features
              + "], got "
              + input.shape());
    }
    int batch = input.dim(0);
    int time = input.dim(1);
    Tensor keep = null; // [B, T, 1], 1 at kept positions
    if (mask != null) {
      Shape want = Shape.of(batch, 1, time);
      if (mask.rank() > 3 || !broadcasts(mask.shape(), want)) {
        throw new IllegalArgumentException(
            "sequence classification head: the mask "
                + mask.shape()
                + " must be a key-padding mask broadcastable to "
                + want
                + " (AttentionMasks.keyPadding or fromLengths), not a causal or per-query mask");
      }
      Tensor m =
          Shapes.reshape(Shapes.expand(mask.detach(), Shape.of(batch, 1, time)), batch, time, 1);
      keep = Elementwise.equal(m, Tensors.scalar(m.backend(), m.dtype(), 0.0));
    }
    Tensor pooled =
        switch (pooling) {
          case FIRST -> Shapes.reshape(Shapes.slice(input, 1, 0, 1), batch, features);
          case LAST -> {
            if (keep == null) {
              yield Shapes.reshape(Shapes.slice(input, 1, time - 1, time), batch, features);
            }
            // the last kept position t has keep[t] = 1 and keep[t + 1] = 0 (or t = T - 1)
            Tensor next =
                Shapes.concat(
                    1,
                    List.of(
                        Shapes.slice(keep, 1, 1, time),
                        Tensors.zeros(keep.backend(), Shape.of(batch, 1, 1), keep.dtype())));
            Tensor pick = keep.mul(Elementwise.affine(next, -1, 1));
            yield Reductions.sum(input.mul(pick), 1, false);
          }
          case MAX -> {
            Tensor x = input;
            if (keep != null) {
              x =
                  Elementwise.where(
                      keep,
                      input,
                      Tensors.scalar(input.backend(), input.dtype(), Double.NEGATIVE_INFINITY));
            }
            yield Reductions.max(x, 1, false);
          }
          default -> {
            if (keep == null) {
              yield Reductions.mean(input, 1, false);
            }
            yield Reductions.sum(input.mul(keep), 1, false).div(Reductions.sum(keep, 1, false));
          }
        };
    Tensor h = pooled;
    if (dense != null) {
      h = Elementwise.tanh(dense.forward(h, ctx));
    }
    return outProj.forward(Dropouts.apply(h, dropout, ctx), ctx);
  }

  private static boolean broadcasts(Shape from, Shape to) {
    try {
      return Shape.broadcast("mask", from, to).equals(to);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    if (dense != null) {
      dense.namedParameters().forEach((k, p) -> m.put("dense." + k, p));
    }
    outProj.namedParameters().forEach((k, p) -> m.put("out_proj." + k, p));
    return m;
  }
}
