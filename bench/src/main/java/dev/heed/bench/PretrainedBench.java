package dev.heed.bench;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.pretrained.Bert;
import dev.heed.pretrained.BertConfig;
import dev.heed.pretrained.DecoderModel;
import dev.heed.pretrained.Generation;
import dev.heed.pretrained.Gpt2;
import dev.heed.pretrained.Gpt2Config;
import dev.heed.pretrained.Llama;
import dev.heed.pretrained.LlamaConfig;
import dev.heed.pretrained.blocks.RopeFrequencies;
import dev.heed.pretrained.blocks.Weights;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The pretrained-model workloads of {@code bench/scripts/bench_pretrained_torch.py}, on random
 * FLOAT32 weights built in memory: greedy generation at batch 1 with the KV cache ({@link
 * Generation}) for a GPT-2-small-shaped and a Llama-shaped decoder (group {@code generate}), and a
 * BERT-base-shaped forward pass at batch 1 (group {@code bert}). Group {@code generate_bf16} runs
 * the same generations with the layer matrices resident in BFLOAT16 ({@link Weights#withMatrices};
 * FLOAT32 arithmetic). Each decoder is preceded by a {@code resident_memory} line: the heap the
 * model occupies, measured as the used heap after garbage collection ({@code MemoryMXBean}) before
 * and after building and filling it.
 *
 * <p>A generation is long (seconds), so these are timed as whole calls rather than through {@link
 * Timing}: warm-up calls, then {@code rounds} timed calls, median, minimum and maximum. A
 * generation line gives the end-to-end tokens/s (new tokens over the whole call, prompt included),
 * the prompt's time (to the first new token) and the tokens/s of the single-token steps after it,
 * and the weight bytes that each single-token step reads.
 */
final class PretrainedBench {
  private static final DType F32 = DType.FLOAT32;

  private final Consumer<String> lines;
  private final int rounds;
  private final int promptLength;
  private final int newTokens;

  PretrainedBench(Consumer<String> lines, int rounds, int promptLength, int newTokens) {
    this.lines = lines;
    this.rounds = rounds;
    this.promptLength = promptLength;
    this.newTokens = newTokens;
  }

  /** GPT-2 small: 12 layers, 768 wide, 12 heads, 50257 tokens, tied head, tanh GELU. */
  static Gpt2Config gpt2Small() {
    return new Gpt2Config(50257, 1024, 768, 12, 12, 3072, true, 1e-5, 0, 0, 0);
  }

  /** A Llama of GPT-2 small's size: 12 layers, 768 wide, 12 heads, 4 key-value heads. */
  static LlamaConfig llamaSmall() {
    return new LlamaConfig(
        32000,
        768,
        2048,
        12,
        12,
        4,
        64,
        2048,
        1e-6,
        RopeFrequencies.standard(10000.0, 64),
        false,
        false,
        false);
  }

  /** BERT base: 12 layers, 768 wide, 12 heads, 3072 inner, 30522 tokens, no head. */
  static BertConfig bertBase() {
    return new BertConfig(
        30522, 768, 12, 12, 3072, 512, 2, 1e-12, 0, 0, BertConfig.Head.NONE, 0, 0.02, 0);
  }

  void generate(Backend b, int threads) {
    // the vector-matrix products of one step alone: GPT-2's c_fc (Conv1D, W [in, out]) and a
    // Llama gate projection (Linear, W [out, in], B transposed)
    matvec(b, threads, 768, 3072, false);
    matvec(b, threads, 768, 2048, true);
    decoders(b, threads, F32, "");
  }

  /** As {@link #generate} without the products alone, the layer matrices resident in BFLOAT16. */
  void generateBf16(Backend b, int threads) {
    decoders(b, threads, DType.BFLOAT16, "_bf16");
  }

  private void decoders(Backend b, int threads, DType matrices, String suffix) {
    BuildContext ctx = BuildContext.of(b, F32, 1);
    String gpt2Params = "L=12 D=768 H=12 V=50257";
    DecoderModel gpt2 = built("gpt2", threads, matrices, () -> new Gpt2(gpt2Small(), ctx));
    decoder("gpt2_generate" + suffix, gpt2Params, threads, gpt2, 50257);
    String llamaParams = "L=12 D=768 H=12 KV=4 FF=2048 V=32000";
    DecoderModel llama = built("llama", threads, matrices, () -> new Llama(llamaSmall(), ctx));
    decoder("llama_generate" + suffix, llamaParams, threads, llama, 32000);
  }

  /**
   * Builds a decoder with its layer matrices in {@code matrices} and random weights, and reports
   * the heap it occupies (used heap after garbage collection, after minus before).
   */
  private DecoderModel built(
      String name, int threads, DType matrices, Supplier<DecoderModel> build) {
    long before = heapAfterGc();
    DecoderModel model = Weights.withMatrices(matrices, build);
    randomize(model.parameters());
    long after = heapAfterGc();
    long weights = 0;
    for (Parameter p : model.parameters()) {
      weights += p.value().size() * p.value().dtype().byteSize();
    }
    lines.accept(
        String.format(
            Locale.ROOT,
            "heed resident_memory model=%s matrices=%s threads=%d heap_mb=%.1f weights_mb=%.1f"
                + " loadavg=%s",
            name,
            matrices,
            threads,
            (after - before) / 1e6,
            weights / 1e6,
            Benchmarks.loadAverage()));
    return model;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** {@code x [1, k] · W} with W {@code [k, n]} (or {@code [n, k]} transposed), weight GB/s. */
  private void matvec(Backend b, int threads, int k, int n, boolean transB) {
    try (Buffer x = b.allocate(F32, k);
        Buffer w = b.allocate(F32, (long) k * n);
        Buffer y = b.allocate(F32, n)) {
      b.random(Distribution.NORMAL, 0, 1, 1, 0, x, k);
      b.random(Distribution.NORMAL, 0, 1, 2, 0, w, (long) k * n);
      MatmulSpec spec = MatmulSpec.of(1, 1, n, k, false, transB);
      int calls = 200;
      Runnable call =
          () -> {
            for (int i = 0; i < calls; i++) {
              b.matmul(spec, x, w, y);
            }
            b.synchronize();
          };
      double[] ms = time(call, 10);
      double us = median(ms) * 1000 / calls;
      lines.accept(
          String.format(
              Locale.ROOT,
              "heed matvec M=1 K=%d N=%d transB=%s threads=%d us=%.1f us_min=%.1f us_max=%.1f"
                  + " weight_gb_per_s=%.2f gflops=%.2f rounds=%d loadavg=%s",
              k,
              n,
              transB,
              threads,
              us,
              min(ms) * 1000 / calls,
              max(ms) * 1000 / calls,
              4.0 * k * n / (us * 1e3),
              2.0 * k * n / (us * 1e3),
              rounds,
              Benchmarks.loadAverage()));
    }
  }

  @SuppressWarnings("try")
  void bert(Backend b, int threads) {
    int t = 128;
    Bert model = new Bert(bertBase(), BuildContext.of(b, F32, 1));
    randomize(model.parameters());
    int[] ids = new SplittableRandom(7).ints(t, 0, 30522).toArray();
    Runnable call =
        () -> {
          try (GradMode off = GradMode.disable();
              Scope s = Scope.open()) {
            Tensor in = Tensors.indices(b, ids, 1, t);
            Bert.Output out = model.forward(in, null, null, ForwardContext.inference());
            out.hidden().toFloatArray();
          }
        };
    double[] ms = time(call, 3);
    double med = median(ms);
    lines.accept(
        String.format(
            Locale.ROOT,
            "heed bert_forward B=1 T=%d L=12 D=768 H=12 FF=3072 threads=%d ms=%.1f ms_min=%.1f"
                + " ms_max=%.1f seqs_per_s=%.3f tokens_per_s=%.0f rounds=%d loadavg=%s",
            t,
            threads,
            med,
            min(ms),
            max(ms),
            1000.0 / med,
            t * 1000.0 / med,
            rounds,
            Benchmarks.loadAverage()));
    close(model.parameters());
  }

  private void decoder(String name, String params, int threads, DecoderModel model, int vocab) {
    randomize(model.parameters());
    long weightBytes = 0;
    for (Parameter p : model.parameters()) {
      weightBytes += p.value().size() * p.value().dtype().byteSize();
    }
    int[] prompt = new SplittableRandom(11).ints(promptLength, 0, vocab).toArray();
    double[] total = new double[rounds];
    double[] first = new double[rounds];
    for (int r = -2; r < rounds; r++) {
      long[] firstAt = new long[1];
      long start = System.nanoTime();
      int[] out =
          Generation.generate(
              model,
              prompt,
              Generation.Options.greedy(newTokens),
              tok -> {
                if (firstAt[0] == 0) {
                  firstAt[0] = System.nanoTime();
                }
              });
      long end = System.nanoTime();
      if (out.length != newTokens) {
        throw new IllegalStateException(name + ": generated " + out.length + " tokens");
      }
      if (r >= 0) {
        total[r] = (end - start) / 1e6;
        first[r] = (firstAt[0] - start) / 1e6;
      }
    }
    double med = median(total);
    double prefill = median(first);
    double[] decode = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      decode[r] = (newTokens - 1) * 1000.0 / (total[r] - first[r]);
    }
    // a single-token step reads every weight matrix once; the embedding rows it reads are few
    long stepBytes = weightBytes - embeddingBytes(model);
    lines.accept(
        String.format(
            Locale.ROOT,
            "heed %s %s B=1 prompt=%d new=%d threads=%d ms=%.1f ms_min=%.1f ms_max=%.1f"
                + " tokens_per_s=%.2f prefill_ms=%.1f decode_tokens_per_s=%.2f"
                + " weight_mb_per_step=%.1f decode_gb_per_s=%.2f rounds=%d loadavg=%s",
            name,
            params,
            promptLength,
            newTokens,
            threads,
            med,
            min(total),
            max(total),
            newTokens * 1000.0 / med,
            prefill,
            median(decode),
            stepBytes / 1e6,
            stepBytes * median(decode) / 1e9,
            rounds,
            Benchmarks.loadAverage()));
    close(model.parameters());
  }

  /** Bytes of the embedding tables that a step only gathers rows from (the tied head excepted). */
  private static long embeddingBytes(DecoderModel model) {
    long bytes = 0;
    for (var e : model.namedParameters().entrySet()) {
      String n = e.getKey();
      boolean gathered =
          n.equals("transformer.wpe.weight")
              || (n.equals("model.embed_tokens.weight") && model instanceof Llama);
      if (gathered) {
        Tensor t = e.getValue().value();
        bytes += t.size() * t.dtype().byteSize();
      }
    }
    return bytes;
  }

  @SuppressWarnings("try")
  private static void randomize(java.util.List<Parameter> params) {
    long seed = 100;
    try (GradMode off = GradMode.disable()) {
      for (Parameter p : params) {
        Tensor v = p.value();
        if (v.dtype().isStorageOnly()) {
          // drawn in FLOAT32 as for the FLOAT32 model, then rounded into the 16-bit matrix
          try (Tensor f = Tensors.zeros(v.backend(), v.shape(), F32)) {
            Tensors.fillRandom(f, Distribution.NORMAL, 0, 0.02, seed++);
            Weights.assign(v, f);
          }
        } else {
          Tensors.fillRandom(v, Distribution.NORMAL, 0, 0.02, seed++);
        }
      }
    }
  }

  private static void close(java.util.List<Parameter> params) {
    for (Parameter p : params) {
      p.value().close();
    }
  }

  private double[] time(Runnable call, int warmup) {
    for (int i = 0; i < warmup; i++) {
      call.run();
    }
    double[] ms = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      call.run();
      ms[r] = (System.nanoTime() - start) / 1e6;
    }
    return ms;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElseThrow();
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElseThrow();
  }
}
