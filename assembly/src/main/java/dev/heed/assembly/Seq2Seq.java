package dev.heed.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.Seq2SeqData.Pair;
import dev.heed.assembly.Seq2SeqData.Vocabulary;
import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.ReplayReport;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.internal.Node;
import dev.heed.assembly.internal.Overrides;
import dev.heed.assembly.internal.PartsReader;
import dev.heed.assembly.internal.YamlReader;
import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.RunLock;
import dev.heed.assembly.train.TrainerState;
import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.backend.replay.ScalarPass;
import dev.heed.core.backend.replay.StepReplay;
import dev.heed.core.io.AtomicFile;
import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.EncoderDecoder;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Seeds;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Training and generation for a config whose model is made of named parts ({@code model.inputs},
 * {@code model.parts}, {@code model.output}; see {@link PartsReader}): an {@link EncoderDecoder}
 * trained with teacher forcing on source/target pairs of characters ({@link Seq2SeqData}), judged
 * by the exact match of greedy decoding on held-out pairs ({@code val_exact_match}).
 *
 * <pre>
 * seed: 11
 * backend: simd                    # a backend name (default cpu)
 * data:
 *   type: date-format              # generated; or pairs: {path: file.jsonl, source: source,
 *   validation_examples: 200       #   target: target, validation_every: 10}
 * model: {inputs: …, parts: …, output: decoder}
 * optimizer: {name: adam, lr: 0.003}
 * training:
 *   epochs: 20
 *   steps_per_epoch: 50            # generated data only; a file's epoch is one pass
 *   batch_size: 32
 *   target_exact_match: 1.0        # stop once validation reaches it
 * </pre>
 *
 * The run directory is the one {@code heed train} writes for other models: {@code config.yaml},
 * {@code weights.safetensors}, {@code optimizer.safetensors}, {@code trainer.json}, {@code
 * metrics.csv} (committed together after every epoch by {@link Checkpoints}), and {@code
 * seq2seq.json} with the alphabet and the longest source, which generation needs without the data.
 * A resumed run continues exactly as an uninterrupted one: every epoch's batches and dropout draw
 * from the seed and the epoch's number alone.
 */
public final class Seq2Seq implements TrainedModel {
  /** The file with the alphabet and length limits, inside a run directory. */
  public static final String META = "seq2seq.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Node config;
  private final String configText;
  private final List<String> overrides;
  private final Backend backend;
  // how the training steps of the last train() ran, replayed or eagerly
  private ReplayReport replayReport = ReplayReport.NONE;
  private final String backendName;
  private final EncoderDecoder model;
  private final Vocabulary vocabulary;
  private final int maxSource;
  private final int maxTarget;
  private final long seed;
  private Seq2SeqData data;

  private Seq2Seq(
      Node config,
      String configText,
      List<String> overrides,
      Backend backend,
      String backendName,
      EncoderDecoder model,
      Vocabulary vocabulary,
      int maxSource,
      int maxTarget,
      long seed) {
    this.config = config;
    this.configText = configText;
    this.overrides = List.copyOf(overrides);
    this.backend = backend;
    this.backendName = backendName;
    this.model = model;
    this.vocabulary = vocabulary;
    this.maxSource = maxSource;
    this.maxTarget = maxTarget;
    this.seed = seed;
  }

