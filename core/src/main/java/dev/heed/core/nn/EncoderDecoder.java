package dev.heed.core.nn;

import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A model of two named parts, the encoder–decoder counterpart of {@link Sequential}: the encoder's
 * layers run over the source, the decoder's over the target, and every {@link MemoryLayer} of the
 * decoder reads the encoder's output (the memory) with the source padding mask. A {@link
 * MaskedLayer} gets its part's padding mask; any other layer its plain forward. Parameters are
 * named {@code encoder.<i>.<name>} and {@code decoder.<i>.<name>}.
 *
 * <p>Tokens in, logits out: typically {@code embedding → positions → encoder} and {@code embedding
 * → positions → decoder (memory) → lm-head}, the decoder's last layer giving {@code [B, T, V]}.
 * {@link #greedy}, {@link #sample} (temperature, top-k) and {@link #beam} (beam search with a
 * length penalty) generate with the encoder run once. When every decoder layer is a {@link
 * StepLayer} (and the context is not training) the decoder then takes one new position per step,
 * its layers keeping what earlier steps computed (a transformer decoder's self-attention keys and
 * values, the memory's cross-attention keys and values projected once); otherwise it re-runs the
 * whole prefix at each step. {@link #rerunning()} forces the second way. Not thread-safe.
 */
public final class EncoderDecoder implements Module {
  private final List<Layer> encoder;
  private final List<Layer> decoder;
  private final boolean stepwise;

  /**
   * The two parts, layers applied first to last.
   *
   * @throws IllegalArgumentException when the decoder has no {@link MemoryLayer} (it would never
   *     read the source) or the encoder has one (it has no memory to read)
   */
  public EncoderDecoder(List<? extends Layer> encoder, List<? extends Layer> decoder) {
    this(encoder, decoder, true);
  }

  private EncoderDecoder(
      List<? extends Layer> encoder, List<? extends Layer> decoder, boolean stepwise) {
    this.encoder = List.copyOf(encoder);
    this.decoder = List.copyOf(decoder);
    this.stepwise = stepwise;
    for (int i = 0; i < this.encoder.size(); i++) {
      if (this.encoder.get(i) instanceof MemoryLayer) {
        throw new IllegalArgumentException(
            "encoder layer "
                + i
                + " ("
                + this.encoder.get(i).getClass().getSimpleName()
                + ") reads a memory; only decoder layers can read the encoder's output");
      }
    }
    if (this.decoder.stream().noneMatch(l -> l instanceof MemoryLayer)) {
      throw new IllegalArgumentException(
          "the decoder has no layer that reads the encoder's output (a MemoryLayer such as"
              + " transformer-decoder or attention-decoder); it would ignore the source");
    }
  }

  /**
   * The same model (the same layers and parameters) generating by re-running the decoder over the
   * whole prefix at every step, whatever its layers support: the reference the step-by-step
   * decoding is checked against.
   */
  public EncoderDecoder rerunning() {
    return new EncoderDecoder(encoder, decoder, false);
  }

  /**
   * Whether generation under {@code ctx} feeds the decoder one position per step: every decoder
   * layer is a {@link StepLayer}, the context is not training (dropout draws would differ) and this
   * is not a {@link #rerunning()} model.
   */
  public boolean decodesStepwise(ForwardContext ctx) {
    return stepwise && !ctx.training() && decoder.stream().allMatch(l -> l instanceof StepLayer);
  }

  /** Each decoder layer's step state, or null when decoding re-runs the prefix. */
  private List<StepLayer.Steps> startSteps(
      Tensor memory, Tensor memoryMask, int capacity, ForwardContext ctx) {
    if (!decodesStepwise(ctx)) {
      return null;
    }
    List<StepLayer.Steps> steps = new ArrayList<>();
    for (Layer l : decoder) {
      steps.add(((StepLayer) l).startSteps(memory, memoryMask, capacity, ctx));
    }
    return steps;
  }

  /** The last-position logits {@code [B, V]} of the prefix ending in {@code last} at {@code t}. */
  private static Tensor step(List<StepLayer.Steps> steps, Tensor last, int t, ForwardContext ctx) {
    Tensor x = last;
    for (StepLayer.Steps s : steps) {
      x = s.step(x, t, ctx);
    }
    if (x.rank() != 3 || x.dim(1) != 1) {
      throw new IllegalArgumentException(
          "generation: the decoder must give logits [batch, 1, vocabulary] for one position, got "
              + x.shape());
    }
    return Shapes.select(x, 1, 0);
  }

  /** The memory {@code [B, S, m]}: the encoder's layers over {@code source}. */
  public Tensor encode(Tensor source, Tensor sourceMask, ForwardContext ctx) {
    Tensor x = source;
    for (Layer l : encoder) {
      x = l instanceof MaskedLayer m ? m.forward(x, sourceMask, ctx) : l.forward(x, ctx);
    }
    return x;
  }

  /** The decoder's layers over {@code target}, each {@link MemoryLayer} reading {@code memory}. */
  public Tensor decode(
      Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
    Tensor x = target;
    for (Layer l : decoder) {
      if (l instanceof MemoryLayer m) {
        x = m.forward(x, memory, targetMask, memoryMask, ctx);
      } else if (l instanceof MaskedLayer m) {
        x = m.forward(x, targetMask, ctx);
      } else {
        x = l.forward(x, ctx);
      }
    }
    return x;
  }

  /** {@code decode(target, encode(source, sourceMask), targetMask, sourceMask)}. */
  public Tensor forward(
      Tensor source, Tensor target, Tensor sourceMask, Tensor targetMask, ForwardContext ctx) {
    return decode(target, encode(source, sourceMask, ctx), targetMask, sourceMask, ctx);
  }

  /**
   * Greedy decoding: the encoder runs once, then the decoder over {@code [start, y_1, …, y_t]}
   * picks the most likely next token until every sequence has produced {@code stop} or {@code
   * maxLength} tokens. Runs without recording gradients.
   *
   * @param source the source tokens (or features) the encoder takes, batch first
   * @param sourceMask null or the source padding mask {@code [B, 1, S]}
   * @param start the token that starts every target
   * @param stop the token that ends one
   * @param maxLength the most tokens generated per sequence, at least 1
   * @return per sequence its tokens, without {@code start} and without {@code stop}
   */
  @SuppressWarnings("try")
  public List<int[]> greedy(
      Tensor source, Tensor sourceMask, int start, int stop, int maxLength, ForwardContext ctx) {
    if (maxLength < 1) {
      throw new IllegalArgumentException(
          "greedy decoding: maxLength must be >= 1, got " + maxLength);
    }
    return generate(
        source,
        sourceMask,
        start,
        stop,
        maxLength,
        ctx,
        logits -> Reductions.argmax(logits, 1).toIntArray());
  }

  /**
   * The generation loop: the encoder once, then the decoder over the growing prefixes, {@code
   * choose} picking each sequence's next token from the last position's logits {@code [B, V]}.
   */
  @SuppressWarnings("try")
  private List<int[]> generate(
      Tensor source,
      Tensor sourceMask,
      int start,
      int stop,
      int maxLength,
      ForwardContext ctx,
      Function<Tensor, int[]> choose) {
    try (GradMode off = GradMode.disable()) {
      Tensor memory = encode(source, sourceMask, ctx);
      int batch = source.dim(0);
      int[][] tokens = new int[batch][maxLength + 1];
      int[] length = new int[batch];
      Arrays.fill(length, -1);
      for (int[] row : tokens) {
        row[0] = start;
      }
      List<StepLayer.Steps> steps = startSteps(memory, sourceMask, maxLength, ctx);
      for (int t = 1; t <= maxLength; t++) {
        Tensor lastLogits;
        if (steps != null) {
          int[] last = new int[batch];
          for (int b = 0; b < batch; b++) {
            last[b] = tokens[b][t - 1];
          }
          lastLogits = step(steps, Tensors.indices(source.backend(), last, batch, 1), t - 1, ctx);
        } else {
          int[] flat = new int[batch * t];
          for (int b = 0; b < batch; b++) {
            System.arraycopy(tokens[b], 0, flat, b * t, t);
          }
          Tensor prefix = Tensors.indices(source.backend(), flat, batch, t);
          Tensor logits = decode(prefix, memory, null, sourceMask, ctx);
          if (logits.rank() != 3 || logits.dim(1) != t) {
            throw new IllegalArgumentException(
                "generation: the decoder must give logits [batch, time, vocabulary], got "
                    + logits.shape());
          }
          lastLogits = Shapes.select(logits, 1, t - 1);
        }
        int[] next = choose.apply(lastLogits);
        boolean running = false;
        for (int b = 0; b < batch; b++) {
          tokens[b][t] = length[b] >= 0 ? stop : next[b];
          if (length[b] < 0 && next[b] == stop) {
            length[b] = t - 1;
          }
          running |= length[b] < 0;
        }
        if (!running) {
          break;
        }
      }
      List<int[]> out = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        int n = length[b] >= 0 ? length[b] : maxLength;
        out.add(Arrays.copyOfRange(tokens[b], 1, 1 + n));
      }
      return out;
    }
  }

  /**
   * Sampling: as {@link #greedy}, but each next token is drawn from {@code softmax(logits /
   * temperature)}, restricted to the {@code topK} likeliest tokens when {@code topK > 0}, with a
   * random stream seeded by {@code seed} (the same seed gives the same tokens). Runs without
   * recording gradients.
   *
   * @param temperature above 0; lower is closer to greedy
   * @param topK 0 for every token, else how many of the likeliest tokens may be drawn
   * @return per sequence its tokens, without {@code start} and without {@code stop}
   */
  @SuppressWarnings("try")
  public List<int[]> sample(
      Tensor source,
      Tensor sourceMask,
      int start,
      int stop,
      int maxLength,
      double temperature,
      int topK,
      long seed,
      ForwardContext ctx) {
    if (maxLength < 1 || !(temperature > 0) || topK < 0) {
      throw new IllegalArgumentException(
          "sampling: maxLength must be >= 1, temperature > 0 and topK >= 0, got "
              + maxLength
              + ", "
              + temperature
              + ", "
              + topK);
    }
    SplittableRandom random = new SplittableRandom(seed);
    return generate(
        source,
        sourceMask,
        start,
        stop,
        maxLength,
        ctx,
        logits -> {
          int batch = logits.dim(0);
          int vocabulary = logits.dim(1);
          double[] l = logits.toDoubleArray();
          int[] next = new int[batch];
          for (int b = 0; b < batch; b++) {
            next[b] = draw(l, b * vocabulary, vocabulary, temperature, topK, random.nextDouble());
          }
          return next;
        });
  }

  /** One draw from {@code softmax(l[from..from+n) / temperature)} over the top {@code k}. */
  private static int draw(double[] l, int from, int n, double temperature, int k, double u) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(l[from + b], l[from + a]));
    int keep = k == 0 ? n : Math.min(k, n);
    double max = l[from + order[0]];
    double[] p = new double[keep];
    double total = 0;
    for (int i = 0; i < keep; i++) {
      p[i] = Math.exp((l[from + order[i]] - max) / temperature);
      total += p[i];
    }
    double target = u * total;
    for (int i = 0; i < keep; i++) {
      target -= p[i];
      if (target < 0) {
        return order[i];
      }
    }
    return order[keep - 1];
  }

  /**
   * Beam search: the encoder runs once (its output repeated for each beam), then every step extends
   * each of the {@code width} best prefixes of every sequence by every token, keeps the {@code
   * width} best unfinished ones by total log-probability, and sets aside those that end with {@code
   * stop}. A sequence is done once {@code width} hypotheses have finished and none of its live ones
   * can still score better (a live beam at best keeps its log-probability and reaches the longest
   * length), or after {@code maxLength} tokens, when its unfinished ones count too; its answer is
   * the hypothesis with the best {@code log P / length^lengthPenalty}, the length counting the stop
   * token (0: plain log-probability; above 0 favours longer answers). Width 1 with any penalty is
   * {@link #greedy}. Runs without recording gradients.
   *
   * @param width beams per sequence, at least 1
   * @param lengthPenalty the exponent α of the length normalisation, at least 0
   * @return per sequence its best tokens, without {@code start} and without {@code stop}
   */
  @SuppressWarnings("try")
  public List<int[]> beam(
      Tensor source,
      Tensor sourceMask,
      int start,
      int stop,
      int maxLength,
      int width,
      double lengthPenalty,
      ForwardContext ctx) {
    if (maxLength < 1 || width < 1 || !(lengthPenalty >= 0)) {
      throw new IllegalArgumentException(
          "beam search: maxLength and width must be >= 1 and lengthPenalty >= 0, got "
              + maxLength
              + ", "
              + width
              + ", "
              + lengthPenalty);
    }
    try (GradMode off = GradMode.disable()) {
      int batch = source.dim(0);
      int[] repeat = new int[batch * width];
      for (int i = 0; i < repeat.length; i++) {
        repeat[i] = i / width;
      }
      Tensor rows = Tensors.indices(source.backend(), repeat, repeat.length);
      Tensor memory = NeuralOps.indexSelect(encode(source, sourceMask, ctx), 0, rows);
      Tensor mask = sourceMask == null ? null : NeuralOps.indexSelect(sourceMask, 0, rows);
      List<List<Hypothesis>> live = new ArrayList<>();
      List<List<Hypothesis>> finished = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        live.add(new ArrayList<>(List.of(new Hypothesis(new int[] {start}, 0, 0))));
        finished.add(new ArrayList<>());
      }
      List<StepLayer.Steps> steps = startSteps(memory, mask, maxLength, ctx);
      for (int t = 1; t <= maxLength; t++) {
        Tensor lastLogits;
        if (steps != null) {
          // row b * width + k holds the state of live hypothesis min(k, size - 1) (see below)
          int[] last = new int[batch * width];
          for (int b = 0; b < batch; b++) {
            List<Hypothesis> l = live.get(b);
            for (int k = 0; k < width; k++) {
              last[b * width + k] =
                  l.isEmpty() ? 0 : l.get(Math.min(k, l.size() - 1)).tokens()[t - 1];
            }
          }
          lastLogits =
              step(steps, Tensors.indices(source.backend(), last, batch * width, 1), t - 1, ctx);
        } else {
          int[] flat = new int[batch * width * t];
          for (int b = 0; b < batch; b++) {
            List<Hypothesis> l = live.get(b);
            for (int k = 0; k < width; k++) {
              // rows without a live hypothesis repeat the first one; their scores are never read
              int[] tokens = l.isEmpty() ? new int[t] : l.get(Math.min(k, l.size() - 1)).tokens();
              System.arraycopy(tokens, 0, flat, (b * width + k) * t, t);
            }
          }
          Tensor prefix = Tensors.indices(source.backend(), flat, batch * width, t);
          Tensor logits = decode(prefix, memory, null, mask, ctx);
          lastLogits = Shapes.select(logits, 1, t - 1);
        }
        Tensor last = NeuralOps.logSoftmax(lastLogits, 1);
        int[] parents = new int[batch * width];
        for (int i = 0; i < parents.length; i++) {
          parents[i] = i;
        }
        int vocabulary = last.dim(1);
        double[] logp = last.toDoubleArray();
        for (int b = 0; b < batch; b++) {
          List<Hypothesis> l = live.get(b);
          if (l.isEmpty()) {
            continue;
          }
          List<Hypothesis> candidates = new ArrayList<>();
          for (int k = 0; k < l.size(); k++) {
            Hypothesis h = l.get(k);
            int row = (b * width + k) * vocabulary;
            for (int v = 0; v < vocabulary; v++) {
              int[] tokens = Arrays.copyOf(h.tokens(), t + 1);
              tokens[t] = v;
              candidates.add(new Hypothesis(tokens, h.logProbability() + logp[row + v], k));
            }
          }
          candidates.sort((x, y) -> Double.compare(y.logProbability(), x.logProbability()));
          List<Hypothesis> next = new ArrayList<>();
          for (Hypothesis c : candidates) {
            if (next.size() == width) {
              break;
            }
            if (c.tokens()[t] == stop) {
              finished.get(b).add(c);
            } else {
              next.add(c);
            }
          }
          // Done when no live beam can still beat the best finished one: a live beam's score
          // can at best keep its log-probability and reach the longest length.
          boolean done = t == maxLength || next.isEmpty();
          if (!done && finished.get(b).size() >= width) {
            double bestFinished = Double.NEGATIVE_INFINITY;
            for (Hypothesis h : finished.get(b)) {
              bestFinished = Math.max(bestFinished, score(h, lengthPenalty));
            }
            double bestLive = Double.NEGATIVE_INFINITY;
            for (Hypothesis h : next) {
              bestLive =
                  Math.max(bestLive, h.logProbability() / Math.pow(maxLength + 1, lengthPenalty));
            }
            done = bestFinished >= bestLive;
          }
          live.set(b, done ? List.of() : next);
          // the step state of row b * width + k must be that of the prefix it extends next
          for (int k = 0; k < width && !done; k++) {
            parents[b * width + k] = b * width + next.get(Math.min(k, next.size() - 1)).parent();
          }
          if (t == maxLength) {
            finished.get(b).addAll(next);
          }
        }
        if (live.stream().allMatch(List::isEmpty)) {
          break;
        }
        if (steps != null) {
          Tensor order = Tensors.indices(source.backend(), parents, parents.length);
          for (StepLayer.Steps s : steps) {
            s.reorder(order);
          }
        }
      }
      List<int[]> out = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        Hypothesis best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Hypothesis h : finished.get(b)) {
          double score = score(h, lengthPenalty);
          if (best == null || score > bestScore) {
            best = h;
            bestScore = score;
          }
        }
        int[] tokens = best.tokens();
        int end = tokens[tokens.length - 1] == stop ? tokens.length - 1 : tokens.length;
        out.add(Arrays.copyOfRange(tokens, 1, end));
      }
      return out;
    }
  }

  /** {@code log P / length^lengthPenalty}, the length counting the generated tokens. */
  private static double score(Hypothesis h, double lengthPenalty) {
    return h.logProbability() / Math.pow(h.tokens().length - 1, lengthPenalty);
  }

  /**
   * A beam's tokens (from the start token), their total log-probability, and which live hypothesis
   * of the previous step (its index there) it extends.
   */
  private record Hypothesis(int[] tokens, double logProbability, int parent) {}

  /** The encoder's layers. */
  public List<Layer> encoder() {
    return encoder;
  }

  /** The decoder's layers. */
  public List<Layer> decoder() {
    return decoder;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (int i = 0; i < encoder.size(); i++) {
      String prefix = "encoder." + i + ".";
      encoder.get(i).namedParameters().forEach((k, v) -> m.put(prefix + k, v));
    }
    for (int i = 0; i < decoder.size(); i++) {
      String prefix = "decoder." + i + ".";
      decoder.get(i).namedParameters().forEach((k, v) -> m.put(prefix + k, v));
    }
    return m;
  }
}
