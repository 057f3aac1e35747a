package dev.heed.vision;

import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code nn.BatchNorm1d} and {@code nn.BatchNorm2d}: each channel is normalised by the
 * batch's mean and biased variance over the batch and every position while training, and by the
 * running statistics in evaluation; then scaled by {@code weight} and shifted by {@code bias} (ones
 * and zeros). Training updates the running statistics in place, {@code running = (1 -
 * momentum)·running + momentum·batch} with the unbiased batch variance, and counts {@code
 * num_batches_tracked}. Parameters {@code weight}, {@code bias} {@code [C]}; buffers {@code
 * running_mean}, {@code running_var} {@code [C]} and {@code num_batches_tracked} (INT32 {@code
 * []}), saved with the weights.
 *
 * <p>Inputs: {@code [N, C]} or {@code [N, C, L]} (1d), {@code [N, C, H, W]} (2d), or flat rows
 * {@code [N, C·S]}, which are normalised as {@code C} channels of {@code S} positions.
 */
final class BatchNorm implements Layer {
  private final String owner;
  private final int channels;
  private final double eps;
  private final double momentum;
  private final boolean imagesOnly;
  private final Parameter weight;
  private final Parameter bias;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private final Tensor batches;

  /**
   * @param owner the layer's name for messages ({@code batch-norm1d}, {@code batch-norm2d})
   * @param imagesOnly whether a rank-3 input is refused (the 2d layer)
   */
  @SuppressWarnings("try")
  BatchNorm(
      String owner,
      int channels,
      double eps,
      double momentum,
      boolean affine,
      boolean imagesOnly,
      BuildContext ctx) {
    if (channels < 1) {
      throw new IllegalArgumentException(owner + ": num_features must be positive");
    }
    this.owner = owner;
    this.channels = channels;
    this.eps = eps;
    this.momentum = momentum;
    this.imagesOnly = imagesOnly;
    Fan fan = new Fan(channels, channels);
    this.weight =
        affine
            ? Parameter.create(ctx, Shape.of(channels), (t, f, s) -> Elementwise.fill(t, 1.0), fan)
            : null;
    this.bias =
        affine
            ? Parameter.create(ctx, Shape.of(channels), (t, f, s) -> Elementwise.fill(t, 0.0), fan)
            : null;
    this.runningMean =
        Scope.outside(() -> Tensors.zeros(ctx.backend(), Shape.of(channels), ctx.dtype()));
    this.runningVar =
        Scope.outside(() -> Tensors.ones(ctx.backend(), Shape.of(channels), ctx.dtype()));
    this.batches = Scope.outside(() -> Tensors.zeros(ctx.backend(), Shape.scalar(), DType.INT32));
  }

  @Override
  @SuppressWarnings("try")
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = view(input); // [N, C, S]
    int n = x.dim(0);
    long count = (long) n * x.dim(2);
    if (ctx.training()) {
      if (count < 2) {
        throw new IllegalArgumentException(
            owner + ": training needs more than one value per channel, got input " + input.shape());
      }
      Tensor[] r =
          NeuralOps.batchNorm(
              x, weight == null ? null : weight.value(), bias == null ? null : bias.value(), eps);
      try (GradMode off = GradMode.disable()) {
        Tensor m = r[1];
        Tensor v = r[2].mul((double) count / (count - 1));
        Elementwise.assign(runningMean, runningMean.mul(1 - momentum).add(m.mul(momentum)));
        Elementwise.assign(runningVar, runningVar.mul(1 - momentum).add(v.mul(momentum)));
        Elementwise.assign(batches, batches.to(DType.FLOAT32).add(1).to(DType.INT32));
      }
      return Shapes.reshape(r[0], input.shape().dims());
    }
    Tensor mean = Shapes.reshape(runningMean, 1, channels, 1);
    Tensor var = Shapes.reshape(runningVar, 1, channels, 1);
    Tensor y = x.sub(mean).div(Elementwise.sqrt(var.add(eps)));
    return Shapes.reshape(affine(y), input.shape().dims());
  }

  private Tensor affine(Tensor y) {
    if (weight == null) {
      return y;
    }
    return y.mul(Shapes.reshape(weight.value(), 1, channels, 1))
        .add(Shapes.reshape(bias.value(), 1, channels, 1));
  }

  /** The input as {@code [N, C, S]}. */
  private Tensor view(Tensor x) {
    int r = x.rank();
    boolean ok =
        switch (r) {
          case 2 -> x.dim(1) % channels == 0;
          case 3 -> !imagesOnly && x.dim(1) == channels;
          case 4 -> imagesOnly && x.dim(1) == channels;
          default -> false;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          owner
              + ": expected "
              + (imagesOnly
                  ? "images [batch, " + channels + ", height, width]"
                  : "[batch, " + channels + "] or [batch, " + channels + ", length]")
              + " or flat rows [batch, "
              + channels
              + "·positions], got "
              + x.shape());
    }
    return Shapes.reshape(x, x.dim(0), channels, -1);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    if (weight != null) {
      m.put("weight", weight);
      m.put("bias", bias);
    }
    return m;
  }

  @Override
  public Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("running_mean", runningMean);
    m.put("running_var", runningVar);
    m.put("num_batches_tracked", batches);
    return m;
  }
}
