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
          Tensor hidden = model.hidden(ids, null, cache, ForwardContext.inference());
          // only the last position's logits are needed: the head runs on it alone
          Tensor last = Shapes.select(Shapes.select(hidden, 0, 0), 0, input.length - 1);
          logits = model.logits(last).toDoubleArray();
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

  /**
   * Generates for a batch of prompts at once, each as it would alone: the prompts are padded on the
   * left to the longest with {@code pad} (any token id; it is masked out), one forward pass per
   * step computes every row, and a row's tokens end after its first stop token (the others go on).
   * Sampled rows draw from one seeded stream in row order. {@code onToken} gets (row, token) as
   * they come, rows that have stopped excepted.
   */
  @SuppressWarnings("try")
  public static int[][] generate(
      DecoderModel model,
      int[][] prompts,
      int pad,
      Options options,
      java.util.function.BiConsumer<Integer, Integer> onToken) {
    int b = prompts.length;
    int longest = 0;
    for (int[] p : prompts) {
      if (p.length == 0) {
        throw new IllegalArgumentException("generation: a prompt is empty");
      }
      longest = Math.max(longest, p.length);
    }
    int steps = options.maxNewTokens();
    if (longest + steps > model.maxPositions()) {
      throw new IllegalArgumentException(
          "generation: the longest prompt of "
              + longest
              + " tokens and "
              + steps
              + " new ones exceed the model's "
              + model.maxPositions()
              + " positions");
    }
    int total = longest + steps;
    int[][] history = new int[b][];
    int[] mask = new int[b * total];
    int[] input = new int[b * longest];
    for (int r = 0; r < b; r++) {
      history[r] = Arrays.copyOf(prompts[r], prompts[r].length + steps);
      int offset = longest - prompts[r].length;
      for (int j = 0; j < longest; j++) {
        boolean real = j >= offset;
        input[r * longest + j] = real ? prompts[r][j - offset] : pad;
        mask[r * total + j] = real ? 1 : 0;
      }
    }
    int[] produced = new int[b];
    boolean[] stopped = new boolean[b];
    SplittableRandom random = new SplittableRandom(options.seed());
    var backend = model.parameters().get(0).value().backend();
    try (GradMode off = GradMode.disable();
        KvCache cache = model.newCache(b, total)) {
      int width = longest;
      int length = longest;
      for (int n = 0; n < steps; n++) {
        double[] logits;
        int vocab;
        try (Scope s = Scope.open()) {
          Tensor ids = Tensors.indices(backend, input, b, width);
          int[] visible = new int[b * length];
          for (int r = 0; r < b; r++) {
            System.arraycopy(mask, r * total, visible, r * length, length);
          }
          Tensor hidden =
              model.hidden(
                  ids,
                  Tensors.indices(backend, visible, b, length),
                  cache,
                  ForwardContext.inference());
          Tensor last = model.logits(Shapes.select(hidden, 1, width - 1));
          vocab = last.dim(1);
          logits = last.toDoubleArray();
        }
        int[] next = new int[b];
        for (int r = 0; r < b; r++) {
          double[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
          int[] seen = Arrays.copyOf(history[r], prompts[r].length + produced[r]);
          int token =
              options.sample()
                  ? Sampling.draw(options.sampling().probabilities(row, seen), random.nextDouble())
                  : Sampling.argmax(options.sampling().scores(row, seen));
          next[r] = token;
          if (!stopped[r]) {
            history[r][prompts[r].length + produced[r]++] = token;
            onToken.accept(r, token);
            if (Arrays.stream(options.stopTokens()).anyMatch(t -> t == token)) {
              stopped[r] = true;
            }
          }
        }
        boolean all = true;
        for (boolean x : stopped) {
          all &= x;
        }
        if (all) {
          break;
        }
        for (int r = 0; r < b; r++) {
          mask[r * total + length] = 1;
        }
        length++;
        input = next;
        width = 1;
      }
    }
    int[][] out = new int[b][];
    for (int r = 0; r < b; r++) {
      out[r] = Arrays.copyOfRange(history[r], prompts[r].length, prompts[r].length + produced[r]);
    }
    return out;
  }
}
