package dev.heed.assembly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.train.CommittedCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A trained model of a run directory, opened for inference and safe to share between threads: any
 * number of threads may call {@link #predict} and {@link #sample} at once, and each gets exactly
 * the answer it would get alone. It is what {@code heed serve} and applications embed.
 *
 * <p>Every call runs in inference mode (no dropout) with gradient recording off, so no tape is
 * kept; the tensors of a call live in a scope on the calling thread and are freed when it returns.
 * The parameters are shared and only read. The per-thread state of the tensor library (the scope
 * stack and its reused tensor lists) is the scratch that a thread reuses from call to call.
 *
 * <p>The model is the last committed checkpoint at the time of {@link #open}; {@link #checkpoint()}
 * says which. A predictor never changes the run directory, so it may be opened while the run is
 * still training; a newer checkpoint needs a new predictor ({@link CommittedCheckpoint#read(Path)}
 * tells when there is one). {@link #close()} releases the backend: call it only when no thread is
 * predicting any more.
 *
 * <p><b>Replay.</b> By default the forward pass of {@link #predict} is captured on its first two
 * runs per batch size (kept only when both agree call by call) and then replayed as a plan of
 * kernels over buffers allocated once, one plan per concurrent call ({@link
 * dev.heed.core.backend.replay.StepReplay}), with the eager results (bit for bit on the reference
 * backend); a sequence model's token ids are the plan's {@code int[]} input, checked against the
 * embedding's range before each replay. Steps that a replay could get wrong (random draws, host
 * reads inside the step, host data uploaded by a layer) run eagerly. {@link #open(Path, String,
 * boolean)} or the system property {@value #REPLAY_PROPERTY}{@code =false} turns it off.
 */
public final class Predictor implements AutoCloseable {
  private static final int OPEN_ATTEMPTS = 20;

  /** The system property that turns replay off when {@code false}. */
  public static final String REPLAY_PROPERTY = "heed.replay";

  private final Path runDir;
  private final TrainedModel model;
  private final CommittedCheckpoint checkpoint;
  private final String configYaml;
  private final String dataType;

  private Predictor(
      Path runDir,
      TrainedModel model,
      CommittedCheckpoint checkpoint,
      String configYaml,
      String dataType) {
    this.runDir = runDir;
    this.model = model;
    this.checkpoint = checkpoint;
    this.configYaml = configYaml;
    this.dataType = dataType;
  }

  /**
   * Opens the last committed checkpoint of {@code runDir}.
   *
   * @param backendOverride a backend name that replaces the config's, or null
   * @throws ConfigException when {@code runDir} is not a run directory or has no committed
   *     checkpoint yet
   */
  public static Predictor open(Path runDir, String backendOverride) throws IOException {
    return open(runDir, backendOverride, replayByDefault());
  }

  /**
   * Whether replay is on by default: unless the system property {@value #REPLAY_PROPERTY} is {@code
   * false}.
   */
  public static boolean replayByDefault() {
    return !"false".equalsIgnoreCase(System.getProperty(REPLAY_PROPERTY, "true").trim());
  }

  /**
   * Opens the last committed checkpoint of {@code runDir}, with or without replay of the forward
   * pass.
   *
   * @param backendOverride a backend name that replaces the config's, or null
   * @param replay whether {@link #predict} replays captured forward passes
   * @throws ConfigException when {@code runDir} is not a run directory or has no committed
   *     checkpoint yet
   */
  public static Predictor open(Path runDir, String backendOverride, boolean replay)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      CommittedCheckpoint before = CommittedCheckpoint.read(runDir).orElse(null);
      TrainedModel model =
          RunModel.open(
              runDir, Heed.runConfig(runDir), backendOverride, PluginSet.shared(), replay);
      try {
        CommittedCheckpoint after = CommittedCheckpoint.read(runDir).orElse(null);
        if (after != null && after.equals(before)) {
          String yaml = Files.readString(runDir.resolve(HeedAssembly.CONFIG));
          Predictor p = new Predictor(runDir, model, after, yaml, dataType(yaml, runDir));
          model = null;
          return p;
        }
        if (attempt >= OPEN_ATTEMPTS) {
          throw new ConfigException(
              runDir
                  + ": a new checkpoint was committed every time the model was read ("
                  + OPEN_ATTEMPTS
                  + " tries); try again");
        }
      } finally {
        if (model != null) {
          model.close();
        }
      }
    }
  }

  private static String dataType(String yaml, Path runDir) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    JsonNode type = root == null ? null : root.path("data").path("type");
    if (type == null || !type.isTextual()) {
      throw new ConfigException(
          runDir.resolve(HeedAssembly.CONFIG)
              + ": no data.type; expected the config heed train wrote");
    }
    return type.asText();
  }

  /** The run directory this model was read from. */
  public Path runDirectory() {
    return runDir;
  }

  /** The committed checkpoint this model holds. */
  public CommittedCheckpoint checkpoint() {
    return checkpoint;
  }

  /** The run's resolved config, as YAML ({@code config.yaml} of the run directory). */
  public String configYaml() {
    return configYaml;
  }

  /** The config's data type ({@code csv}, {@code text}, a generated task …). */
  public String dataType() {
    return dataType;
  }

  /** Whether {@link #sample} works: a character language model (data type {@code text}). */
  public boolean generatesText() {
    return dataType.equals("text");
  }

  /** Input names, in the order a row of {@link #predict} holds them. */
  public List<String> inputNames() {
    return model.inputNames();
  }

  /** Output names, in the order a predicted row holds them. */
  public List<String> outputNames() {
    return model.outputNames();
  }

  /**
   * Predicts for rows of raw (unnormalised) inputs in {@link #inputNames()} order; for
   * classification each output row holds class probabilities in {@link #outputNames()} order.
   * Thread-safe.
   *
   * @throws ConfigException when a row has the wrong width or, for sequence models, holds a value
   *     that is not a token id (naming the row and what was expected)
   */
  public List<double[]> predict(List<double[]> rows) {
    if (rows.isEmpty()) {
      return new ArrayList<>();
    }
    return model.predict(rows);
  }

  /**
   * Samples text from a character language model, as {@link TrainedModel#sample} does. Thread-safe.
   *
   * @return the prompt followed by the sampled characters
   */
  public String sample(String prompt, int count, double temperature, long seed) {
    return model.sample(prompt, count, temperature, seed);
  }

  /**
   * The attention weights the model gives {@code rows}, as {@link TrainedModel#attention(List,
   * int)} gives them: query {@code query}'s weights (0: a vision transformer's class token), or the
   * average over the queries when {@code query} is negative.
   *
   * @return empty when the model has no attention layer or {@code query} is not a position
   */
  public Optional<AttentionSample> attention(List<double[]> rows, int query) {
    return model.attention(rows, query);
  }

  /** How many captured forward passes the threads hold, for tests. */
  int replayPlans() {
    return ((RunModel) model).replayPlans();
  }

  /** Releases the backend. Only when no thread is predicting. */
  @Override
  public void close() {
    model.close();
  }
}
