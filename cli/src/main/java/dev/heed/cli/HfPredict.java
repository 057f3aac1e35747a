package dev.heed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.core.backend.Backend;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.core.text.Encoding;
import dev.heed.core.text.Tokenizer;
import dev.heed.core.text.Truncation;
import dev.heed.pretrained.Bert;
import dev.heed.pretrained.Pooling;
import dev.heed.pretrained.PretrainedModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code heed predict} on an imported BERT run: a column of text in, per row the label and the
 * class probabilities (a sequence-classification checkpoint, labels from {@code config.json}'s
 * {@code id2label}) or the sentence embedding (the mean of the last hidden states over the real
 * tokens, as sentence-transformers pools).
 */
final class HfPredict {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 32;

  private HfPredict() {}

  @SuppressWarnings("try")
  static int run(
      Path dir,
      String inputName,
      InputStream in,
      String column,
      boolean embeddings,
      String backend,
      PrintWriter out)
      throws IOException {
    Tokenizer tok = HfRuns.requireTokenizer(dir, "heed predict tokenizes the text column with it");
    JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
    int maxLength = config.path("max_position_embeddings").asInt(512);
    int pad = config.path("pad_token_id").asInt(0);
    tok =
        tok.withTruncation(new Truncation(maxLength, 0, Truncation.Strategy.LONGEST_FIRST, false))
            .withPadding(null) /* batches are padded here, with a mask */;
    List<String> texts = readTexts(inputName, in, column);
    try (Backend b = HfRuns.backend(backend);
        GradMode off = GradMode.disable()) {
      PretrainedModel loaded = HfRuns.load(dir, b);
      if (!(loaded instanceof Bert model)) {
        throw new BadInputException(
            "heed predict on an imported run needs a BERT model; this run holds a "
                + loaded.getClass().getSimpleName()
                + " (heed generate runs decoders)");
      }
      List<String> labels = labels(config);
      boolean classify = !embeddings;
      if (classify
          && (model.config().head()
              != dev.heed.pretrained.BertConfig.Head.SEQUENCE_CLASSIFICATION)) {
        throw new BadInputException(
            dir.resolve("config.json")
                + ": the model has no sequence-classification head (architectures:"
                + " BertForSequenceClassification); use --embeddings for sentence embeddings");
      }
      boolean header = true;
      for (int start = 0; start < texts.size(); start += BATCH) {
        List<Encoding> enc =
            tok.encodeBatch(texts.subList(start, Math.min(texts.size(), start + BATCH)), true);
        int n = enc.size();
        int t = enc.stream().mapToInt(Encoding::length).max().orElse(1);
        int[] ids = new int[n * t];
        int[] mask = new int[n * t];
        for (int r = 0; r < n; r++) {
          int[] e = enc.get(r).ids();
          for (int j = 0; j < t; j++) {
            ids[r * t + j] = j < e.length ? e[j] : pad;
            mask[r * t + j] = j < e.length ? 1 : 0;
          }
        }
        double[] values;
        int width;
        try (Scope s = Scope.open()) {
          Tensor idT = Tensors.indices(b, ids, n, t);
          Tensor maskT = Tensors.indices(b, mask, n, t);
          Bert.Output o = model.forward(idT, maskT, null, ForwardContext.inference());
          Tensor result = classify ? o.logits().softmax(1) : Pooling.mean(o.hidden(), maskT);
          width = result.dim(1);
          values = result.toDoubleArray();
        }
        if (header) {
          List<String> names = new ArrayList<>();
          if (classify) {
            names.add("label");
            for (int k = 0; k < width; k++) {
              names.add(InputRows.cell(k < labels.size() ? labels.get(k) : "LABEL_" + k));
            }
          } else {
            for (int k = 0; k < width; k++) {
              names.add("e" + k);
            }
          }
          out.println(String.join(",", names));
          header = false;
        }
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < n; r++) {
          line.setLength(0);
          if (classify) {
            int best = 0;
            for (int k = 1; k < width; k++) {
              if (values[r * width + k] > values[r * width + best]) {
                best = k;
              }
            }
            line.append(InputRows.cell(best < labels.size() ? labels.get(best) : "LABEL_" + best));
          }
          for (int k = 0; k < width; k++) {
            if (line.length() > 0) {
              line.append(',');
            }
            line.append((float) values[r * width + k]);
          }
          out.println(line);
          if (out.checkError()) {
            return Exits.OK; // Main reports the failed standard output with status 1
          }
        }
      }
      out.flush();
    }
    return Exits.OK;
  }

  /** The labels of {@code id2label} by index (empty when the config has none). */
  private static List<String> labels(JsonNode config) {
    JsonNode map = config.path("id2label");
    List<String> out = new ArrayList<>();
    for (int k = 0; map.has(Integer.toString(k)); k++) {
      out.add(map.get(Integer.toString(k)).asText());
    }
    return out;
  }

  /**
   * The text of column {@code column}: CSV with a header row (RFC 4180 quoting), or JSON lines (an
   * object per line with that field, or a JSON string per line).
   */
  static List<String> readTexts(String name, InputStream in, String column) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String all =
        r.lines()
            .reduce(new StringBuilder(), (b, l) -> b.append(l).append('\n'), StringBuilder::append)
            .toString();
    String trimmed = all.stripLeading();
    List<String> out = new ArrayList<>();
    if (trimmed.startsWith("{") || trimmed.startsWith("\"")) {
      int lineNo = 0;
      for (String line : all.split("\n", -1)) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          throw new BadInputException(name + ":" + lineNo + ": not a JSON value: " + line);
        }
        if (node.isTextual()) {
          out.add(node.asText());
        } else if (node.isObject() && node.path(column).isTextual()) {
          out.add(node.get(column).asText());
        } else {
          throw new BadInputException(
              name
                  + ":"
                  + lineNo
                  + ": expected a JSON string or an object with a text field '"
                  + column
                  + "' (--column), found "
                  + line);
        }
      }
    } else {
      List<List<String>> rows = csv(all);
      if (rows.isEmpty()) {
        throw new BadInputException(
            name + ": empty; expected a CSV header naming column '" + column + "'");
      }
      List<String> head = rows.get(0);
      int c = head.indexOf(column);
      if (c < 0) {
        throw new BadInputException(
            name
                + ":1: no column '"
                + column
                + "' in the header "
                + head
                + "; name the text column with --column");
      }
      for (int i = 1; i < rows.size(); i++) {
        List<String> row = rows.get(i);
        if (row.size() == 1 && row.get(0).isEmpty()) {
          continue;
        }
        if (c >= row.size()) {
          throw new BadInputException(
              name + ":" + (i + 1) + ": " + row.size() + " fields, expected at least " + (c + 1));
        }
        out.add(row.get(c));
      }
    }
    if (out.isEmpty()) {
      throw new BadInputException(name + ": no rows of text");
    }
    return out;
  }

  /** Rows of an RFC 4180 CSV text (quoted fields may hold commas, quotes and newlines). */
  static List<List<String>> csv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(ch);
        }
      } else if (ch == '"' && field.isEmpty()) {
        quoted = true;
      } else if (ch == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (ch == '\n' || ch == '\r') {
        if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(ch);
      }
    }
    if (!field.isEmpty() || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
