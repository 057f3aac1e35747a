package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-2's {@code Conv1D} (Hugging Face {@code pytorch_utils.Conv1D}): a linear layer with the
 * weight stored transposed, {@code [in, out]}, so {@code y = x·W + b}.
 */
public final class Conv1D implements Module {
  private final Parameter weight;
  private final Parameter bias;

  /** A zero-filled layer from {@code in} to {@code out} features. */
  public Conv1D(int in, int out, BuildContext ctx) {
    this.weight = Weights.matrix(ctx, in, out);
    this.bias = Weights.zeros(ctx, out);
  }

  /** {@code x [..., in]} to {@code [..., out]}. */
  public Tensor forward(Tensor x) {
    int in = weight.shape().dim(0);
    int out = weight.shape().dim(1);
    Tensor x2 = Shapes.reshape(x, -1, in);
    Tensor y = Linalg.matmul(x2, weight.value()).add(bias.value());
    return Shapes.reshape(y, x.shape().with(-1, out).dims());
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("weight", weight);
    m.put("bias", bias);
    return m;
  }
}
