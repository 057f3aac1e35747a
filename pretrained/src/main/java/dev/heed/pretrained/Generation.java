package dev.heed.pretrained;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.pretrained.blocks.KvCache;

/**
 * Greedy decoding with a key/value cache: the prompt runs through the model once, then each new
 * token alone, its keys and values appended to the cache.
 */
public final class Generation {
  private Generation() {}

  /**
   * The {@code steps} tokens that greedy decoding appends to {@code prompt} (stopping early after
   * {@code stop}, which is included; -1 for none).
   */
  @SuppressWarnings("try")
  public static int[] greedy(DecoderModel model, int[] prompt, int steps, int stop) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("generation: the prompt is empty");
    }
    int[] out = new int[steps];
    int n = 0;
    var backend = model.parameters().get(0).value().backend();
    try (GradMode off = GradMode.disable();
        KvCache cache = model.newCache(1, prompt.length + steps)) {
      int[] next = prompt;
      while (n < steps) {
        int[] input = next;
        int token;
        try (Scope s = Scope.open()) {
          Tensor ids = Tensors.indices(backend, input, 1, input.length);
          Tensor logits = model.forward(ids, cache, ForwardContext.inference()).logits();
          Tensor last = Shapes.select(Shapes.select(logits, 0, 0), 0, input.length - 1);
          token = (int) Reductions.argmax(last, 0).item();
        }
        out[n++] = token;
        if (token == stop) {
          break;
        }
        next = new int[] {token};
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