  /** Whether {@code file} is a config (YAML or JSON) whose model is made of named parts. */
  public static boolean isPartsConfig(Path file) {
    try {
      Node root = parse(Files.readString(file), file);
      return root instanceof Node.MapNode m
          && m.entries().get("model") instanceof Node.MapNode model
          && model.entries().containsKey("parts");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether {@code runDir} holds a run of a model of named parts. */
  public static boolean isPartsRun(Path runDir) {
    return Files.isRegularFile(runDir.resolve(META))
        && isPartsConfig(runDir.resolve(HeedAssembly.CONFIG));
  }

  private static Node parse(String text, Path file) {
    return YamlReader.parse(text, file, file.toString(), file.toString().endsWith(".json"));
  }

  /**
   * A new run of the config in {@code file} with {@code overrides} ({@code a.b=v}) applied: the
   * data read, the model built with fresh weights.
   *
   * @throws ConfigException with the line and path of the first mistake
   */
  public static Seq2Seq create(Path file, List<String> overrides, String backendOverride)
      throws IOException {
    String text = Files.readString(file);
    Node root = Overrides.apply(parse(text, file), overrides);
    Node.MapNode data = map(root, "data");
    String type = string(data, "data.type", null);
    Seq2SeqData d;
    long seed = number(root, "seed", 0L).longValue();
    switch (type) {
      case "date-format" ->
          d =
              Seq2SeqData.dateFormat(
                  number(data, "data.validation_examples", 200).intValue(), seed + 1);
      case "pairs" -> {
        Path path = Path.of(string(data, "data.path", null));
        if (!path.isAbsolute()) {
          path = file.toAbsolutePath().getParent().resolve(path);
        }
        d =
            Seq2SeqData.jsonLines(
                path,
                string(data, "data.source", "source"),
                string(data, "data.target", "target"),
                number(data, "data.validation_every", 10).intValue());
      }
      default ->
          throw new ConfigException(
              data.entries().get("type").origin(),
              "data.type",
              "'"
                  + type
                  + "' is not a data set of source/target pairs; expected date-format or pairs");
    }
    int[] lengths = d.maxLengths();
    Seq2Seq s =
        build(root, text, overrides, backendOverride, d.vocabulary(), lengths[0], lengths[1], seed);
    s.data = d;
    s.setup();
    return s;
  }

  private static Seq2Seq build(
      Node root,
      String text,
      List<String> overrides,
      String backendOverride,
      Vocabulary vocabulary,
      int maxSource,
      int maxTarget,
      long seed) {
    String backendName = backendOverride != null ? backendOverride : string(root, "backend", "cpu");
    BackendProvider p;
    try {
      p = Plugins.shared().backends().getAvailable(backendName);
    } catch (RuntimeException e) {
      throw new ConfigException("backend: " + e.getMessage(), e);
    }
    Backend created = p.create(p.options().resolve(backendName, Map.of()));
    // training steps are captured and replayed (training.replay) unless -Dheed.replay=false
    Backend backend = Predictor.replayByDefault() ? ReplayBackend.over(created) : created;
    EncoderDecoder model =
        PartsReader.build(root, Plugins.shared(), BuildContext.of(backend, DType.FLOAT32, seed));
    Node.MapNode inputs = map(map(root, "model"), "model.inputs");
    for (String input : inputs.entries().keySet()) {
      if (inputs.entries().get(input) instanceof Node.MapNode in
          && in.entries().get("vocabulary") instanceof Node.Scalar v
          && v.value() instanceof Number n
          && n.intValue() != vocabulary.size()) {
        throw new ConfigException(
            v.origin(),
            "model.inputs." + input + ".vocabulary",
            n
                + ", but the data's characters \""
                + vocabulary.alphabet()
                + "\" with start, stop and padding make "
                + vocabulary.size()
                + " tokens; set it to "
                + vocabulary.size());
      }
    }
    return new Seq2Seq(
        root, text, overrides, backend, backendName, model, vocabulary, maxSource, maxTarget, seed);
  }

  /** Reopens a run directory: its config, its alphabet and its last committed weights. */
  public static Seq2Seq open(Path runDir, String backendOverride) throws IOException {
    Seq2Seq s = fromRunDir(runDir, backendOverride);
    Checkpoints.loadCommitted(runDir, s.model, s.backend);
    return s;
  }

  private static Seq2Seq fromRunDir(Path runDir, String backendOverride) throws IOException {
    Path file = runDir.resolve(HeedAssembly.CONFIG);
    String text = Files.readString(file);
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = JSON.readValue(runDir.resolve(META).toFile(), Map.class);
    @SuppressWarnings("unchecked")
    List<String> overrides = (List<String>) meta.get("overrides");
    Node root = Overrides.apply(parse(text, file), overrides);
    return build(
        root,
        text,
        overrides,
        backendOverride != null ? backendOverride : (String) meta.get("backend"),
        new Vocabulary((String) meta.get("alphabet")),
        ((Number) meta.get("max_source_length")).intValue(),
        ((Number) meta.get("max_target_length")).intValue(),
        number(root, "seed", 0L).longValue());
  }

  /**
   * Reopens a run directory to continue training where its last committed epoch ended; the data is
   * read again from the config.
   */
  public static Seq2Seq resume(Path runDir, String backendOverride) throws IOException {
    Seq2Seq saved = fromRunDir(runDir, backendOverride);
    Path copy = runDir.resolve(HeedAssembly.CONFIG);
    saved.close();
    Seq2Seq s = create(copy, saved.overrides, saved.backendName);
    if (!s.vocabulary.equals(saved.vocabulary)) {
      throw new ConfigException(
          runDir
              + ": the data's characters are now \""
              + s.vocabulary.alphabet()
              + "\", but the run was trained on \""
              + saved.vocabulary.alphabet()
              + "\"; the data changed since, so the run cannot continue");
    }
    return s;
  }

  /**
   * How many training steps of the last {@link #train} were replays of a captured step (0 with
   * {@code -Dheed.replay=false}, or where the step could not be replayed: Adam on {@code cpu}).
   */
  public long replayedSteps() {
    return replayReport.replayed();
  }

  /** How the training steps of the last {@link #train} ran, replayed or eagerly and why. */
  public ReplayReport replayReport() {
    return replayReport;
  }

  /** The model. */
  public EncoderDecoder model() {
    return model;
  }

  /** The tokens. */
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** The longest source the model was trained on; longer ones are refused. */
  public int maxSourceLength() {
    return maxSource;
  }

  /**
   * Trains into {@code runDir} (a new, empty or absent directory, or the one {@link #resume} read):
   * epochs of teacher-forced steps, then the validation loss and exact match, then a checkpoint;
   * stops after {@code training.epochs} or once {@code training.target_exact_match} is reached.
   */
  @SuppressWarnings("try")
  public TrainResult train(Path runDir, TrainingListener listener) throws IOException {
    if (data == null) {
      throw new IllegalStateException(
          "a run opened for generation has no data: train one from create() or resume()");
    }
    Setup setup = setup();
    Files.createDirectories(runDir);
    // the owner of the directory: the only process that writes, recovers or deletes in it
    try (RunLock owner = RunLock.acquire(runDir)) {
      return train(runDir, listener, setup);
    }
  }

  @SuppressWarnings("try")
  private TrainResult train(Path runDir, TrainingListener listener, Setup setup)
      throws IOException {
    int epochs = setup.epochs();
    int steps = setup.steps();
    int batchSize = setup.batchSize();
    double target = setup.target();
    Optimizer optimizer = setup.optimizer();
    Loss loss = setup.loss();
    // the step per batch shape: first run eager (it makes the optimizer's moments), two captures,
    // then replays
    StepReplay<List<Integer>> replay =
        setup.replay() && backend instanceof ReplayBackend r ? new StepReplay<>(r, 1) : null;
    Checkpoints.recover(runDir);
    TrainerState state;
    if (Files.isRegularFile(runDir.resolve(TrainerState.FILE))) {
      state = TrainerState.load(runDir);
      Checkpoints.load(runDir, model, optimizer, state, backend);
    } else {
      state = TrainerState.initial(seed);
      AtomicFile.write(
          runDir.resolve(HeedAssembly.CONFIG), configText.getBytes(StandardCharsets.UTF_8));
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("alphabet", vocabulary.alphabet());
      meta.put("max_source_length", maxSource);
      meta.put("max_target_length", maxTarget);
      meta.put("overrides", overrides);
      meta.put("backend", backendName);
      AtomicFile.write(
          runDir.resolve(META), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    }
    List<EpochEvent> history = new ArrayList<>(state.history());
    String reason = state.stopReason();
    long started = System.currentTimeMillis() - state.elapsedMillis();
    long step = state.step();
    long firstStep = step;
    int epoch = state.epoch();
    while (reason == null && epoch < epochs) {
      epoch++;
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
      Seeds seeds = new Seeds(seed * 7_919L + epoch);
      double sum = 0;
      int n = 0;
      ForwardContext ctx = ForwardContext.training(seeds);
      for (List<Pair> batch : data.epoch(steps, batchSize, random)) {
        HostBatch h = hostBatch(batch);
        // the arrays the step uploads, and the seeds its dropout draws from
        Object[] inputs = {h.tokens(), h.mask(), h.input(), h.labels(), seeds};
        Function<Object[], Object[]> run = a -> trainingStep(h, loss, optimizer, ctx);
        Object[] out =
            replay == null
                ? run.apply(inputs)
                : replay.run(List.of(h.rows(), h.sourceLength(), h.targetLength()), inputs, run);
        sum += ((float[]) out[0])[0] * (double) batch.size();
        n += batch.size();
        step++;
      }
      double valLoss;
      try (Scope scope = Scope.open();
          GradMode g = GradMode.disable()) {
        valLoss = batchLoss(data.validation(), loss, ForwardContext.inference()).item();
      }
      double exact = exactMatch(data.validation(), 1);
      EpochEvent e =
          new EpochEvent(
              epoch,
              sum / n,
              valLoss,
              Map.of("val_exact_match", exact),
              System.currentTimeMillis() - started);
      history.add(e);
      if (exact >= target) {
        reason = "val_exact_match reached " + target;
      } else if (epoch >= epochs) {
        reason = "reached " + epochs + " epochs";
      }
      state =
          new TrainerState(
              epoch,
              step,
              seed,
              0,
              System.currentTimeMillis() - started,
              Double.POSITIVE_INFINITY,
              0,
              Map.of(),
              reason,
              history);
      Checkpoints.save(runDir, model, optimizer, state);
      listener.onEpoch(e);
    }
    if (reason == null) {
      reason = "reached " + epochs + " epochs";
    }
    if (replay != null) {
      replayReport = new ReplayReport(step - firstStep, replay.replayCount(), replay.refusal());
      replay.close();
    } else {
      replayReport =
          new ReplayReport(
              step - firstStep,
              0,
              Optional.of("replay is off (training.replay: false, or -Dheed.replay=false)"));
    }
    TrainResult result =
        new TrainResult(
            runDir,
            epoch,
            reason,
            history,
            Optional.of(crossAttention(data.validation().get(0).source())));
    listener.onEnd(result);
    return result;
  }

  private record Setup(
      int epochs,
      int steps,
      int batchSize,
      double target,
      boolean replay,
      Optimizer optimizer,
      Loss loss) {}

  /** The training section's numbers, the optimizer and the loss, checked. */
  private Setup setup() {
    Node.MapNode training = map(config, "training");
    int epochs = number(training, "training.epochs", 20).intValue();
    int steps = number(training, "training.steps_per_epoch", 50).intValue();
    int batchSize = number(training, "training.batch_size", 32).intValue();
    double target = number(training, "training.target_exact_match", 1.0).doubleValue();
    boolean replay = bool(training, "training.replay", true);
    Node.MapNode opt = map(config, "optimizer");
    String optName = string(opt, "optimizer.name", "adam");
    Map<String, Object> optOptions = new LinkedHashMap<>();
    opt.entries()
        .forEach((k, v) -> {
          if (!k.equals("name") && v instanceof Node.Scalar sc) {
            optOptions.put(k, sc.value());
          }
        });
    Optimizer optimizer;
    try {
      var op = Plugins.shared().optimizers().get(optName);
      optimizer =
          op.create(
              op.options().resolve(optName, optOptions),
              List.of(ParameterGroup.of(model.namedParameters())));
    } catch (RuntimeException e) {
      throw new ConfigException(opt.origin(), "optimizer", e.getMessage(), e);
    }
    var ce = Plugins.shared().losses().get("cross-entropy");
    Loss loss = ce.create(ce.options().resolve("cross-entropy", Map.of()));
    positive(training, "training.epochs", epochs);
    positive(training, "training.steps_per_epoch", steps);
    positive(training, "training.batch_size", batchSize);
    return new Setup(epochs, steps, batchSize, target, replay, optimizer, loss);
  }

  private static void positive(Node.MapNode parent, String path, int value) {
    if (value < 1) {
      throw new ConfigException(
          parent.entries().get(key(path)).origin(),
          path,
          "found " + value + ", expected an integer >= 1");
    }
  }

  /**
   * A batch as the host arrays its training step uploads: source token ids {@code [n, s]}, the
   * sources' key-padding mask {@code [n, 1, s]} (−∞ past each length), decoder inputs and labels
   * {@code [n, t + 1]}.
   */
  private record HostBatch(
      int[] tokens,
      float[] mask,
      int[] input,
      int[] labels,
      int rows,
      int sourceLength,
      int targetLength) {}

  private HostBatch hostBatch(List<Pair> pairs) {
    int n = pairs.size();
    int s = 0;
    int t = 0;
    for (Pair p : pairs) {
      s = Math.max(s, p.source().length());
      t = Math.max(t, p.target().length());
    }
    int[] input = new int[n * (t + 1)];
    int[] labels = new int[n * (t + 1)];
    // targets shorter than the longest are padded with stop tokens: after its first stop a
    // sequence keeps predicting stop, which greedy decoding never reaches past
    Arrays.fill(labels, vocabulary.stop());
    Arrays.fill(input, vocabulary.stop());
    for (int b = 0; b < n; b++) {
      int[] y = vocabulary.encode(pairs.get(b).target(), "target");
      int at = b * (t + 1);
      input[at] = vocabulary.start();
      System.arraycopy(y, 0, input, at + 1, y.length);
      System.arraycopy(y, 0, labels, at, y.length);
    }
    HostSources src = hostSources(pairs.stream().map(Pair::source).toList(), s);
    return new HostBatch(src.tokens(), src.mask(), input, labels, n, s, t);
  }

  /**
   * One training step on {@code h}, every upload from its arrays: forward, loss, backward, the
   * update (its per-step scalars marked for replay), then the loss read back; the gradients are
   * cleared at the end, so nothing the step allocates outlives it.
   */
  @SuppressWarnings("try")
  private Object[] trainingStep(HostBatch h, Loss loss, Optimizer optimizer, ForwardContext ctx) {
    try (Scope scope = Scope.open()) {
      optimizer.zeroGrad();
      Tensor l = batchLoss(h, loss, ctx);
      l.backward();
      ScalarPass.run(optimizer::step);
      float[] value = l.toFloatArray();
      optimizer.zeroGrad();
      return new Object[] {value};
    }
  }

  /** The mean cross-entropy of teacher-forced decoding over {@code pairs}. */
  private Tensor batchLoss(List<Pair> pairs, Loss loss, ForwardContext ctx) {
    return batchLoss(hostBatch(pairs), loss, ctx);
  }

  /** The mean cross-entropy of teacher-forced decoding over {@code h}, uploaded from its arrays. */
  private Tensor batchLoss(HostBatch h, Loss loss, ForwardContext ctx) {
    int n = h.rows();
    int t = h.targetLength();
    Tensor logits =
        model.forward(
            Tensors.indices(backend, h.tokens(), n, h.sourceLength()),
            Tensors.indices(backend, h.input(), n, t + 1),
            Tensors.of(backend, DType.FLOAT32, h.mask(), n, 1, h.sourceLength()),
            null,
            ctx);
    return loss.compute(
        Shapes.reshape(logits, -1, vocabulary.size()),
        Tensors.indices(backend, h.labels(), n * (t + 1)));
  }

  private record Sources(Tensor tokens, Tensor mask) {}

  /** Sources as host arrays: ids padded to {@code length}, the mask −∞ past each source's end. */
  private record HostSources(int[] tokens, float[] mask) {}

  private HostSources hostSources(List<String> texts, int length) {
    int n = texts.size();
    int[] tokens = new int[n * length];
    Arrays.fill(tokens, vocabulary.pad());
    float[] mask = new float[n * length];
    for (int b = 0; b < n; b++) {
      int[] x = vocabulary.encode(texts.get(b), "source");
      System.arraycopy(x, 0, tokens, b * length, x.length);
      Arrays.fill(mask, b * length + x.length, (b + 1) * length, Float.NEGATIVE_INFINITY);
    }
    return new HostSources(tokens, mask);
  }

  private Sources sources(List<String> texts, int length) {
    HostSources h = hostSources(texts, length);
    int n = texts.size();
    return new Sources(
        Tensors.indices(backend, h.tokens(), n, length),
        Tensors.of(backend, DType.FLOAT32, h.mask(), n, 1, length));
  }

  /**
   * The share of {@code pairs} whose decoded target (greedy, or beam of {@code width}) is right.
   */
  @SuppressWarnings("try")
  public double exactMatch(List<Pair> pairs, int width) {
    List<String> out = generate(pairs.stream().map(Pair::source).toList(), width, 0.6);
    int right = 0;
    for (int i = 0; i < out.size(); i++) {
      right += out.get(i).equals(pairs.get(i).target()) ? 1 : 0;
    }
    return right / (double) pairs.size();
  }

  /**
   * The targets of {@code sources}: greedy decoding for {@code width} 1, else beam search with
   * length penalty {@code alpha}; the encoder runs once per batch.
   *
   * @throws IllegalArgumentException when a source is empty, longer than the longest the model was
   *     trained on, or has a character outside its alphabet
   */
  @SuppressWarnings("try")
  public List<String> generate(List<String> sources, int width, double alpha) {
    int longest = 0;
    for (int i = 0; i < sources.size(); i++) {
      String s = sources.get(i);
      String what = sources.size() == 1 ? "source" : "source " + (i + 1);
      if (s.isEmpty()) {
        throw new IllegalArgumentException(what + " is empty; give at least one character");
      }
      if (s.length() > maxSource) {
        throw new IllegalArgumentException(
            what
                + " has "
                + s.length()
                + " characters, more than the "
                + maxSource
                + " of the longest source the model was trained on");
      }
      vocabulary.encode(s, what);
      longest = Math.max(longest, s.length());
    }
    try (Scope scope = Scope.open();
        GradMode g = GradMode.disable()) {
      Sources src = sources(sources, longest);
      int max = maxTarget + 2;
      ForwardContext ctx = ForwardContext.inference();
      List<int[]> out =
          width == 1
              ? model.greedy(src.tokens, src.mask, vocabulary.start(), vocabulary.stop(), max, ctx)
              : model.beam(
                  src.tokens,
                  src.mask,
                  vocabulary.start(),
                  vocabulary.stop(),
                  max,
                  width,
                  alpha,
                  ctx);
      return out.stream().map(vocabulary::decode).toList();
    }
  }

  /**
   * The cross-attention of the greedy target of {@code source}: per target character (rows) its
   * weights over the source's characters (columns), from the decoder's last layer that exposes
   * attention weights (the head average for multi-head attention).
   */
  @SuppressWarnings("try")
  public AttentionSample crossAttention(String source) {
    String out = generate(List.of(source), 1, 0).get(0);
    AttentionWeightsSource attention = null;
    for (Layer l : model.decoder()) {
      if (l instanceof AttentionWeightsSource a) {
        attention = a;
      }
    }
    if (attention == null) {
      throw new IllegalStateException("the decoder has no layer that exposes attention weights");
    }
    try (Scope scope = Scope.open();
        GradMode g = GradMode.disable()) {
      Sources src = sources(List.of(source), source.length());
      int[] y = vocabulary.encode(out, "target");
      // the positions that produced the output: the start and every character but a last one that
      // no stop followed (greedy decoding then ended at its limit, which the decoder's positions
      // may not exceed)
      int[] input = new int[Math.min(y.length + 1, maxTarget + 2)];
      input[0] = vocabulary.start();
      System.arraycopy(y, 0, input, 1, input.length - 1);
      model.forward(
          src.tokens,
          Tensors.indices(backend, input, 1, input.length),
          src.mask,
          null,
          ForwardContext.inference());
      Tensor w = attention.lastAttentionWeights();
      double[] v = w.contiguous().toDoubleArray();
      int cols = w.dim(w.rank() - 1);
      int rows = w.dim(w.rank() - 2);
      int heads = v.length / (rows * cols);
      double[][] weights = new double[rows][cols];
      for (int h = 0; h < heads; h++) {
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            weights[r][c] += v[(h * rows + r) * cols + c] / heads;
          }
        }
      }
      List<String> positions = new ArrayList<>();
      for (char c : source.toCharArray()) {
        positions.add(String.valueOf(c));
      }
      List<String> steps = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        steps.add(r < out.length() ? String.valueOf(out.charAt(r)) : "</s>");
      }
      return new AttentionSample(
          weights, positions, steps, "cross-attention: " + source + " → " + out);
    }
  }

