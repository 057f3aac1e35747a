package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.train.TrainerState;
import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsException;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of a valid safetensors file and a valid {@code trainer.json} (issue 16,
 * deliverable b): every outcome of {@link SafeTensors#read} is a value whose tensors agree with
 * their header, or a {@link SafeTensorsException} naming the file; every outcome of {@link
 * TrainerState#read} is a value or a {@link ConfigException} naming the file; never another
 * exception, and the file read is never changed. The safetensors mutations flip, insert and delete
 * bytes, truncate or extend the file, rewrite the header length, and edit the header JSON (then
 * re-encode it with its true length, so that the mutation reaches the field checks). {@code
 * -Dheed.fuzz.cases=N} sets the cases per reader (default 300, about a second); {@code
 * -Dheed.fuzz.seed=S} the seed.
 */
class SafeTensorsFuzzTest {
  private static final int CASES = Integer.getInteger("heed.fuzz.cases", 300);
  private static final long SEED = Long.getLong("heed.fuzz.seed", 16L);

  /** Pieces that header edits insert: what a corrupt or hostile header tends to contain. */
  private static final String[] JSON_PIECES = {
    "\"",
    ",",
    ":",
    "[",
    "]",
    "{",
    "}",
    " ",
    "-",
    "0",
    "1",
    "9",
    "-1",
    "99999999999",
    "9223372036854775807",
    "65536,65536,65536,65536",
    "2147483647",
    "1.5",
    "1e3",
    "null",
    "true",
    "\"F16\"",
    "\"BF16\"",
    "\"I64\"",
    "\"F32\"",
    "\"dtype\"",
    "\"shape\"",
    "\"data_offsets\"",
    "\"__metadata__\"",
    "\\u0000",
    "\\ud800",
    "\\",
    "\u00e9",
    "\u0661",
    "[]",
    "{}",
    "[0,0]",
    "\"x\":"
  };

  private static Backend cpu;
  private static byte[] valid;
  private static byte[] validTrainer;

  @TempDir static Path dir;

  @BeforeAll
  static void validFiles() throws IOException {
    cpu =
        Plugins.shared()
            .backends()
            .get("cpu")
            .create(Plugins.shared().backends().get("cpu").options().defaults("backend 'cpu'"));
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("layers.0.weight", Tensors.of(cpu, DType.FLOAT32, new float[6], 2, 3));
    tensors.put("layers.0.bias", Tensors.of(cpu, DType.FLOAT64, new double[] {1, 2, 3}, 3));
    tensors.put("index", Tensors.indices(cpu, new int[] {1, 2, 3, 4}, 2, 2));
    tensors.put("scalar", Tensors.of(cpu, DType.FLOAT32, new float[] {0.5f}));
    tensors.put("empty", Tensors.of(cpu, DType.FLOAT32, new float[0], 0, 3));
    Path file = dir.resolve("valid.safetensors");
    SafeTensors.write(file, tensors, Map.of("heed.epoch", "3", "format", "pt"));
    tensors.values().forEach(Tensor::close);
    valid = Files.readAllBytes(file);
    Path run = Files.createDirectories(dir.resolve("trainer-run"));
    TrainerState.initial(7).save(run);
    validTrainer = Files.readAllBytes(run.resolve(TrainerState.FILE));
  }

  /** One mutation of {@code in}: byte edits, a truncation, a new length, or a header edit. */
  private static byte[] mutate(byte[] in, SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0, 1 -> bytes(in, r);
      case 2 -> Arrays.copyOf(in, r.nextInt(in.length + 1));
      case 3 -> {
        if (in.length < 8) {
          yield bytes(in, r);
        }
        byte[] out = in.clone();
        long n =
            switch (r.nextInt(4)) {
              case 0 -> r.nextLong();
              case 1 -> headerLength(in) + r.nextInt(-16, 17);
              case 2 -> -r.nextInt(1, 100);
              default -> r.nextLong(0, in.length + 64);
            };
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
        yield out;
      }
      default -> header(in, r);
    };
  }

  private static long headerLength(byte[] in) {
    if (in.length < 8) {
      return -1;
    }
    return ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  /** Deletes, inserts or replaces one to four bytes anywhere in the file. */
  private static byte[] bytes(byte[] in, SplittableRandom r) {
    List<Byte> out = new ArrayList<>(in.length + 8);
    for (byte b : in) {
      out.add(b);
    }
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = out.isEmpty() ? 0 : r.nextInt(out.size() + 1);
      switch (r.nextInt(3)) {
        case 0 -> {
          if (at < out.size()) {
            out.remove(at);
          }
        }
        case 1 -> out.add(at, (byte) r.nextInt(256));
        default -> {
          if (at < out.size()) {
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

  /**
   * Edits the header text (deletes a span, inserts a piece, or replaces a digit run) and writes it
   * back with its true length, keeping the data, sometimes with bytes added to or cut from the end.
   */
  private static byte[] header(byte[] in, SplittableRandom r) {
    long length = in.length < 8 ? -1 : headerLength(in);
    if (length < 0 || length > in.length - 8) {
      return bytes(in, r);
    }
    int n = (int) length;
    StringBuilder h = new StringBuilder(new String(in, 8, n, StandardCharsets.UTF_8).strip());
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = r.nextInt(h.length() + 1);
      switch (r.nextInt(3)) {
        case 0 -> {
          int end = Math.min(h.length(), at + 1 + r.nextInt(8));
          h.delete(Math.min(at, end), end);
        }
        case 1 -> h.insert(at, JSON_PIECES[r.nextInt(JSON_PIECES.length)]);
        default -> {
          int s = at;
          while (s < h.length() && !Character.isDigit(h.charAt(s))) {
            s++;
          }
          int t = s;
          while (t < h.length() && Character.isDigit(h.charAt(t))) {
            t++;
          }
          h.replace(s, t, Long.toString(r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(-2, 64)));
        }
      }
    }
    byte[] text = h.toString().getBytes(StandardCharsets.UTF_8);
    byte[] data = Arrays.copyOfRange(in, 8 + n, in.length);
    int tail = r.nextInt(8) == 0 ? r.nextInt(-4, 5) : 0;
    data = Arrays.copyOf(data, Math.max(0, data.length + tail));
    ByteBuffer b =
        ByteBuffer.allocate(8 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putLong(text.length).put(text).put(data).array();
  }

  /** Reads one mutated file; fails on any outcome but a consistent value or a clear refusal. */
  private static boolean readOne(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
    Map<String, Tensor> read = null;
    try {
      read = SafeTensors.read(file, cpu);
      long covered = 0;
      for (SafeTensors.Entry e : SafeTensors.entries(file)) {
        Tensor t = read.get(e.name());
        long size = 1;
        for (int d : e.shape().dims()) {
          size = Math.multiplyExact(size, d);
        }
        assertEquals(size, t.size(), e.name() + ": elements against the shape's product");
        assertEquals(size * e.dtype().byteSize(), e.end() - e.begin(), e.name() + ": bytes");
        covered += e.end() - e.begin();
      }
      assertEquals(bytes.length - 8 - headerLength(bytes), covered, "data bytes covered");
      return true;
    } catch (SafeTensorsException e) {
      assertTrue(
          e.getMessage() != null && e.getMessage().contains(file.toString()),
          () -> "message without the file: " + e.getMessage());
      return false;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(
          "unexpected " + e + " for " + HexFormat.of().formatHex(bytes) + ": " + e.getMessage(), e);
    } finally {
      if (read != null) {
        read.values().forEach(Tensor::close);
      }
      assertArrayEquals(bytes, Files.readAllBytes(file), "the reader changed the file");
    }
  }

  @Test
  void mutatedSafetensorsFilesAreReadOrRefused() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED);
    Path file = dir.resolve("fuzz.safetensors");
    int values = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = mutate(valid, r);
      if (r.nextInt(4) == 0) {
        bytes = mutate(bytes, r);
      }
      try {
        values += readOne(file, bytes) ? 1 : 0;
      } catch (AssertionError e) {
        fail("case " + i + " (seed " + SEED + "): " + e.getMessage(), e);
      }
    }
    assertTrue(values < CASES, "some mutations must be refused");
    System.out.printf(
        "SafeTensorsFuzzTest: %d safetensors cases (seed %d): %d read, %d refused%n",
        CASES, SEED, values, CASES - values);
  }

  /** Pieces for trainer.json edits: wrong types, huge numbers, trailing text. */
  private static final String[] TRAINER_PIECES = {
    "\"",
    ",",
    ":",
    "[",
    "]",
    "{",
    "}",
    "-",
    "1e30",
    "-1",
    "99999999999",
    "NaN",
    "null",
    "true",
    "\"x\"",
    "0.5",
    "[]",
    "{}",
    "\\u0000",
    " x",
    "\u00e9",
    "\"epoch\":",
    "\"format\":2,"
  };

  @Test
  void mutatedTrainerStatesAreReadOrRefused() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED);
    Path file = dir.resolve("trainer.json");
    int values = 0;
    for (int i = 0; i < CASES; i++) {
      StringBuilder t = new StringBuilder(new String(validTrainer, StandardCharsets.UTF_8));
      byte[] bytes;
      if (r.nextInt(3) == 0) {
        bytes = bytes(validTrainer, r);
      } else {
        for (int e = 1 + r.nextInt(3); e > 0; e--) {
          int at = r.nextInt(t.length() + 1);
          if (r.nextBoolean()) {
            t.delete(at, Math.min(t.length(), at + 1 + r.nextInt(6)));
          } else {
            t.insert(at, TRAINER_PIECES[r.nextInt(TRAINER_PIECES.length)]);
          }
        }
        bytes = t.toString().getBytes(StandardCharsets.UTF_8);
      }
      Files.write(file, bytes);
      try {
        TrainerState.read(file);
        values++;
      } catch (ConfigException e) {
        if (!e.getMessage().contains(file.toString())) {
          fail("case " + i + ": message without the file: " + e.getMessage());
        }
      } catch (RuntimeException | Error e) {
        throw new AssertionError(
            "case " + i + " (seed " + SEED + "): unexpected " + e + " for " + t, e);
      }
      assertArrayEquals(bytes, Files.readAllBytes(file), "the reader changed the file");
    }
    System.out.printf(
        "SafeTensorsFuzzTest: %d trainer.json cases (seed %d): %d read, %d refused%n",
        CASES, SEED, values, CASES - values);
  }

  /**
   * A shape whose product overflows a long (65536^4 = 2^64, which wraps to 0) with an empty data
   * range: the reader must refuse it, not build a tensor whose shape claims 2^64 elements and holds
   * none.
   */
  @Test
  void aShapeWhoseProductOverflowsIsRefused() throws IOException {
    String header =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}";
    Path file = SafeTensorsNestingTest.withHeader(dir.resolve("overflow.safetensors"), header);
    SafeTensorsException e =
        assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file, cpu));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("'w'"), e.getMessage());
  }
}
