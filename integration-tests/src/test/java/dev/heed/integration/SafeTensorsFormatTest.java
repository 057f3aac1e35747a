package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.SafeTensorsException;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors reader and writer against a file written by an independent implementation ({@code
 * fixtures/safetensors/make_fixture.py}, numpy and struct), byte-level checks of what Heed writes,
 * and the messages for corrupt files.
 */
class SafeTensorsFormatTest {
  private static final String FIXTURE = "/fixtures/safetensors/";
  private final Backend cpu =
      Plugins.shared()
          .backends()
          .get("cpu")
          .create(Plugins.shared().backends().get("cpu").options().defaults("backend 'cpu'"));

  @TempDir Path dir;

  private Path copyFixture() throws IOException {
    Path p = dir.resolve("reference.safetensors");
    try (InputStream in = getClass().getResourceAsStream(FIXTURE + "reference.safetensors")) {
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void readsAFileWrittenByAnIndependentImplementation() throws IOException {
    Path file = copyFixture();
    List<String> lines;
    try (InputStream in = getClass().getResourceAsStream(FIXTURE + "reference.txt")) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    Map<String, Tensor> read = SafeTensors.read(file, cpu);
    assertEquals(
        lines.stream().map(l -> l.split("\\|", -1)[0]).toList(), new ArrayList<>(read.keySet()));
    for (String line : lines) {
      String[] f = line.split("\\|", -1);
      Tensor t = read.get(f[0]);
      int[] dims =
          f[2].isEmpty()
              ? new int[0]
              : Stream.of(f[2].split(",")).mapToInt(Integer::parseInt).toArray();
      assertEquals(Shape.of(dims), t.shape(), f[0]);
      assertEquals(
          switch (f[1]) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            default -> DType.INT32;
          },
          t.dtype(),
          f[0]);
      double[] expected =
          f[3].isEmpty()
              ? new double[0]
              : Stream.of(f[3].split(" ")).mapToDouble(Double::parseDouble).toArray();
      assertArrayEquals(expected, t.toDoubleArray(), 0.0, f[0]);
    }
    assertEquals(Map.of("format", "pt", "made_by", "make_fixture.py"), SafeTensors.metadata(file));
  }

  @Test
  void theSameContentsGiveTheSameBytesWhateverTheMetadataMapsOrder() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("w", Tensors.of(cpu, DType.FLOAT32, new float[] {1, 2}, 2));
    Map<String, String> one = new LinkedHashMap<>();
    one.put("format", "pt");
    one.put("epoch", "40");
    one.put("b", "x");
    Map<String, String> other = new LinkedHashMap<>();
    other.put("b", "x");
    other.put("epoch", "40");
    other.put("format", "pt");
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    SafeTensors.write(a, tensors, one);
    SafeTensors.write(b, tensors, other);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    String header = new String(Files.readAllBytes(a), 8, 60, StandardCharsets.UTF_8);
    assertTrue(
        header.startsWith("{\"__metadata__\":{\"b\":\"x\",\"epoch\":\"40\",\"format\":\"pt\"}"),
        header);
  }

  @Test
  void writesAnAlignedLittleEndianHeaderAndReadsItBack() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a", Tensors.of(cpu, DType.FLOAT32, new float[] {1, -2, 3.5f}, 3));
    tensors.put("b", Tensors.of(cpu, DType.FLOAT64, new double[] {Math.PI, -0.0, 1e-300, 7}, 2, 2));
    tensors.put("c", Tensors.indices(cpu, new int[] {5, 6}, 2));
    Path file = dir.resolve("w.safetensors");
    SafeTensors.write(file, tensors, Map.of("k", "v \"quoted\""));

    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8, "header length must keep the data 8-byte aligned");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{") && header.strip().endsWith("}"), header);
    assertEquals(8 + n + 3 * 4 + 4 * 8 + 2 * 4, bytes.length);
    float first =
        ByteBuffer.wrap(bytes, (int) (8 + n), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    assertEquals(1.0f, first);

    Map<String, Tensor> back = SafeTensors.read(file, cpu);
    assertEquals(List.of("a", "b", "c"), new ArrayList<>(back.keySet()));
    assertArrayEquals(tensors.get("a").toFloatArray(), back.get("a").toFloatArray());
    assertArrayEquals(tensors.get("b").toDoubleArray(), back.get("b").toDoubleArray());
    assertArrayEquals(new int[] {5, 6}, back.get("c").toIntArray());
    assertEquals(Map.of("k", "v \"quoted\""), SafeTensors.metadata(file));
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("weights.safetensors");
    SafeTensors.write(
        file, Map.of("x", Tensors.of(cpu, DType.FLOAT32, new float[] {1}, 1)), Map.of());
    byte[] before = Files.readAllBytes(file);
    Tensor closed = Tensors.of(cpu, DType.FLOAT32, new float[] {2, 3}, 2);
    closed.close();
    assertThrows(
        IllegalStateException.class, () -> SafeTensors.write(file, Map.of("x", closed), Map.of()));
    assertArrayEquals(before, Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void corruptFilesGetMessagesThatSayWhatAndWhere() throws IOException {
    byte[] good = Files.readAllBytes(copyFixture());

    assertMessage(new byte[] {1, 2, 3}, "shorter than the 8-byte header length");
    assertMessage(java.util.Arrays.copyOf(good, good.length - 4), "truncated");

    byte[] hugeHeader = good.clone();
    ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
    assertMessage(hugeHeader, "header length");

    byte[] badJson = good.clone();
    badJson[8] = '[';
    assertMessage(badJson, "corrupt safetensors header at byte");

    assertMessage(
        file("{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1),
        "F8_E4M3 is not supported (supported: F16, BF16, F32, F64, I32, I64)");
    assertMessage(
        file(
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            8),
        "must not overlap");
    assertMessage(
        file("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
    assertMessage(
        file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,80]}}", 8), "outside");
  }

  @Test
  void stateDictLoadingIsStrictAndNamesTheProblem() {
    Dense a = new Dense(3, 2, null, BuildContext.of(cpu, DType.FLOAT32, 1));
    Dense b = new Dense(3, 2, null, BuildContext.of(cpu, DType.FLOAT32, 2));
    StateDicts.load(b, StateDicts.of(a));
    assertArrayEquals(a.weight().value().toFloatArray(), b.weight().value().toFloatArray());

    Map<String, Tensor> wrong = new LinkedHashMap<>();
    wrong.put("weight", Tensors.zeros(cpu, Shape.of(3, 3), DType.FLOAT32));
    wrong.put("extra", Tensors.zeros(cpu, Shape.of(1), DType.FLOAT32));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> StateDicts.load(b, wrong));
    assertTrue(e.getMessage().contains("missing [bias]"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected [extra]"), e.getMessage());
    assertTrue(
        e.getMessage().contains("'weight' has shape [3, 3], the model expects [2, 3]"),
        e.getMessage());
  }

  private byte[] file(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    return b.array();
  }

  private void assertMessage(byte[] content, String expected) throws IOException {
    Path p = Files.write(dir.resolve("corrupt.safetensors"), content);
    SafeTensorsException e =
        assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p, cpu));
    assertTrue(
        e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    assertTrue(
        e.getMessage().contains(p.toString()), "the message names the file: " + e.getMessage());
  }
}
