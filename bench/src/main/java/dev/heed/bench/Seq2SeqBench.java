package dev.heed.bench;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.backend.replay.ScalarPass;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.EncoderDecoder;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The sequence-to-sequence workloads of {@code bench/scripts/bench_seq2seq_torch.py} (group {@code
 * seq2seq}): the encoder–decoder transformer of integration-tests' {@code DateTransductionTest}
 * (vocabulary 15, width 32, 4 heads, feed-forward 64, 2 encoder and 2 decoder layers, post-norm,
 * ReLU, scaled embeddings, learned positions up to 12, a linear head; built from the plugins by
 * name) on its own random initial weights.
 *
 * <ul>
 *   <li>{@code seq2seq_greedy}, {@code seq2seq_beam1}, {@code seq2seq_beam4}: one source of 10
 *       tokens (batch 1), {@link EncoderDecoder#greedy} and {@link EncoderDecoder#beam} (width 1
 *       and 4, length penalty 0.6) for 12 tokens, the test's longest answer. The stop token is one
 *       the model never produces (-1), so every call makes all 12 tokens whatever the random
 *       weights predict. The encoder runs once; the decoder re-runs the whole prefix at each step
 *       ({@link EncoderDecoder#rerunning}, as PyTorch's loop in the script), so 12 tokens cost 1 +
 *       2 + … + 12 = 78 decoder positions (312 for width 4).
 *   <li>{@code seq2seq_greedy_cached}, {@code seq2seq_beam1_cached}, {@code seq2seq_beam4_cached}:
 *       the same calls decoding step by step (self-attention keys and values cached, the memory's
 *       cross-attention keys and values projected once): 12 decoder positions (48 for width 4).
 *   <li>{@code seq2seq_fwdbwd_adam}: the test's training step at its batch of 32 (sources of 8 to
 *       10 tokens padded to 10 and masked, decoder inputs and labels of 11 tokens): forward with
 *       teacher forcing, cross-entropy, backward, Adam (lr 3e-3).
 * </ul>
 *
 * Timed with {@link Timing} like the other groups; a generation line's {@code tokens_per_s} counts
 * the tokens of the answer (12 per call, whatever the width).
 */
final class Seq2SeqBench {
  private static final DType F32 = DType.FLOAT32;
  private static final int VOCABULARY = 15;
  private static final int DIM = 32;
  private static final int START = 12;
  private static final int PAD = 14;
  private static final int SOURCE = 10;
  private static final int TARGET = 11; // start + 10 characters (decoder input), 10 + stop (labels)
  private static final int NEW = 12;
  private static final int BATCH = 32;
  static final String PARAMS = "V=15 D=32 H=4 FF=64 L=2+2 S=10";

  private final Consumer<String> lines;
  private final BenchOptions options;

  Seq2SeqBench(Consumer<String> lines, BenchOptions options) {
    this.lines = lines;
    this.options = options;
  }

  private static Layer layer(String name, Map<String, Object> opts, int in, BuildContext ctx) {
    LayerProvider p = Plugins.shared().layers().get(name);
    return p.create(p.options().resolve(name, opts, Plugins.shared()), in, ctx);
  }

  /** The transformer of {@code DateTransductionTest.transformerLearnsDateFormats}. */
  static EncoderDecoder model(Backend b) {
    BuildContext ctx = BuildContext.of(b, F32, 11);
    Map<String, Object> block =
        Map.of("nhead", 4, "dim_feedforward", 64, "dropout", 0.0, "num_layers", 2);
    Map<String, Object> positions = Map.of("max_len", 12, "init_std", 1.0);
    return new EncoderDecoder(
        List.of(
            layer("embedding", Map.of("embedding_dim", DIM, "scale", true), VOCABULARY, ctx),
            layer("learned-positional-encoding", positions, DIM, ctx),
            layer("transformer-encoder", block, DIM, ctx)),
        List.of(
            layer("embedding", Map.of("embedding_dim", DIM, "scale", true), VOCABULARY, ctx),
            layer("learned-positional-encoding", positions, DIM, ctx),
            layer("transformer-decoder", block, DIM, ctx),
            layer("lm-head", Map.of("vocab_size", VOCABULARY), DIM, ctx)));
  }

  void run(Backend b, int threads) {
    EncoderDecoder model = model(b);
    // the first workload timed in a process otherwise meets code the JIT has not compiled yet, and
    // on a busy machine Timing's warm-up can settle before it has (greedy, timed first, came out
    // many times slower than at the next thread count): run every workload untimed first
    Seq2SeqBench warm = new Seq2SeqBench(l -> {}, options.withTiming(1, 0.1, 1.0));
    for (int width : new int[] {0, 1, 4}) {
      warm.generation(b, threads, model, width, false);
      warm.generation(b, threads, model, width, true);
    }
    warm.training(b, threads, model);
    for (boolean cached : new boolean[] {false, true}) {
      generation(b, threads, model, 0, cached);
      generation(b, threads, model, 1, cached);
      generation(b, threads, model, 4, cached);
    }
    training(b, threads, model);
    for (Parameter p : model.namedParameters().values()) {
      p.zeroGrad();
      p.value().close();
    }
    trainingReplayed(b, threads);
  }

  /**
   * {@code seq2seq_fwdbwd_adam_replay}: the training step of {@link #training} on a model built on
   * a replay backend over {@code b}, run once eagerly (it makes Adam's moments), captured twice
   * (its update marked for per-step scalars, its forward seeds declared) and timed as the plan's
   * replay; an info line when the capture is refused.
   */
  @SuppressWarnings("try")
  private void trainingReplayed(Backend b, int threads) {
    try (ReplayBackend rb = ReplayBackend.borrowing(b)) {
      EncoderDecoder model = model(rb);
      TrainingBatch batch = TrainingBatch.on(rb);
      Tensor src = batch.src();
      Tensor mask = batch.mask();
      Tensor in = batch.in();
      Tensor lab = batch.lab();
      var adam = Plugins.shared().optimizers().get("adam");
      Optimizer opt =
          adam.create(
              adam.options().resolve("adam", Map.of("lr", 3e-3)),
              List.of(ParameterGroup.of(model.namedParameters())));
      var ce = Plugins.shared().losses().get("cross-entropy");
      Loss loss = ce.create(ce.options().resolve("cross-entropy", Map.of()));
      Seeds seeds = new Seeds(5);
      Runnable step =
          () -> {
            try (Scope s = Scope.open()) {
              Tensor logits = model.forward(src, in, mask, null, ForwardContext.training(seeds));
              loss.compute(Shapes.reshape(logits, -1, VOCABULARY), lab).backward();
              ScalarPass.run(opt::step);
            }
            opt.zeroGrad(); // nothing the step allocates outlives it
          };
      step.run();
      Object[] declared = {seeds};
      Optional<Plan> plan =
          Steps.capturedTwice(
              rb,
              declared,
              step,
              w -> lines.accept("heed info seq2seq_fwdbwd_adam_replay not measured: " + w));
      if (plan.isPresent()) {
        try (Plan p = plan.get()) {
          Object[] none = {};
          Timing.Result r = Timing.measure(() -> p.replay(declared, none), options);
          lines.accept(
              Timing.line(
                  "seq2seq_fwdbwd_adam_replay",
                  PARAMS + " B=" + BATCH + " T=" + TARGET,
                  threads,
                  r,
                  0,
                  "ms",
                  String.format(
                      Locale.ROOT,
                      " tokens_per_s=%.0f loadavg=%s",
                      BATCH * TARGET / r.median(),
                      Benchmarks.loadAverage())));
        }
      }
      batch.close();
      for (Parameter p : model.namedParameters().values()) {
        p.zeroGrad();
        p.value().close();
      }
    }
  }

  /**
   * Width 0: greedy; else beam search of that width. Cached: the decoder takes one position per
   * step ({@link EncoderDecoder#decodesStepwise}); else it re-runs the prefix ({@link
   * EncoderDecoder#rerunning}), as PyTorch's loop in the script does.
   */
  @SuppressWarnings("try")
  private void generation(
      Backend b, int threads, EncoderDecoder stepwise, int width, boolean cached) {
    EncoderDecoder model = cached ? stepwise : stepwise.rerunning();
    // 23/11/1994: a source of the full 10 tokens
    int[] tokens = {2, 3, 10, 1, 1, 10, 1, 9, 9, 4};
    Tensor source = Scope.outside(() -> Tensors.indices(b, tokens, 1, SOURCE));
    Tensor mask =
        Scope.outside(() -> AttentionMasks.fromLengths(b, F32, new int[] {SOURCE}, SOURCE));
    ForwardContext inference = ForwardContext.inference();
    Runnable call =
        () -> {
          try (Scope s = Scope.open()) {
            List<int[]> out =
                width == 0
                    ? model.greedy(source, mask, START, -1, NEW, inference)
                    : model.beam(source, mask, START, -1, NEW, width, 0.6, inference);
            if (out.get(0).length != NEW) {
              throw new IllegalStateException(
                  "seq2seq: generated " + Arrays.toString(out.get(0)) + ", not " + NEW + " tokens");
            }
          }
        };
    Timing.Result r = Timing.measure(call, options);
    String name =
        (width == 0 ? "seq2seq_greedy" : "seq2seq_beam" + width) + (cached ? "_cached" : "");
    int rows = Math.max(1, width);
    String extra =
        String.format(
            Locale.ROOT,
            " tokens_per_s=%.1f decoder_positions=%d loadavg=%s",
            NEW / r.median(),
            cached ? rows * NEW : rows * NEW * (NEW + 1) / 2,
            Benchmarks.loadAverage());
    lines.accept(Timing.line(name, PARAMS + " B=1 new=" + NEW, threads, r, 0, "ms", extra));
    source.close();
    mask.close();
  }

  /** The training batch: sources of 8 to 10 tokens with their mask, decoder inputs and labels. */
  private record TrainingBatch(Tensor src, Tensor mask, Tensor in, Tensor lab)
      implements AutoCloseable {
    static TrainingBatch on(Backend b) {
      SplittableRandom random = new SplittableRandom(7);
      int[] source = new int[BATCH * SOURCE];
      int[] lengths = new int[BATCH];
      int[] input = new int[BATCH * TARGET];
      int[] labels = new int[BATCH * TARGET];
      Arrays.fill(source, PAD);
      for (int i = 0; i < BATCH; i++) {
        lengths[i] = random.nextInt(8, SOURCE + 1);
        for (int j = 0; j < lengths[i]; j++) {
          source[i * SOURCE + j] = random.nextInt(0, 12);
        }
        input[i * TARGET] = START;
        for (int j = 0; j < TARGET; j++) {
          labels[i * TARGET + j] = random.nextInt(0, 14);
          if (j + 1 < TARGET) {
            input[i * TARGET + j + 1] = labels[i * TARGET + j];
          }
        }
      }
      Tensor src = Scope.outside(() -> Tensors.indices(b, source, BATCH, SOURCE));
      Tensor mask = Scope.outside(() -> AttentionMasks.fromLengths(b, F32, lengths, SOURCE));
      Tensor in = Scope.outside(() -> Tensors.indices(b, input, BATCH, TARGET));
      Tensor lab = Scope.outside(() -> Tensors.indices(b, labels, BATCH * TARGET));
      return new TrainingBatch(src, mask, in, lab);
    }

    @Override
    public void close() {
      for (Tensor t : List.of(src, mask, in, lab)) {
        t.close();
      }
    }
  }

  @SuppressWarnings("try")
  private void training(Backend b, int threads, EncoderDecoder model) {
    TrainingBatch batch = TrainingBatch.on(b);
    Tensor src = batch.src();
    Tensor mask = batch.mask();
    Tensor in = batch.in();
    Tensor lab = batch.lab();
    var adam = Plugins.shared().optimizers().get("adam");
    Optimizer opt =
        adam.create(
            adam.options().resolve("adam", Map.of("lr", 3e-3)),
            List.of(ParameterGroup.of(model.namedParameters())));
    var ce = Plugins.shared().losses().get("cross-entropy");
    Loss loss = ce.create(ce.options().resolve("cross-entropy", Map.of()));
    Seeds seeds = new Seeds(5);
    Runnable call =
        () -> {
          try (Scope s = Scope.open()) {
            Tensor logits = model.forward(src, in, mask, null, ForwardContext.training(seeds));
            Tensor l = loss.compute(Shapes.reshape(logits, -1, VOCABULARY), lab);
            opt.zeroGrad();
            l.backward();
            opt.step();
          }
        };
    Timing.Result r = Timing.measure(call, options);
    String extra =
        String.format(
            Locale.ROOT,
            " tokens_per_s=%.0f loadavg=%s",
            BATCH * TARGET / r.median(),
            Benchmarks.loadAverage());
    lines.accept(
        Timing.line(
            "seq2seq_fwdbwd_adam",
            PARAMS + " B=" + BATCH + " T=" + TARGET,
            threads,
            r,
            0,
            "ms",
            extra));
    batch.close();
  }
}
