package dev.heed.pretrained;

import dev.heed.core.backend.DType;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Opens Hugging Face model directories: reads {@code config.json}, builds the family's model on the
 * context's backend and type, and loads the weights by their Hugging Face names.
 */
public final class HfModels {
  /** The {@code model_type}s Heed reads. */
  public static final List<String> SUPPORTED = List.of("bert", "gpt2", "llama");

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
   * The model of {@code dir} with its weights. 16-bit weights are widened exactly; FLOAT64 models
   * get their weights widened from whatever the files hold.
   *
   * @throws PretrainedException when the directory is unusable or the weights do not fit, listing
   *     missing and unexpected names
   */
  public static PretrainedModel load(Path dir, BuildContext ctx) {
    PretrainedModel model = create(dir, ctx);
    Map<String, Tensor> raw = Checkpoint.read(dir, ctx.backend(), DType.FLOAT32);
    try {
      StateDicts.load(model, model.adapt(raw));
    } catch (IllegalArgumentException e) {
      throw new PretrainedException(dir + ": " + e.getMessage(), e);
    } finally {
      raw.values().forEach(Tensor::close);
    }
    return model;
  }
}
