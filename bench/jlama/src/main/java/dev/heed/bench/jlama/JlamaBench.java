package dev.heed.bench.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.functions.Generator;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Greedy generation at batch 1 with Jlama on the Llama shape of {@code heed bench}'s {@code
 * llama_generate} (12 layers, 768 wide, 12 heads, 4 key-value heads, FF 2048, vocabulary 32000,
 * untied head; random weights N(0, 0.02) written by {@link LlamaDirectory}): a 16-token prompt,
 * then 64 new tokens, 2 warm-up calls and the median of 3, one line in the format of {@code heed
 * bench} with the prefix {@code ref jlama}.
 *
 * <p>usage: {@code JlamaBench DIR THREADS [F32|BF16]}: the model directory (made when absent),
 * Jlama's thread count ({@code PhysicalCoreExecutor}, fixed per JVM), and the weight type on disk
 * and in memory (Jlama's working type is FLOAT32 either way; activations are not quantized).
 */
public final class JlamaBench {
  private static final int PROMPT = 16;
  private static final int NEW = 64;

  private JlamaBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: JlamaBench DIR THREADS [F32|BF16]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    boolean bf16 = args.length > 2 && args[2].equalsIgnoreCase("BF16");
    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
      LlamaDirectory.write(dir, bf16);
    }
    PhysicalCoreExecutor.overrideThreadCount(threads);
    // the prompt: 16 single-letter tokens (the vocabulary holds each letter as a token)
    String prompt = "abcdefghijklmnop";
    try (AbstractModel model = ModelSupport.loadModel(dir.toFile(), DType.F32, DType.F32)) {
      // Jlama's limit counts positions: the prompt (with the BOS token it adds), then one forward
      // step per further token; the prefill gives the first new token
      int ntokens = PROMPT + NEW;
      List<double[]> runs = new ArrayList<>();
      Generator.Response last = null;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        Generator.Response r =
            model.generate(UUID.randomUUID(), PromptContext.of(prompt), 0.0f, ntokens, (s, f) -> {});
        double ms = (System.nanoTime() - t0) / 1e6;
        if (i >= 2) {
          runs.add(new double[] {ms, r.promptTimeMs, r.generatedTokens + 1, r.generateTimeMs});
        }
        last = r;
      }
      runs.sort((a, b) -> Double.compare(a[0], b[0]));
      double[] med = runs.get(1);
      double weightMb = LlamaDirectory.weightBytes(bf16) / 1e6;
      System.out.println(
          String.format(
              Locale.ROOT,
              "ref jlama llama_generate L=12 D=768 H=12 KV=4 FF=2048 V=32000 B=1 prompt=%d new=%d"
                  + " threads=%d ms=%.1f ms_min=%.1f ms_max=%.1f tokens_per_s=%.2f prefill_ms=%.1f"
                  + " decode_tokens_per_s=%.2f weight_mb_per_step=%.1f weights=%s jlama_prompt=%d"
                  + " jlama_new=%d",
              PROMPT,
              NEW,
              threads,
              med[0],
              runs.get(0)[0],
              runs.get(2)[0],
              med[2] / (med[0] / 1e3),
              med[1],
              (med[2] - 1) / (med[3] / 1e3),
              weightMb,
              bf16 ? "BF16" : "F32",
              last.promptTokens,
              last.generatedTokens + 1));
    }
  }
}
