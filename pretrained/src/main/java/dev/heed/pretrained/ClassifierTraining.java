package dev.heed.pretrained;

import dev.heed.core.backend.Backend;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Seeds;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.SplittableRandom;

/**
 * Fine-tuning a BERT sequence classifier ({@link HfModels#bertForSequenceClassification}) on
 * tokenized texts: mini-batches padded to their longest text with an attention mask, the mean
 * cross-entropy of the classifier's logits, one optimizer step (and schedule step) per batch,
 * dropout on as the config says. The optimizer and schedule come from the caller (the registry's
 * plugins), so this class needs core only.
 */
public final class ClassifierTraining {
  private final Bert model;
  private final Optimizer optimizer;
  private final Schedule schedule;
  private final int pad;
  private final int batchSize;
  private final Seeds seeds;
  private final SplittableRandom shuffle;
  private long step;

  /**
   * A training of {@code model} with {@code optimizer} over its parameters and {@code schedule} (or
   * null), padding with token {@code pad}; batches of {@code batchSize} in an order and with
   * dropout drawn from {@code seed}.
   */
  public ClassifierTraining(
      Bert model, Optimizer optimizer, Schedule schedule, int pad, int batchSize, long seed) {
    if (model.config().head() != BertConfig.Head.SEQUENCE_CLASSIFICATION) {
      throw new IllegalArgumentException("fine-tuning needs a sequence-classification head");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.model = model;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.pad = pad;
    this.batchSize = batchSize;
    this.seeds = new Seeds(seed);
    this.shuffle = new SplittableRandom(seed);
    if (schedule != null) {
      schedule.start(optimizer);
    }
  }

  /** The loss and accuracy of one pass. */
  public record Pass(double loss, double accuracy) {}

  /** One epoch over {@code ids} (token ids of each text) with class {@code labels}, shuffled. */
  @SuppressWarnings("try")
  public Pass epoch(int[][] ids, int[] labels, int epochNumber) {
    int n = ids.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    double lossSum = 0;
    int correct = 0;
    for (int start = 0; start < n; start += batchSize) {
      int[] rows = java.util.Arrays.copyOfRange(order, start, Math.min(n, start + batchSize));
      try (Scope s = Scope.open()) {
        Tensor logits = logits(ids, rows, new ForwardContext(true, seeds));
        Tensor loss = loss(logits, labels, rows);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        step++;
        if (schedule != null) {
          schedule.afterStep(optimizer, step);
        }
        lossSum += loss.item() * rows.length;
        correct += correct(logits.toDoubleArray(), labels, rows);
      }
    }
    if (schedule != null) {
      schedule.afterEpoch(optimizer, epochNumber, Double.NaN);
    }
    return new Pass(lossSum / n, (double) correct / n);
  }

  /** The loss and accuracy on {@code ids} with dropout off, no update. */
  @SuppressWarnings("try")
  public Pass evaluate(int[][] ids, int[] labels) {
    double lossSum = 0;
    int correct = 0;
    try (GradMode off = GradMode.disable()) {
      for (int start = 0; start < ids.length; start += batchSize) {
        int[] rows = new int[Math.min(ids.length, start + batchSize) - start];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = start + i;
        }
        try (Scope s = Scope.open()) {
          Tensor logits = logits(ids, rows, ForwardContext.inference());
          lossSum += loss(logits, labels, rows).item() * rows.length;
          correct += correct(logits.toDoubleArray(), labels, rows);
        }
      }
    }
    return new Pass(lossSum / ids.length, (double) correct / ids.length);
  }

  private Tensor logits(int[][] ids, int[] rows, ForwardContext ctx) {
    int t = 1;
    for (int r : rows) {
      t = Math.max(t, ids[r].length);
    }
    int[] tokens = new int[rows.length * t];
    int[] mask = new int[rows.length * t];
    for (int i = 0; i < rows.length; i++) {
      int[] e = ids[rows[i]];
      for (int j = 0; j < t; j++) {
        tokens[i * t + j] = j < e.length ? e[j] : pad;
        mask[i * t + j] = j < e.length ? 1 : 0;
      }
    }
    Backend b = model.parameters().get(0).value().backend();
    return model
        .forward(
            Tensors.indices(b, tokens, rows.length, t),
            Tensors.indices(b, mask, rows.length, t),
            null,
            ctx)
        .logits();
  }

  private Tensor loss(Tensor logits, int[] labels, int[] rows) {
    int[] y = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      y[i] = labels[rows[i]];
    }
    int classes = logits.dim(1);
    Tensor target =
        NeuralOps.oneHot(
            Tensors.indices(logits.backend(), y, rows.length), classes, logits.dtype());
    // mean over the batch of -log p(label)
    return Reductions.mean(NeuralOps.logSoftmax(logits, -1).mul(target)).mul(-classes);
  }

  private static int correct(double[] logits, int[] labels, int[] rows) {
    int classes = logits.length / rows.length;
    int correct = 0;
    for (int i = 0; i < rows.length; i++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (logits[i * classes + k] > logits[i * classes + best]) {
          best = k;
        }
      }
      correct += best == labels[rows[i]] ? 1 : 0;
    }
    return correct;
  }
}
