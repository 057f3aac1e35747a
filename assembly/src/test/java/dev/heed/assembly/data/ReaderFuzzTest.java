package dev.heed.assembly.data;

import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.ConfigException;
import dev.heed.core.data.Dataset;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of valid input to the text readers (CSV rows, the CSV header, UTF-8 lines, the
 * config loader and {@code --set}): every outcome is a value or a {@link ConfigException}, never
 * another exception. {@code -Dheed.fuzz.cases=N} sets the cases per reader (default 300, a second
 * or two); {@code -Dheed.fuzz.seed=S} the seed.
 */
class ReaderFuzzTest {
  private static final int CASES = Integer.getInteger("heed.fuzz.cases", 300);
  private static final long SEED = Long.getLong("heed.fuzz.seed", 16L);

  private static final byte[] CSV =
      "x,y,t\n1,2.5,-3e2\n\"4\",.5,6\n7,8,9\r\n".getBytes(StandardCharsets.UTF_8);
  private static final String CONFIG =
      """
      seed: 1
      backend: cpu
      data: {type: seed-regression, examples: 50, inputs: 4, outputs: 2}
      model:
        layers:
          - {type: dense, units: 3, activation: tanh}
          - {type: dense, units: 2}
      optimizer: {name: adam, lr: 0.01}
      training: {epochs: 1, batch_size: 8, clip_grad_norm: 1.0}
      """;
  private static final String[] PIECES = {
    "\"", ",", "\n", "\r", "\uFEFF", "NaN", "1e999", "1d", "-", ".", "e", "\u00e9", "[", "]", "{",
    "}", ":", "=", " ", "\t", "!!", "*a", "&a", "#", "'", "0", "99999999999", "null", "~", "\\"
  };

  @TempDir Path tmp;

  private static byte[] mutate(byte[] in, SplittableRandom r) {
    List<Byte> out = new ArrayList<>();
    for (byte b : in) {
      out.add(b);
    }
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = out.isEmpty() ? 0 : r.nextInt(out.size() + 1);
      switch (r.nextInt(4)) {
        case 0 -> {
          if (!out.isEmpty() && at < out.size()) {
            out.remove(at);
          }
        }
        case 1 -> out.add(at, (byte) r.nextInt(256));
        case 2 -> {
          byte[] p = PIECES[r.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8);
          for (int i = p.length - 1; i >= 0; i--) {
            out.add(at, p[i]);
          }
        }
        default -> {
          if (!out.isEmpty() && at < out.size()) {
            out.set(at, (byte) r.nextInt(256));
          }
        }
      }
    }
    byte[] b = new byte[out.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = out.get(i);
    }
    return b;
  }

  private interface Run {
    void run() throws Exception;
  }

  private static void expectValueOrConfigError(String what, byte[] input, Run run) {
    try {
      run.run();
    } catch (ConfigException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        fail(what + ": a ConfigException without a message for " + show(input));
      }
    } catch (Exception | StackOverflowError e) {
      throw new AssertionError(what + ": " + e + " for " + show(input), e);
    }
  }

  private static String show(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1).replace("\n", "\\n").replace("\r", "\\r");
  }

  @Test
  void csvRowsAndHeaders() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED);
    Path p = tmp.resolve("f.csv");
    CsvDataset d = new CsvDataset(p, ',', List.of("x", "y"), List.of("t"), List.of());
    for (int i = 0; i < CASES; i++) {
      byte[] b = mutate(CSV, r);
      Files.write(p, b);
      expectValueOrConfigError(
          "CsvDataset",
          b,
          () -> {
            try (Dataset.RowReader rows = d.open()) {
              float[] row = new float[3];
              while (rows.next(row)) {
                for (float v : row) {
                  if (!Float.isFinite(v)) {
                    fail("a row value that is not finite for " + show(b));
                  }
                }
              }
            }
          });
      expectValueOrConfigError("CsvFormat.header", b, () -> CsvFormat.header(p, ','));
    }
  }

  @Test
  void utf8Lines() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int i = 0; i < CASES; i++) {
      byte[] b = mutate(CSV, r);
      expectValueOrConfigError(
          "Utf8Text.Lines",
          b,
          () -> {
            try (Utf8Text.Lines l = Utf8Text.lines(new ByteArrayInputStream(b), "in")) {
              while (l.next() != null) {
                // read every line
              }
            }
          });
      expectValueOrConfigError("Utf8Text.decode", b, () -> Utf8Text.decode(b, b.length, "in"));
    }
  }

  @Test
  void configLoader() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    Path p = tmp.resolve("c.yaml");
    byte[] valid = CONFIG.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < CASES; i++) {
      byte[] b = mutate(valid, r);
      Files.write(p, b);
      expectValueOrConfigError("ConfigLoader", b, () -> Heed.loadConfig(p, List.of()));
    }
  }

  @Test
  void overrides() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED + 3);
    Path p = Files.writeString(tmp.resolve("c.yaml"), CONFIG);
    String[] valid = {
      "training.epochs=3", "model.layers[0].units=4", "optimizer.lr=0.1", "data.examples=20"
    };
    for (int i = 0; i < CASES; i++) {
      byte[] b = mutate(valid[r.nextInt(valid.length)].getBytes(StandardCharsets.UTF_8), r);
      String set = new String(b, StandardCharsets.UTF_8);
      expectValueOrConfigError("--set", b, () -> Heed.loadConfig(p, List.of(set)));
    }
  }
}
