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

/**
 * The config model: every key, its type, default and description. The validator, the records, the
 * JSON Schema and the README all follow this one description; the keys of plugins (the data set,
 * the layers, every {name: …} reference) come from the plugins' own option schemas.
 */
public final class ConfigSchema {
  private ConfigSchema() {}

  private static final int MAX = Integer.MAX_VALUE;

  /**
   * {@code data}: the keys every data set has; the others are the options of the data set plugin
   * that {@code type} names ({@code heed plugins --kind dataset} lists them).
   */
  public static final Section DATA =
      Section.of(
          "where the examples come from: a data set plugin by type, with its options",
          Field.required(
              "type",
              new Text(List.of()),
              "the data set: csv, text (character-level language modelling on a text file),"
                  + " seed-regression, feature-selection, marked-token-recall, digit-reversal, or a"
                  + " data set plugin"),
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
              "the layers: {type: dense, units, activation}, {type: attention, unit} or any other"
                  + " layer plugin with its options"));

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
          Field.optional(
              "accumulate",
              new Int(1, 65536),
              1,
              "mini-batches whose gradients make one optimizer step (equals a batch this many"
                  + " times larger)"),
          Field.optional(
              "replicas",
              new Int(1, 1024),
              1,
              "data-parallel copies of the model on threads, each taking a share of every"
                  + " mini-batch; gradients are summed in replica order, so a run is deterministic"
                  + " for a given count"),
          Field.optional(
              "replay",
              new Bool(),
              true,
              "capture a step whose shapes repeat and replay it without per-operation cost (the"
                  + " same results); false runs every step eagerly"),
          Field.optional("stop", new Obj(STOP), null, "the stopping rule"));

  /** {@code distributed}: read by engines that train on several machines (heed-spark). */
  public static final Section DISTRIBUTED =
      Section.of(
          "data-parallel training on several executors (heed train --engine spark)",
          Field.optional(
              "average_every",
              new Int(1, MAX),
              1,
              "local optimizer steps between two averagings of the parameters and the optimizer"
                  + " state (1: synchronous data-parallel training)"),
          Field.optional(
              "partitions",
              new Int(0, 65536),
              0,
              "data partitions, one trainer each (0: the engine's default parallelism)"));

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
          Field.required("data", new FieldType.DataSpec(DATA), "the examples"),
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
          Field.optional("training", new Obj(TRAINING), null, "epochs, batches and stopping"),
          Field.optional(
              "distributed",
              new Obj(DISTRIBUTED),
              null,
              "settings of distributed engines (ignored by the local trainer)"));
}
