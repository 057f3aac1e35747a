package dev.heed.serve;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.Assembly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small trained runs for the tests. */
final class Runs {
  private Runs() {}

  /** The seed network trained for {@code epochs} on 300 examples (CPU backend). */
  static Path seed(Path dir, int epochs) throws IOException {
    return train(
        Path.of("../examples/seed-simple.yaml"),
        List.of(
            "data.examples=300",
            "training.epochs=" + epochs,
            "training.stop.patience=0",
            "training.stop.target_loss=null",
            "backend=cpu"),
        dir);
  }

  static Path train(Path config, List<String> overrides, Path dir) throws IOException {
    try (Assembly a = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
      a.train(dir, null);
    }
    return dir;
  }

  /** Trains a finished run on to {@code epochs} (its config raised), as heed train --resume. */
  static void trainOn(Path dir, int from, int epochs) throws IOException {
    Path config = dir.resolve("config.yaml");
    Files.writeString(
        config, Files.readString(config).replace("epochs: " + from, "epochs: " + epochs));
    try (Assembly a = Heed.resume(dir, null)) {
      a.train(dir, null);
    }
  }

  /** A tiny causal character language model on a short text, one epoch. */
  static Path languageModel(Path tmp) throws IOException {
    Path text = tmp.resolve("text.txt");
    Files.writeString(text, "abcab cabca bcabc ".repeat(20));
    Path config = tmp.resolve("lm.yaml");
    Files.writeString(
        config,
        """
        seed: 3
        backend: cpu
        data: {type: text, path: text.txt, length: 8}
        model:
          layers:
            - {type: embedding, embedding_dim: 8}
            - {type: positional-encoding}
            - {type: transformer-encoder, num_layers: 1, nhead: 2, dim_feedforward: 16,
               dropout: 0.0, causal: true}
            - {type: lm-head}
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 1, batch_size: 16, validation_split: 0.1}
        """);
    return train(config, List.of(), tmp.resolve("lm"));
  }

  /** {@code count} rows of {@code width} numbers in [-2, 2). */
  static List<double[]> rows(int count, int width, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double[] row = new double[width];
      for (int k = 0; k < width; k++) {
        row[k] = r.nextDouble(-2, 2);
      }
      rows.add(row);
    }
    return rows;
  }

  /** {@code {"rows": [...]}}. */
  static String body(List<double[]> rows) {
    StringBuilder b = new StringBuilder("{\"rows\": [");
    for (int i = 0; i < rows.size(); i++) {
      b.append(i == 0 ? "[" : ", [");
      double[] row = rows.get(i);
      for (int k = 0; k < row.length; k++) {
        b.append(k == 0 ? "" : ", ").append(row[k]);
      }
      b.append(']');
    }
    return b.append("]}").toString();
  }
}