  @Override
  public List<String> inputNames() {
    return List.of("source");
  }

  @Override
  public List<String> outputNames() {
    return List.of("target");
  }

  /**
   * The exact match of greedy decoding on a JSON-lines file of pairs (the config's field names for
   * {@code pairs} data, else {@code source} and {@code target}).
   *
   * @return {@code exact_match} and {@code examples}
   */
  @Override
  public Map<String, Double> evaluate(Path file) throws IOException {
    Node.MapNode d = map(config, "data");
    List<Pair> pairs =
        Seq2SeqData.readPairs(
            file, string(d, "data.source", "source"), string(d, "data.target", "target"));
    if (pairs.isEmpty()) {
      throw new ConfigException(file + ": no pairs; expected JSON lines with source and target");
    }
    double exact;
    try {
      exact = exactMatch(pairs, 1);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
    return Map.of("exact_match", exact, "examples", (double) pairs.size());
  }

  /**
   * The greedy target's token ids for each row of source token ids (padding ids end a row).
   *
   * @throws ConfigException when a value is not a token id of the alphabet
   */
  @Override
  public List<double[]> predict(List<double[]> rows) {
    List<String> sources = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder b = new StringBuilder();
      for (double v : rows.get(r)) {
        if (v == vocabulary.pad()) {
          break;
        }
        if (v != Math.rint(v) || v < 0 || v >= vocabulary.alphabet().length()) {
          throw new ConfigException(
              "row "
                  + (r + 1)
                  + ": "
                  + v
                  + " is not a character's token id; expected 0 to "
                  + (vocabulary.alphabet().length() - 1)
                  + ", or "
                  + vocabulary.pad()
                  + " for padding");
        }
        b.append(vocabulary.alphabet().charAt((int) v));
      }
      sources.add(b.toString());
    }
    List<String> out;
    try {
      out = generate(sources, 1, 0);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    return out.stream()
        .map(t -> Arrays.stream(vocabulary.encode(t, "target")).asDoubleStream().toArray())
        .toList();
  }

  @Override
  public void close() {
    backend.close();
  }

  private static String key(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  private static Node.MapNode map(Node parent, String path) {
    Node n = parent instanceof Node.MapNode m ? m.entries().get(key(path)) : null;
    if (n == null) {
      return new Node.MapNode(Map.of(), Map.of(), parent.origin());
    }
    if (!(n instanceof Node.MapNode m)) {
      throw new ConfigException(n.origin(), path, "expected a map, found " + n.describe());
    }
    return m;
  }

  private static String string(Node parent, String path, String fallback) {
    Node n = ((Node.MapNode) parent).entries().get(key(path));
    if (n == null) {
      if (fallback == null) {
        throw new ConfigException(parent.origin(), path, "missing; it is required");
      }
      return fallback;
    }
    if (!(n instanceof Node.Scalar s) || s.value() == null) {
      throw new ConfigException(n.origin(), path, "expected a string, found " + n.describe());
    }
    return s.value().toString();
  }

  private static boolean bool(Node parent, String path, boolean fallback) {
    Node n = ((Node.MapNode) parent).entries().get(key(path));
    if (n == null) {
      return fallback;
    }
    if (!(n instanceof Node.Scalar s) || !(s.value() instanceof Boolean v)) {
      throw new ConfigException(n.origin(), path, "expected true or false, found " + n.describe());
    }
    return v;
  }

  private static Number number(Node parent, String path, Number fallback) {
    Node n = ((Node.MapNode) parent).entries().get(key(path));
    if (n == null) {
      return fallback;
    }
    if (!(n instanceof Node.Scalar s) || !(s.value() instanceof Number v)) {
      throw new ConfigException(n.origin(), path, "expected a number, found " + n.describe());
    }
    return v;
  }
}
