package dev.heed.core;

import dev.heed.core.backend.BackendProvider;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.PluginKind;
import dev.heed.core.plugin.Suggestions;
import dev.heed.core.text.TokenizerProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of plugin kinds: each kind declared once with its word, its service interface and its
 * testkit contract. {@link Plugins}, the assembly's registry set, validator, JSON Schema and Guice
 * module, and {@code heed plugins} derive from {@link #ALL}. Adding a kind is one entry here, its
 * service interface, and a {@code uses} line in core's {@code module-info} (the one thing Java
 * modules ask of the module that runs {@link java.util.ServiceLoader}).
 */
public final class PluginKinds {
  private PluginKinds() {}

  private static final String ACTIVATIONS = "dev.heed:heed-activations";
  private static final String ATTENTION_ARTIFACT = "dev.heed:heed-attention";
  private static final String OPTIMIZERS = "dev.heed:heed-optimizers";
  private static final String ASSEMBLY = "dev.heed:heed-assembly";
  private static final String TOKENIZERS = "dev.heed:heed-tokenizers";
  private static final String TESTKIT = "dev.heed.testkit.";

  /** Compute backends. */
  public static final PluginKind<BackendProvider> BACKEND =
      new PluginKind<>(
          "backend",
          "backends",
          BackendProvider.class,
          TESTKIT + "BackendContract",
          "a compute backend: buffers and kernels",
          Map.of(
              "cpu", "dev.heed:heed-backend-cpu",
              "simd", "dev.heed:heed-backend-simd",
              "opencl", "dev.heed:heed-backend-opencl"));

  /** Activation functions. */
  public static final PluginKind<ActivationProvider> ACTIVATION =
      new PluginKind<>(
          "activation",
          "activations",
          ActivationProvider.class,
          TESTKIT + "ActivationContract",
          "an activation function built from differentiable core operations",
          artifact(
              ACTIVATIONS,
              "elu",
              "hardshrink",
              "hardsigmoid",
              "hardtanh",
              "hardswish",
              "leaky-relu",
              "log-sigmoid",
              "prelu",
              "relu",
              "relu6",
              "rrelu",
              "selu",
              "celu",
              "gelu",
              "sigmoid",
              "silu",
              "mish",
              "softplus",
              "softshrink",
              "softsign",
              "tanh",
              "tanhshrink",
              "threshold",
              "glu",
              "softmax",
              "softmin",
              "log-softmax",
              "swish",
              "cube",
              "rational-tanh",
              "rectified-tanh",
              "thresholded-relu",
              "identity"));

  /** Attention units. */
  public static final PluginKind<AttentionUnitProvider> ATTENTION =
      new PluginKind<>(
          "attention",
          "attention units",
          AttentionUnitProvider.class,
          TESTKIT + "AttentionUnitContract",
          "an attention unit: scores, weights and the weighted values",
          artifact(ATTENTION_ARTIFACT, "feature", "additive", "dot", "scaled-dot", "multi-head"));

  /** Layers that configs name in {@code model.layers}. */
  public static final PluginKind<LayerProvider> LAYER =
      new PluginKind<>(
          "layer",
          "layers",
          LayerProvider.class,
          TESTKIT + "LayerContract",
          "a layer that configs name by model.layers[i].type",
          artifact(
              ATTENTION_ARTIFACT,
              "attention",
              "embedding",
              "positional-encoding",
              "learned-positional-encoding",
              "layer-norm",
              "dropout",
              "residual",
              "feed-forward",
              "self-attention",
              "transformer-encoder-layer",
              "transformer-encoder",
              "sequence-classification-head",
              "lm-head"));

  /** Optimizers. */
  public static final PluginKind<OptimizerProvider> OPTIMIZER =
      new PluginKind<>(
          "optimizer",
          "optimizers",
          OptimizerProvider.class,
          TESTKIT + "OptimizerContract",
          "an optimizer: updates parameters from their gradients",
          artifact(
              OPTIMIZERS,
              "sgd",
              "adagrad",
              "adadelta",
              "rmsprop",
              "adam",
              "adamw",
              "adamax",
              "nadam",
              "radam",
              "rprop",
              "lion",
              "lamb",
              "adabelief"));

  /** Learning-rate schedules. */
  public static final PluginKind<ScheduleProvider> SCHEDULE =
      new PluginKind<>(
          "schedule",
          "schedules",
          ScheduleProvider.class,
          TESTKIT + "ScheduleContract",
          "a learning-rate schedule",
          artifact(
              OPTIMIZERS,
              "constant",
              "step",
              "multi-step",
              "exponential",
              "linear",
              "cosine",
              "cosine-warm-restarts",
              "one-cycle",
              "polynomial",
              "warmup",
              "sequential",
              "reduce-on-plateau"));

  /** Loss functions. */
  public static final PluginKind<LossProvider> LOSS =
      new PluginKind<>(
          "loss",
          "losses",
          LossProvider.class,
          TESTKIT + "LossContract",
          "a loss function",
          Map.of());

  /** Weight initializers. */
  public static final PluginKind<InitializerProvider> INITIALIZER =
      new PluginKind<>(
          "initializer",
          "initializers",
          InitializerProvider.class,
          TESTKIT + "InitializerContract",
          "a weight initializer",
          Map.of());

  /** Data sets that configs name by {@code data.type}. */
  public static final PluginKind<DatasetProvider> DATASET =
      new PluginKind<>(
          "dataset",
          "datasets",
          DatasetProvider.class,
          TESTKIT + "DatasetContract",
          "a data set that configs name by data.type",
          artifact(
              ASSEMBLY,
              "csv",
              "text",
              "seed-regression",
              "feature-selection",
              "marked-token-recall",
              "digit-reversal"));

  /** Tokenizers: readers of a tokenizer file (Hugging Face's tokenizer.json). */
  public static final PluginKind<TokenizerProvider> TOKENIZER =
      new PluginKind<>(
          "tokenizer",
          "tokenizers",
          TokenizerProvider.class,
          "",
          "a tokenizer read from a tokenizer file",
          artifact(TOKENIZERS, "huggingface"));

  /** Every kind, in listing order. */
  public static final List<PluginKind<?>> ALL =
      List.of(
          BACKEND,
          ACTIVATION,
          ATTENTION,
          LAYER,
          OPTIMIZER,
          SCHEDULE,
          LOSS,
          INITIALIZER,
          DATASET,
          TOKENIZER);

  /** The kind words of {@link #ALL}, in order. */
  public static List<String> words() {
    return ALL.stream().map(PluginKind::word).toList();
  }

  /**
   * The kind spelled {@code word}.
   *
   * @throws IllegalArgumentException for an unknown word, with a "did you mean" and the kinds
   */
  public static PluginKind<?> of(String word) {
    for (PluginKind<?> k : ALL) {
      if (k.word().equals(word)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown plugin kind '"
            + word
            + "'"
            + Suggestions.didYouMean(word, words())
            + "; kinds are: "
            + String.join(", ", words()));
  }

  private static Map<String, String> artifact(String artifact, String... names) {
    Map<String, String> m = new HashMap<>();
    for (String n : names) {
      m.put(n, artifact);
    }
    return m;
  }
}
