package dev.heed.assembly.internal;

import dev.heed.assembly.internal.FieldType.Bool;
import dev.heed.assembly.internal.FieldType.Int;
import dev.heed.assembly.internal.FieldType.ListOf;
import dev.heed.assembly.internal.FieldType.Num;
import dev.heed.assembly.internal.FieldType.Obj;
import dev.heed.assembly.internal.FieldType.Plugin;
import dev.heed.assembly.internal.FieldType.Text;
import dev.heed.assembly.internal.Section.Field;
import java.util.List;
import java.util.Set;

/**
 * The config model: every key, its type, default and description. The validator, the records, the
 * JSON Schema and the README all follow this one description.
 */
public final class ConfigSchema {
  private ConfigSchema() {}

  /** Built-in data set types ({@code csv} plus the generated ones). */
  public static final List<String> DATA_TYPES =
      List.of(
          "csv",
          "seed-regression",
          "feature-selection",
          "marked-token-recall",
          "digit-reversal",
          "text");

  /** Generated data sets of token sequences. */
  public static final List<String> SEQUENCE_TYPES =
      List.of("marked-token-recall", "digit-reversal");

  /** Data keys that only apply to generated sequence data sets. */
  public static final Set<String> SEQUENCE_ONLY =
      Set.of("vocabulary", "length", "min_length", "max_length");

  /** Data keys that only apply to {@code type: csv}. */
  public static final Set<String> CSV_ONLY =
      Set.of(
          "path", "feature_columns", "label_columns", "task", "classes", "delimiter", "normalize");

  /** Data keys that only apply to generated data sets. */
  public static final Set<String> GENERATED_ONLY = Set.of("examples", "inputs", "outputs", "noise");

  private static final int MAX = Integer.MAX_VALUE;

  /** {@code data}. */
  public static final Section DATA =
      Section.of(
          "where the examples come from: a CSV file or a generated data set",
          Field.required(
              "type",
              new Text(DATA_TYPES),
              "csv, or a generated data set: seed-regression (the seed's task), feature-selection"
                  + " (only features 1, 4 and 7 of 10 matter), marked-token-recall (predict the"
                  + " token after a marker), digit-reversal (reverse a digit sequence), or text"
                  + " (character-level language modelling on a text file)"),
          Field.optional("examples", new Int(1, MAX), 1000, "generated: how many examples"),
          Field.optional("inputs", new Int(1, 100_000), 10, "generated: input features"),
          Field.optional(
              "outputs", new Int(1, 100_000), null, "generated: targets (seed-regression: 5)"),
          Field.optional(
              "noise", new Num(0, 1e6), 0.0, "generated: standard deviation of target noise"),
          Field.optional(
              "vocabulary",
              new Int(4, 100_000),
              null,
              "marked-token-recall: token ids including padding 0 and marker 1 (default 12)"),
          Field.optional(
              "length",
              new Int(2, 10_000),
              null,
              "sequences: the length of every sequence (sets min_length and max_length); text: the"
                  + " context window in characters (default 32)"),
          Field.optional(
              "min_length",
              new Int(2, 10_000),
              null,
              "sequences: the shortest sequence (default: max_length)"),
          Field.optional(
              "max_length",
              new Int(2, 10_000),
              null,
              "sequences: the longest sequence; shorter ones are padded with token 0 (default 8)"),
          Field.optional(
              "path",
              new Text(List.of()),
              null,
              "csv or text: the file, relative to the config file"),
          Field.optional(
              "feature_columns",
              new ListOf(new Text(List.of()), 1),
              null,
              "csv: input columns by header name (default: every column not a label)"),
          Field.optional(
              "label_columns",
              new ListOf(new Text(List.of()), 1),
              null,
              "csv: target columns by header name (required for csv)"),
          Field.optional(
              "task",
              new Text(List.of("regression", "classification")),
              "regression",
              "csv: regression (numeric targets) or classification (one label column of class"
                  + " names, one-hot encoded)"),
          Field.optional(
              "classes",
              new ListOf(new Text(List.of()), 2),
              null,
              "csv classification: the class names in output order; text: the vocabulary, one"
                  + " character each (default: found in the file, sorted)"),
          Field.optional(
              "delimiter", new Text(List.of(",", ";", "\t", "|")), ",", "csv: separator"),
          Field.optional(
              "normalize",
              new Bool(),
              true,
              "csv: z-score the input columns with the training rows' mean and deviation (stored"
                  + " in the run directory)"),
          Field.optional(
              "shuffle_buffer",
              new Int(1, MAX),
              4096,
              "rows held by the seeded buffer shuffle of streamed training data"));

