package dev.heed.cli;

import dev.heed.assembly.Seq2Seq;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.text.Tokenizer;
import dev.heed.pretrained.DecoderModel;
import dev.heed.pretrained.Generation;
import dev.heed.pretrained.GenerationConfig;
import dev.heed.pretrained.PretrainedException;
import dev.heed.pretrained.PretrainedModel;
import dev.heed.pretrained.Sampling;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code heed generate RUN --prompt TEXT}: text from an imported GPT-2 or Llama model. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Continue prompts with an imported GPT-2 or Llama model (heed import), with a key/value"
          + " cache. Prompts are tokenized by the run's tokenizer.json.",
      "One prompt: its text and then each new token are written as they come. Several prompts"
          + " run together as one batch (padded on the left) and each is written, on its own line,"
          + " when the batch ends.",
      "Decoding is greedy unless the run's generation_config.json says do_sample or --temperature,"
          + " --top-k or --top-p is given; generation ends at the model's end tokens, --stop, or"
          + " --max-tokens."
    })
final class GenerateCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN", description = "A run directory (heed import).")
  Path run;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "A prompt; repeat for a batch.")
  List<String> prompts = new ArrayList<>();

  @Option(
      names = "--prompt-ids",
      paramLabel = "IDS",
      description = "A prompt as token ids, e.g. 5,17,59; repeat for a batch.")
  List<String> promptIds = new ArrayList<>();

  @Option(
      names = "--ids",
      description = "Write the generated token ids (space-separated) instead of text.")
  boolean ids;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      description =
          "New tokens at most (default: generation_config.json's max_new_tokens, or what its"
              + " max_length leaves).")
  Integer maxTokens;

  @Option(names = "--greedy", description = "Take the most likely token (no sampling).")
  boolean greedy;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description = "Sample, dividing the logits by T > 0.")
  Double temperature;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      description = "Sample from the K most likely tokens (0: all).")
  Integer topK;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      description = "Sample from the most likely tokens whose probabilities sum to P (0 < P <= 1).")
  Double topP;

  @Option(
      names = "--repetition-penalty",
      paramLabel = "R",
      description = "Divide positive (multiply negative) logits of tokens already seen by R > 0.")
  Double repetitionPenalty;

  @Option(
      names = "--stop",
      paramLabel = "TEXT",
      description = "Also stop after this token (text that the tokenizer makes one token of).")
  List<String> stops = new ArrayList<>();

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "The seed of sampling (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--weights",
      paramLabel = "TYPE",
      description =
          "The layer matrices in memory: float32 (widened at load, the default), bfloat16 or"
              + " float16 (kept in 16 bits with FLOAT32 arithmetic: about half the weight bytes"
              + " per token).")
  String weights = "float32";

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      completionCandidates = Backends.class,
      description = "The backend (default: auto).")
  String backend;

  @Option(
      names = "--source",
      paramLabel = "TEXT",
      description =
          "For an encoder-decoder run (heed train on a config of named parts): the source whose"
              + " target to write; repeat for a batch.")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--beam",
      paramLabel = "N",
      description = "With --source: beam search of width N (default: 1, greedy).")
  int beam = 1;

  @Option(
      names = "--length-penalty",
      paramLabel = "A",
      description =
          "With --beam: rank hypotheses by log-probability / length^A (default: ${DEFAULT-VALUE}).")
  double lengthPenalty = 0.6;

  @Override
  public Integer call() throws IOException {
    if (Seq2Seq.isPartsRun(run)) {
      return Seq2SeqRuns.generate(parent.io(), run, sources, beam, lengthPenalty, backend);
    }
    if (!sources.isEmpty()) {
      throw new BadInputException(
          "--source applies to an encoder-decoder run (heed train on a config of named parts);"
              + " "
              + run
              + " is not one");
    }
    checkOptions();
    Path dir = HfRuns.requireModelDir(run, "generate");
    Tokenizer tokenizer = HfRuns.tokenizer(dir);
    if (tokenizer == null && (!prompts.isEmpty() || !ids || !stops.isEmpty())) {
      HfRuns.requireTokenizer(
          dir, "use --prompt-ids with --ids, or import a model directory with its tokenizer.json");
    }
    List<int[]> inputs = new ArrayList<>();
    for (String p : prompts) {
      int[] e = tokenizer.encode(p, true).ids();
      if (e.length == 0) {
        throw new BadInputException("--prompt '" + p + "' gives no tokens; expected some text");
      }
      inputs.add(e);
    }
    for (String p : promptIds) {
      inputs.add(parseIds(p));
    }
    GenerationConfig config;
    try {
      config = GenerationConfig.read(dir);
    } catch (PretrainedException e) {
      throw new BadInputException(e.getMessage());
    }
    int[] stopTokens = stopTokens(config, tokenizer);
    int longest = inputs.stream().mapToInt(a -> a.length).max().orElseThrow();
    Generation.Options options = options(config, longest, stopTokens);

    DType matrices = HfRuns.weightType("--weights", weights);
    try (Backend b = HfRuns.backend(backend)) {
      PretrainedModel loaded = HfRuns.load(dir, b, matrices);
      if (!(loaded instanceof DecoderModel model)) {
        throw new BadInputException(
            run
                + " holds a "
                + loaded.getClass().getSimpleName()
                + " model; heed generate needs a decoder (gpt2, llama); heed predict runs BERT");
      }
      int vocab = vocabSize(dir);
      for (int[] in : inputs) {
        for (int id : in) {
          if (id < 0 || (vocab > 0 && id >= vocab)) {
            throw new BadInputException(
                "token id " + id + " is outside the model's vocabulary (0 to " + (vocab - 1) + ")");
          }
        }
      }
      if (longest + options.maxNewTokens() > model.maxPositions()) {
        // refused before anything is written, so no prompt text is left half-continued
        throw new BadInputException(
            "a prompt of "
                + longest
                + " tokens and "
                + options.maxNewTokens()
                + " new ones exceed the model's "
                + model.maxPositions()
                + " positions; expected --max-tokens "
                + Math.max(0, model.maxPositions() - longest)
                + " or less");
      }
      PrintWriter out = parent.io().out();
      try {
        if (inputs.size() == 1) {
          generateOne(model, inputs.get(0), options, tokenizer, out);
        } else {
          generateBatch(model, inputs, config, options, tokenizer, out);
        }
      } catch (IllegalArgumentException e) {
        throw new BadInputException(e.getMessage());
      }
      out.flush();
    }
    return Exits.OK;
  }

  private void checkOptions() {
    if (prompts.isEmpty() && promptIds.isEmpty()) {
      throw new BadInputException(
          "Missing required option: '--prompt=TEXT' (or --prompt-ids IDS); repeat for a batch");
    }
    boolean sampling = temperature != null || topK != null || topP != null;
    if (greedy && sampling) {
      throw new BadInputException(
          "found --greedy with --temperature, --top-k or --top-p; expected one or the other");
    }
    if (maxTokens != null && maxTokens < 0) {
      throw new BadInputException("found --max-tokens " + maxTokens + ", expected a number >= 0");
    }
    if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
      throw new BadInputException(
          "found --temperature " + temperature + ", expected a finite number > 0");
    }
    if (topK != null && topK < 0) {
      throw new BadInputException("found --top-k " + topK + ", expected a number >= 0 (0: all)");
    }
    if (topP != null && !(topP > 0 && topP <= 1)) {
      throw new BadInputException("found --top-p " + topP + ", expected 0 < P <= 1");
    }
    if (repetitionPenalty != null
        && !(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty))) {
      throw new BadInputException(
          "found --repetition-penalty " + repetitionPenalty + ", expected a finite number > 0");
    }
  }

  private static int[] parseIds(String text) {
    String[] parts = text.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new BadInputException(
            "--prompt-ids '"
                + text
                + "': '"
                + parts[i]
                + "' is not a token id; expected e.g. 5,17,59");
      }
    }
    return out;
  }

  private int[] stopTokens(GenerationConfig config, Tokenizer tokenizer) {
    List<Integer> out = new ArrayList<>();
    for (int t : config.eosTokenIds()) {
      out.add(t);
    }
    for (String s : stops) {
      int[] e = tokenizer.encode(s, false).ids();
      if (e.length != 1) {
        throw new BadInputException(
            "--stop '"
                + s
                + "' is "
                + e.length
                + " tokens "
                + Arrays.toString(e)
                + "; expected text the tokenizer makes one token of (a special token such as"
                + " the end of text, a newline, a word)");
      }
      out.add(e[0]);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private Generation.Options options(GenerationConfig config, int longest, int[] stopTokens) {
    Sampling base = config.sampling();
    boolean sample =
        !greedy && (config.doSample() || temperature != null || topK != null || topP != null);
    Sampling sampling;
    try {
      sampling =
          new Sampling(
              temperature != null ? temperature : base.temperature(),
              topK != null ? topK : base.topK(),
              topP != null ? topP : base.topP(),
              repetitionPenalty != null ? repetitionPenalty : base.repetitionPenalty());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    int steps = maxTokens != null ? maxTokens : config.options(longest, seed).maxNewTokens();
    return new Generation.Options(steps, sample, sampling, seed, stopTokens);
  }

  /** {@code vocab_size} of the model's config.json (0 when it has none). */
  private static int vocabSize(Path dir) throws IOException {
    var node =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("config.json").toFile());
    return node.path("vocab_size").asInt(0);
  }

  /** One prompt: its text (or nothing with --ids), then each token as it comes. */
  private void generateOne(
      DecoderModel model,
      int[] prompt,
      Generation.Options options,
      Tokenizer tok,
      PrintWriter out) {
    if (ids) {
      int[] count = {0};
      Generation.generate(
          model,
          prompt,
          options,
          t -> {
            out.print((count[0]++ == 0 ? "" : " ") + t);
            out.flush();
          });
      out.println();
      return;
    }
    TextStream stream = new TextStream(tok, prompt);
    out.print(stream.start());
    out.flush();
    Generation.generate(
        model,
        prompt,
        options,
        t -> {
          out.print(stream.add(t));
          out.flush();
        });
    out.println(stream.finish());
  }

  private void generateBatch(
      DecoderModel model,
      List<int[]> inputs,
      GenerationConfig config,
      Generation.Options options,
      Tokenizer tok,
      PrintWriter out) {
    int pad = config.padTokenId() != null ? config.padTokenId() : 0;
    int[][] result =
        Generation.generate(model, inputs.toArray(new int[0][]), pad, options, (r, t) -> {});
    for (int r = 0; r < result.length; r++) {
      if (ids) {
        out.println(
            Arrays.stream(result[r]).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
      } else {
        TextStream stream = new TextStream(tok, inputs.get(r));
        StringBuilder b = new StringBuilder(stream.start());
        for (int t : result[r]) {
          b.append(stream.add(t));
        }
        b.append(stream.finish());
        out.println(b);
      }
    }
  }

  /**
   * Text of a growing token sequence, written in pieces: each piece is what decoding the whole
   * sequence adds to what was written, so tokens that only together make a character (byte-level
   * pieces of one UTF-8 character) or that a decoder joins (a leading-space marker) come out right.
   */
  private static final class TextStream {
    private final Tokenizer tok;
    private final List<Integer> tokens = new ArrayList<>();
    private String written = "";

    TextStream(Tokenizer tok, int[] prompt) {
      this.tok = tok;
      for (int t : prompt) {
        tokens.add(t);
      }
    }

    String start() {
      return emit(false);
    }

    String add(int token) {
      tokens.add(token);
      return emit(false);
    }

    String finish() {
      return emit(true);
    }

    private String emit(boolean last) {
      String text = tok.decode(tokens.stream().mapToInt(Integer::intValue).toArray(), true);
      if (!last && text.endsWith("\uFFFD")) {
        return ""; // an unfinished character: wait for its other bytes
      }
      if (!text.startsWith(written)) {
        // the decoder changed earlier text (rare): write what follows the common prefix
        int common = 0;
        while (common < Math.min(text.length(), written.length())
            && text.charAt(common) == written.charAt(common)) {
          common++;
        }
        written = text;
        return text.substring(common);
      }
      String piece = text.substring(written.length());
      written = text;
      return piece;
    }
  }
}
