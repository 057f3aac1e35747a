package dev.heed.pretrained;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.pretrained.blocks.KvCache;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Decoding with a key/value cache: the prompt runs through the model once, then each new token
 * alone, its keys and values appended to the cache. Greedy (the arg-max of the processed logits) or
 * sampled (a seeded draw from {@link Sampling#probabilities}); tokens are handed to a listener as
 * they come.
 */
public final class Generation {
  private Generation() {}

  /**
   * What to generate.
   *
   * @param maxNewTokens tokens to add at most
   * @param sample whether to draw from the distribution (else take the most likely token)
   * @param sampling the logits processing (for greedy decoding only the repetition penalty matters)
   * @param seed the random stream of the draws
   * @param stopTokens generation ends after one of these (it is included)
   */
  public record Options(
      int maxNewTokens, boolean sample, Sampling sampling, long seed, int[] stopTokens) {

    /** Checks the values. */
    public Options {
      if (maxNewTokens < 0) {
        throw new IllegalArgumentException(
            "generation: max new tokens must be >= 0, got " + maxNewTokens);
      }
      stopTokens = stopTokens.clone();
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens, no stop token. */
    public static Options greedy(int maxNewTokens) {
      return new Options(maxNewTokens, false, Sampling.plain(), 0, new int[0]);
    }
  }

  /**
   * The {@code steps} tokens that greedy decoding appends to {@code prompt} (stopping early after
   * {@code stop}, which is included; -1 for none).
   */
  public static int[] greedy(DecoderModel model, int[] prompt, int steps, int stop) {
    return generate(
        model,
        prompt,
        new Options(steps, false, Sampling.plain(), 0, stop < 0 ? new int[0] : new int[] {stop}),
        t -> {});
  }

  /** The tokens generated after {@code prompt}, each also given to {@code onToken} as it comes. */
  @SuppressWarnings("try")
  public static int[] generate(
      DecoderModel model, int[] prompt, Options options, IntConsumer onToken) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("generation: the prompt is empty");
    }
    int steps = options.maxNewTokens();
    if (prompt.length + steps > model.maxPositions()) {
      throw new IllegalArgumentException(
          "generation: a prompt of "
              + prompt.length
              + " tokens and "
              + steps
              + " new ones exceed the model's "
              + model.maxPositions()
              + " positions");
    }
    int[] history = Arrays.copyOf(prompt, prompt.length + steps);
    int n = 0;
    SplittableRandom random = new SplittableRandom(options.seed());
    var backend = model.parameters().get(0).value().backend();
    try (GradMode off = GradMode.disable();
        KvCache cache = model.newCache(1, prompt.length + steps)) {
      int[] next = prompt;
      while (n < steps) {
        int[] input = next;
        double[] logits;
        try (Scope s = Scope.open()) {
          Tensor ids = Tensors.indices(backend, input, 1, input.length);
          Tensor all = model.forward(ids, cache, ForwardContext.inference()).logits();
          logits = Shapes.select(Shapes.select(all, 0, 0), 0, input.length - 1).toDoubleArray();
        }
        int[] seen = Arrays.copyOf(history, prompt.length + n);
        int token =
            options.sample()
                ? Sampling.draw(options.sampling().probabilities(logits, seen), random.nextDouble())
                : Sampling.argmax(options.sampling().scores(logits, seen));
        history[prompt.length + n] = token;
        n++;
        onToken.accept(token);
        if (Arrays.stream(options.stopTokens()).anyMatch(t -> t == token)) {
          break;
        }
        next = new int[] {token};
      }
    }
    return Arrays.copyOfRange(history, prompt.length, prompt.length + n);
  }
}
