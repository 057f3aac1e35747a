package dev.heed.core.internal.losses;

import dev.heed.core.backend.DType;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Tensor;
import java.util.List;

/**
 * Cross-entropy of logits, as PyTorch's {@code nn.CrossEntropyLoss}: predictions are unnormalised
 * scores {@code [batch, classes]}; targets are either INT32 class indices {@code [batch]} or class
 * probabilities {@code [batch, classes]} (one-hot rows, for example). Computed through log-softmax,
 * so large logits do not overflow.
 */
public final class CrossEntropyLossProvider implements LossProvider {

  /** Cheap; for ServiceLoader. */
  public CrossEntropyLossProvider() {}

  @Override
  public String name() {
    return "cross-entropy";
  }

  @Override
  public List<String> aliases() {
    return List.of("CrossEntropyLoss", "categorical-cross-entropy");
  }

  @Override
  public String description() {
    return "softmax cross-entropy of logits [batch, classes] against class indices or probabilities";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.choice("reduction", "mean", "mean or sum over the batch", "mean", "sum"),
        OptionSpec.number(
                "label_smoothing",
                0.0,
                "mix the targets with the uniform distribution by this amount")
            .range(0, 1));
  }

  @Override
  public Loss create(Options options) {
    boolean mean = options.getString("reduction").equals("mean");
    double smoothing = options.getDouble("label_smoothing");
    return (prediction, target) -> {
      if (prediction.rank() != 2) {
        throw new IllegalArgumentException(
            "cross-entropy: predictions must be [batch, classes], got " + prediction.shape());
      }
      int batch = prediction.dim(0);
      int classes = prediction.dim(1);
      Tensor probabilities;
      if (target.dtype() == DType.INT32) {
        if (target.rank() != 1 || target.dim(0) != batch) {
          throw new IllegalArgumentException(
              "cross-entropy: class indices must be ["
                  + batch
                  + "] for predictions "
                  + prediction.shape()
                  + ", got "
                  + target.shape());
        }
        probabilities = NeuralOps.oneHot(target, classes, prediction.dtype());
      } else {
        if (!target.shape().equals(prediction.shape())) {
          throw new IllegalArgumentException(
              "cross-entropy: target probabilities must have the predictions' shape "
                  + prediction.shape()
                  + ", got "
                  + target.shape()
                  + " (or pass INT32 class indices ["
                  + batch
                  + "])");
        }
        probabilities = target;
      }
      if (smoothing > 0) {
        probabilities = probabilities.mul(1 - smoothing).add(smoothing / classes);
      }
      Tensor perExample =
          Reductions.sum(NeuralOps.logSoftmax(prediction, 1).mul(probabilities), 1, false).neg();
      return mean ? Reductions.mean(perExample) : Reductions.sum(perExample);
    };
  }
}
