package dev.heed.attention;

import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dot-product attention (Luong's {@code dot} and {@code general} scores, and scaled dot-product).
 *
 * <pre>
 * score[b, i, j] = scale · q'[b, i] · k[b, j]      q' = q (dot) or q·Wᵀ (general, W [Dk, Dq])
 * a = softmax(score + mask, over j)                  output = a · value
 * </pre>
 *
 * <p>Computed by {@link AttentionOps#scaledDotProduct}. Parameters: none, or {@code
 * query_proj.weight [Dk, Dq]} for the general score. Shapes as in {@link SequenceInputs}.
 */
final class DotProductAttention implements AttentionUnit {
  private final String name;
  private final AttentionSpec spec;
  private final Dense queryProj;
  private final double scale;
  private final double dropout;

  DotProductAttention(
      String name,
      AttentionSpec spec,
      boolean general,
      double scale,
      double dropout,
      BuildContext ctx) {
    this.name = name;
    this.spec = spec;
    this.queryProj =
        general ? new Dense(spec.queryDim(), spec.keyDim(), null, false, null, null, ctx) : null;
    this.scale = scale;
    this.dropout = dropout;
  }

  @Override
  public AttentionResult attend(
      Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext ctx) {
    SequenceInputs in = SequenceInputs.of(name, spec, query, key, value, mask);
    Tensor q = queryProj == null ? in.query() : queryProj.forward(in.query(), ctx);
    boolean drop = dropout > 0 && ctx.training();
    AttentionOps.Attended a =
        AttentionOps.scaledDotProduct(
            q, in.key(), in.value(), in.mask(), scale, dropout, drop, drop ? ctx.nextSeed() : 0);
    return AttentionResult.lazy(in.restore(a.output()), () -> in.restore(a.weights()));
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    if (queryProj != null) {
      queryProj.namedParameters().forEach((k, p) -> m.put("query_proj." + k, p));
    }
    return m;
  }

  @Override
  public String toString() {
    return name + "(" + spec + ", scale " + scale + (queryProj != null ? ", general" : "") + ")";
  }
}
