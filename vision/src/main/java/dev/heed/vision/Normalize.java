package dev.heed.vision;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.KeptTensors;
import dev.heed.core.nn.Layer;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * torchvision's {@code Normalize(mean, std)} as the model's first layer: channel {@code c} becomes
 * {@code (x - mean[c]) / std[c]}. Being part of the model, a trained run applies it to whatever
 * {@code heed predict} feeds it (pixels scaled to {@code [0, 1]}). Inputs: images {@code [N, C, H,
 * W]} or flat rows {@code [N, C·H·W]}. No parameters.
 */
final class Normalize implements Layer {
  /** The key of a kept constant: the scale (1/std) or the shift (-mean/std) on a backend. */
  private record Constant(boolean shift, Backend backend, DType dtype) {}

  private final double[] mean;
  private final double[] std;
  // uploaded once per backend and type, so that a forward pass uploads nothing but its input
  private final KeptTensors<Constant> constants = new KeptTensors<>();

  Normalize(double[] mean, double[] std) {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException(
          "normalize: mean and std need one value per channel, got "
              + mean.length
              + " and "
              + std.length);
    }
    for (double s : std) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("normalize: every std must be positive, got " + s);
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    int c = mean.length;
    if (input.rank() < 2 || (input.rank() == 2 ? input.dim(1) % c != 0 : input.dim(1) != c)) {
      throw new IllegalArgumentException(
          "normalize: expected images [batch, "
              + c
              + ", height, width] or flat rows [batch, "
              + c
              + "·pixels], got "
              + input.shape());
    }
    Tensor x = Shapes.reshape(input, input.dim(0), c, -1);
    Tensor a = constant(false, input);
    Tensor b = constant(true, input);
    return Shapes.reshape(x.mul(a).add(b), input.shape().dims());
  }

  /** The kept per-channel scale or shift {@code [1, C, 1]} for {@code input}'s backend and type. */
  private Tensor constant(boolean shift, Tensor input) {
    return constants.get(
        new Constant(shift, input.backend(), input.dtype()),
        () -> {
          double[] v = new double[mean.length];
          for (int k = 0; k < v.length; k++) {
            v[k] = shift ? -mean[k] / std[k] : 1 / std[k];
          }
          return Tensors.of(input.backend(), input.dtype(), v, 1, v.length, 1);
        });
  }
}
