package dev.heed.attention;

import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Additive (Bahdanau) attention.
 *
 * <pre>
 * score[b, i, j] = vᵀ tanh(W_q q[b, i] + b_q + W_k k[b, j] + b_k)
 * a = softmax(score + mask, over j)        output = a · value
 * </pre>
 *
 * <p>Parameters as a PyTorch module of three {@code nn.Linear}s would name them: {@code
 * query_proj.weight [H, Dq]}, {@code query_proj.bias [H]}, {@code key_proj.weight [H, Dk]}, {@code
 * key_proj.bias [H]} (biases when {@code bias} is true), {@code v.weight [1, H]}. Shapes as in
 * {@link SequenceInputs}: output {@code [B, Tq, Dv]}, weights {@code [B, Tq, Tk]}; a single query
 * {@code [B, Dq]} gives {@code [B, Dv]} and {@code [B, Tk]}.
 */
final class AdditiveAttention implements AttentionUnit {
  static final String NAME = "additive attention";
  private final AttentionSpec spec;
  private final Dense queryProj;
  private final Dense keyProj;
  private final Dense v;
  private final double dropout;

  AdditiveAttention(
      AttentionSpec spec, int hidden, boolean bias, double dropout, BuildContext ctx) {
    this.spec = spec;
    this.queryProj = new Dense(spec.queryDim(), hidden, null, bias, null, null, ctx);
    this.keyProj = new Dense(spec.keyDim(), hidden, null, bias, null, null, ctx);
    this.v = new Dense(hidden, 1, null, false, null, null, ctx);
    this.dropout = dropout;
  }

  @Override
  public AttentionResult attend(
      Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext ctx) {
    SequenceInputs in = SequenceInputs.of(NAME, spec, query, key, value, mask);
    Tensor q = Shapes.unsqueeze(queryProj.forward(in.query(), ctx), 2); // [B, Tq, 1, H]
    Tensor k = Shapes.unsqueeze(keyProj.forward(in.key(), ctx), 1); // [B, 1, Tk, H]
    Tensor scores = Shapes.squeeze(v.forward(q.add(k).tanh(), ctx), -1); // [B, Tq, Tk]
    if (in.mask() != null) {
      scores = scores.add(in.mask());
    }
    Tensor weights = NeuralOps.softmax(scores, -1);
    Tensor used = Dropouts.apply(weights, dropout, ctx);
    Tensor out = Linalg.matmul(used, in.value());
    return new AttentionResult(in.restore(out), in.restore(weights));
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    queryProj.namedParameters().forEach((k, p) -> m.put("query_proj." + k, p));
    keyProj.namedParameters().forEach((k, p) -> m.put("key_proj." + k, p));
    v.namedParameters().forEach((k, p) -> m.put("v." + k, p));
    return m;
  }

  @Override
  public String toString() {
    return "AdditiveAttention(" + spec + ", hidden " + v.inFeatures() + ")";
  }
}
