package dev.heed.pretrained;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Next-token choice from logits, with the logits processors of Hugging Face's {@code generate()} in
 * its order: repetition penalty (a token already in the sequence has its positive logit divided and
 * its negative one multiplied by the penalty), temperature, top-k (tokens below the k-th largest
 * logit removed; ties with it kept), top-p (the smallest tokens whose probabilities add up to at
 * most {@code 1 - p} removed; the most likely token always kept), then softmax. In double
 * precision, on the host: a vocabulary of logits per step is small next to the model.
 *
 * @param temperature divides the logits (1 for none); must be positive
 * @param topK keeps the k most likely tokens (0 for all)
 * @param topP keeps the most likely tokens whose probabilities reach p (1 for all)
 * @param repetitionPenalty for tokens already present (1 for none); must be positive
 */
public record Sampling(double temperature, int topK, double topP, double repetitionPenalty) {

  /** Checks the ranges. */
  public Sampling {
    if (!(temperature > 0) || topK < 0 || !(topP > 0 && topP <= 1) || !(repetitionPenalty > 0)) {
      throw new IllegalArgumentException(
          "sampling: expected temperature > 0, top_k >= 0, 0 < top_p <= 1 and"
              + " repetition_penalty > 0, got temperature "
              + temperature
              + ", top_k "
              + topK
              + ", top_p "
              + topP
              + ", repetition_penalty "
              + repetitionPenalty);
    }
  }

  /** No processing: the model's own distribution. */
  public static Sampling plain() {
    return new Sampling(1, 0, 1, 1);
  }

  /**
   * The distribution to draw the next token from.
   *
   * @param logits the model's logits for the next token
   * @param history the tokens so far (prompt and generated), for the repetition penalty
   */
  public double[] probabilities(double[] logits, int[] history) {
    return softmax(scores(logits, history));
  }

  /**
   * The processed logits: {@link #probabilities} before the softmax, removed tokens at {@code -∞}.
   * Their arg-max is the greedy choice (which only the repetition penalty changes).
   */
  public double[] scores(double[] logits, int[] history) {
    double[] s = logits.clone();
    if (repetitionPenalty != 1) {
      boolean[] seen = new boolean[s.length];
      for (int t : history) {
        if (t < 0 || t >= s.length) {
          throw new IllegalArgumentException(
              "sampling: token " + t + " is outside the vocabulary of " + s.length);
        }
        seen[t] = true;
      }
      for (int i = 0; i < s.length; i++) {
        if (seen[i]) {
          s[i] = s[i] < 0 ? s[i] * repetitionPenalty : s[i] / repetitionPenalty;
        }
      }
    }
    if (temperature != 1) {
      for (int i = 0; i < s.length; i++) {
        s[i] /= temperature;
      }
    }
    if (topK > 0 && topK < s.length) {
      double[] sorted = s.clone();
      Arrays.sort(sorted);
      double kth = sorted[s.length - topK];
      for (int i = 0; i < s.length; i++) {
        if (s[i] < kth) {
          s[i] = Double.NEGATIVE_INFINITY;
        }
      }
    }
    if (topP < 1) {
      double[] scores = s;
      Integer[] order =
          IntStream.range(0, s.length)
              .boxed()
              .sorted(Comparator.comparingDouble(i -> scores[i]))
              .toArray(Integer[]::new);
      double[] ascending = new double[s.length];
      for (int i = 0; i < s.length; i++) {
        ascending[i] = s[order[i]];
      }
      double[] p = softmax(ascending);
      double cumulative = 0;
      for (int i = 0; i < s.length - 1; i++) {
        cumulative += p[i];
        if (cumulative <= 1 - topP) {
          s[order[i]] = Double.NEGATIVE_INFINITY;
        }
      }
    }
    return s;
  }

  /** The first index of the largest value. */
  public static int argmax(double[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The token at which the cumulative probability first exceeds {@code u} (in {@code [0, 1)}). */
  public static int draw(double[] probabilities, double u) {
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < probabilities.length; i++) {
      if (probabilities[i] > 0) {
        cumulative += probabilities[i];
        last = i;
        if (u < cumulative) {
          return i;
        }
      }
    }
    return last; // rounding left the total a hair below u
  }

  private static double[] softmax(double[] s) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double[] p = new double[s.length];
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      p[i] = Math.exp(s[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < s.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