  /** {@code model}. */
  public static final Section MODEL =
      Section.of(
          "the network: layers applied in order",
          Field.optional(
              "inputs", new Int(1, MAX), null, "input features (default: what the data gives)"),
          Field.required(
              "layers",
              new ListOf(new FieldType.LayerSpec(), 1),
              "the layers: {type: dense, units, activation}, {type: attention, unit} or a layer"
                  + " plugin"));

  /** A {@code type: dense} layer. */
  public static final Section DENSE =
      Section.of(
          "a fully connected layer, PyTorch's nn.Linear plus an activation",
          Field.required("type", new Text(List.of("dense")), "dense"),
          Field.required("units", new Int(1, MAX), "output features"),
          Field.optional(
              "activation", new Plugin("activation", false), null, "applied after (none if unset)"),
          Field.optional("bias", new Bool(), true, "whether the layer has a bias"),
          Field.optional(
              "weight_init",
              new Plugin("initializer", false),
              null,
              "initializer of the weight (default: nn.Linear's uniform ±1/√in)"),
          Field.optional(
              "bias_init",
              new Plugin("initializer", false),
              null,
              "initializer of the bias (default: nn.Linear's uniform ±1/√in)"));

  /** A {@code type: attention} layer. */
  public static final Section ATTENTION =
      Section.of(
          "self-attention over the layer's input (feature attention gates flat features)",
          Field.required("type", new Text(List.of("attention")), "attention"),
          Field.optional(
              "unit", new Plugin("attention", false), "feature", "the attention unit and options"));

  /** {@code training.stop}. */
  public static final Section STOP =
      Section.of(
          "when training ends (the first rule met wins; max epochs always applies)",
          Field.optional(
              "target_loss",
              new Num(0, Double.MAX_VALUE),
              null,
              "stop when the validation loss (the training loss without validation data) is at"
                  + " most this"),
          Field.optional(
              "target_metric",
              new Text(List.of("val_accuracy", "val_mae", "val_loss", "loss")),
              null,
              "stop when this metric reaches target_value (accuracy: at least, others: at most)"),
          Field.optional(
              "target_value",
              new Num(-Double.MAX_VALUE, Double.MAX_VALUE),
              null,
              "the value target_metric must reach"),
          Field.optional(
              "patience",
              new Int(0, MAX),
              0,
              "stop after this many epochs without improvement of the validation loss by"
                  + " min_delta (0: off)"),
          Field.optional("min_delta", new Num(0, Double.MAX_VALUE), 0.0, "see patience"),
          Field.optional(
              "time_budget_seconds",
              new Num(0, Double.MAX_VALUE),
              0.0,
              "stop after the epoch that exceeds this much training time (0: off)"));

  /** {@code training}. */
  public static final Section TRAINING =
      Section.of(
          "how the model is trained",
          Field.optional("epochs", new Int(1, MAX), 100, "the most epochs to train"),
          Field.optional("batch_size", new Int(1, MAX), 32, "examples per mini-batch"),
          Field.optional(
              "validation_split",
              new Num(0, 0.9),
              0.2,
              "fraction of the examples held out for validation, chosen by a seeded hash of the"
                  + " row number"),
          Field.optional("shuffle", new Bool(), true, "shuffle the training examples every epoch"),
          Field.optional(
              "clip_grad_norm",
              new Num(0, Double.MAX_VALUE),
              null,
              "rescale the gradients when their global L2 norm exceeds this (as"
                  + " torch.nn.utils.clip_grad_norm_)"),
          Field.optional(
              "clip_grad_value",
              new Num(0, Double.MAX_VALUE),
              null,
              "clamp every gradient element to [-value, value] (as torch.nn.utils.clip_grad_value_)"),
          Field.optional("stop", new Obj(STOP), null, "the stopping rule"));

  /** The whole file. */
  public static final Section ROOT =
      Section.of(
          "a Heed model and its training run",
          Field.optional("description", new Text(List.of()), null, "free text"),
          Field.optional(
              "seed",
              new Int(Long.MIN_VALUE, Long.MAX_VALUE),
              42,
              "seeds initialisation, data generation, the split and shuffling"),
          Field.optional(
              "backend",
              new Plugin("backend", true),
              "auto",
              "the compute backend, or auto: the highest-priority available one"),
          Field.required("data", new Obj(DATA), "the examples"),
          Field.required("model", new Obj(MODEL), "the network"),
          Field.optional(
              "loss",
              new Plugin("loss", false),
              null,
              "the loss (default: mse for regression, cross-entropy for classification)"),
          Field.required("optimizer", new Plugin("optimizer", false), "the optimizer and options"),
          Field.optional(
              "schedule",
              new Plugin("schedule", false),
              null,
              "a learning-rate schedule (none if" + " unset)"),
          Field.optional("training", new Obj(TRAINING), null, "epochs, batches and stopping"));
}
