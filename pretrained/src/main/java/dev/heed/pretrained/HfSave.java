package dev.heed.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.core.io.AtomicFile;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.StateDicts;
import dev.heed.core.io.StoredType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a model as a Hugging Face model directory that {@code from_pretrained} (and {@link
 * HfModels#load}) reads back: {@code model.safetensors} under the {@code state_dict} names (tied
 * copies left out, as {@code save_pretrained} does), {@code config.json} from the directory the
 * model came from with what the model changed (the architecture and labels of a new classification
 * head, {@code torch_dtype}), and the generation and tokenizer files copied. Each file is written
 * atomically.
 */
public final class HfSave {
  /** The files copied as they are when the source directory has them. */
  public static final List<String> COPIED =
      List.of(
          "generation_config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "vocab.txt",
          "vocab.json",
          "merges.txt");

  private HfSave() {}

  /**
   * Saves {@code model} (read from, or started from, {@code source}) to {@code out}, its floating
   * point weights stored as {@code weights} ({@code F32}, {@code BF16}, {@code F16} or {@code
   * F64}).
   *
   * @throws IOException when a file cannot be written; each file is then left as it was
   */
  public static void save(PretrainedModel model, Path source, Path out, StoredType weights)
      throws IOException {
    Files.createDirectories(out);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode config = (ObjectNode) json.readTree(Files.readString(source.resolve("config.json")));
    if (model instanceof Bert bert) {
      BertConfig c = bert.config();
      config.putArray("architectures").add(c.head().architecture());
      if (c.head() == BertConfig.Head.SEQUENCE_CLASSIFICATION
          && config.path("id2label").size() != c.labels()) {
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int i = 0; i < c.labels(); i++) {
          id2label.put(Integer.toString(i), "LABEL_" + i);
          label2id.put("LABEL_" + i, i);
        }
      }
    }
    config.put(
        "torch_dtype",
        switch (weights) {
          case BF16 -> "bfloat16";
          case F16 -> "float16";
          case F64 -> "float64";
          default -> "float32";
        });
    AtomicFile.write(
        out.resolve("config.json"),
        (json.writeValueAsString(config) + "\n").getBytes(StandardCharsets.UTF_8));
    SafeTensors.write(
        out.resolve(Checkpoint.SINGLE), StateDicts.of(model), Map.of("format", "pt"), weights);
    for (String name : COPIED) {
      Path f = source.resolve(name);
      if (Files.isRegularFile(f) && !f.equals(out.resolve(name))) {
        AtomicFile.write(out.resolve(name), Files.readAllBytes(f));
      }
    }
  }
}
