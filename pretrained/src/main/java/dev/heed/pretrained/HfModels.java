package dev.heed.pretrained;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensors;
import dev.heed.pretrained.blocks.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Opens Hugging Face model directories: reads {@code config.json}, builds the family's model on the
 * context's backend and type, and loads the weights by their Hugging Face names.
 */
public final class HfModels {
  /** The {@code model_type}s Heed reads. */
  public static final List<String> SUPPORTED = List.of("bert", "gpt2", "llama");

  private static final System.Logger LOG = System.getLogger(HfModels.class.getName());

  private HfModels() {}

  /** The model described by {@code dir}'s {@code config.json}, zero-filled (no weights read). */
  public static PretrainedModel create(Path dir, BuildContext ctx) {
    ConfigJson c = ConfigJson.read(dir.resolve("config.json"));
    String type = c.string("model_type", null);
    if (type == null) {
      throw new PretrainedException(
          c.file() + ": missing 'model_type' (supported: " + String.join(", ", SUPPORTED) + ")");
    }
    return switch (type) {
      case "bert" -> new Bert(BertConfig.of(c), ctx);
      case "gpt2" -> new Gpt2(Gpt2Config.of(c), ctx);
      case "llama" -> new Llama(LlamaConfig.of(c), ctx);
      default ->
          throw new PretrainedException(
              c.file()
                  + ": model_type '"
                  + type
                  + "' is not supported (supported: "
                  + String.join(", ", SUPPORTED)
                  + ")");
    };
  }

  /**
   * The model of {@code dir} with its weights. The names and shapes of every stored tensor are
   * checked against the model before any data is read; then the tensors are read one at a time into
   * the parameters, so loading needs the model's memory and one tensor besides. 16-bit weights are
   * widened exactly; a FLOAT64 model gets its weights widened from whatever the files hold.
   *
   * @throws PretrainedException when the directory is unusable or the weights do not fit, listing
   *     missing and unexpected names and mismatched shapes
   */
  public static PretrainedModel load(Path dir, BuildContext ctx) {
    return load(dir, ctx, DType.FLOAT32);
  }

  /**
   * As {@link #load(Path, BuildContext)}, with the weight matrices of the layers (every {@code
   * nn.Linear} and {@code Conv1D}: attention and MLP projections, an untied LM head, BERT's pooler
   * and heads) held in {@code matrices}: {@code FLOAT32} widens them at load time (the default),
   * {@code BFLOAT16} or {@code FLOAT16} keeps them resident in 16 bits — the checkpoint's values
   * exactly when it stores that type, rounded to nearest even otherwise — with FLOAT32 arithmetic
   * ({@link Weights#withMatrices}). Such matrices are frozen (no gradient): an option for
   * inference. Embedding tables, norms and biases stay FLOAT32 (a tied head reads the embedding
   * table, so GPT-2's head stays FLOAT32). For a FLOAT64 context the option changes nothing.
   */
  public static PretrainedModel load(Path dir, BuildContext ctx, DType matrices) {
    PretrainedModel model = Weights.withMatrices(matrices, () -> create(dir, ctx));
    loadInto(model, dir, ctx, Set.of());
    return model;
  }

  /**
   * The BERT encoder of {@code dir} (any BERT architecture: a base model, a masked-LM or a
   * classification checkpoint) with a new sequence-classification head of {@code labels} classes,
   * for fine-tuning, as {@code BertForSequenceClassification.from_pretrained(dir, num_labels=…)}
   * does: the head ({@code classifier.*}), and the pooler when the checkpoint has none, start from
   * a normal distribution of the config's {@code initializer_range} (biases zero), drawn from the
   * context's seeds; every other weight must be in the checkpoint. The newly initialised names are
   * logged.
   */
  public static Bert bertForSequenceClassification(Path dir, int labels, BuildContext ctx) {
    ConfigJson c = ConfigJson.read(dir.resolve("config.json"));
    if (!"bert".equals(c.string("model_type", null))) {
      throw new PretrainedException(
          c.file() + ": model_type '" + c.string("model_type", null) + "' is not bert");
    }
    BertConfig config = BertConfig.of(c).withHead(BertConfig.Head.SEQUENCE_CLASSIFICATION, labels);
    Bert model = new Bert(config, ctx);
    List<String> fresh = loadInto(model, dir, ctx, Set.of("classifier.", "bert.pooler."));
    if (!fresh.isEmpty()) {
      for (String name : fresh) {
        // biases stay zero, as the parameters start
        if (name.endsWith(".weight")) {
          Tensors.fillRandom(
              model.namedParameters().get(name).value(),
              Distribution.NORMAL,
              0,
              config.initializerRange(),
              ctx.seeds().next());
        }
      }
      LOG.log(
          System.Logger.Level.INFO,
          "{0}: newly initialised for sequence classification (not in the checkpoint): {1}",
          dir,
          fresh);
    }
    return model;
  }

  /**
   * Loads {@code dir}'s weights into {@code model}; parameters under the {@code mayBeNew} prefixes
   * may be absent and are returned (left as they are).
   */
  @SuppressWarnings("try")
  private static List<String> loadInto(
      PretrainedModel model, Path dir, BuildContext ctx, Set<String> mayBeNew) {
    Map<String, Checkpoint.Located> stored = Checkpoint.entries(dir);
    Map<String, String> names = model.parameterNames(stored.keySet());
    Map<String, Parameter> params = model.namedParameters();
    List<String> problems = new ArrayList<>();
    Map<String, String> source = new TreeMap<>();
    for (var e : names.entrySet()) {
      String other = source.put(e.getValue(), e.getKey());
      if (other != null) {
        problems.add("'" + other + "' and '" + e.getKey() + "' both give " + e.getValue());
      }
    }
    TreeSet<String> missing = new TreeSet<>(params.keySet());
    missing.removeAll(source.keySet());
    List<String> fresh = new ArrayList<>();
    for (String m : missing) {
      if (mayBeNew.stream().anyMatch(m::startsWith)) {
        fresh.add(m);
      }
    }
    missing.removeAll(fresh);
    TreeSet<String> unexpected = new TreeSet<>(source.keySet());
    unexpected.removeAll(params.keySet());
    if (!missing.isEmpty()) {
      problems.add("missing " + missing);
    }
    if (!unexpected.isEmpty()) {
      problems.add("unexpected " + unexpected);
    }
    for (var e : source.entrySet()) {
      Parameter p = params.get(e.getKey());
      Checkpoint.Located at = stored.get(e.getValue());
      if (p != null && !p.shape().equals(at.entry().shape())) {
        problems.add(
            "'"
                + e.getValue()
                + "' in "
                + at.file().getFileName()
                + " has shape "
                + at.entry().shape()
                + ", the model expects "
                + p.shape());
      }
    }
    if (!problems.isEmpty()) {
      throw new PretrainedException(
          dir + ": the weights do not fit the model: " + String.join("; ", problems));
    }
    DType halves = ctx.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    // outside any scope of the caller's: each tensor is closed as soon as it is copied
    try (GradMode off = GradMode.disable()) {
      Scope.outside(() -> read(dir, ctx, halves, names, params));
    }
    return fresh;
  }

  private static Void read(
      Path dir,
      BuildContext ctx,
      DType halves,
      Map<String, String> names,
      Map<String, Parameter> params) {
    Checkpoint.forEach(
        dir,
        ctx.backend(),
        halves,
        (name, t) -> {
          try (t) {
            String target = names.get(name);
            if (target != null) {
              Weights.assign(params.get(target).value(), t);
            }
          }
        });
    return null;
  }
}
