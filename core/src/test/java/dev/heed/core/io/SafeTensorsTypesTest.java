package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * F16 and BF16 in safetensors against a file whose 16-bit values PyTorch rounded ({@code
 * src/test/fixtures/make_halves.py}): reading widens them to exactly PyTorch's widened values, and
 * writing the float32 sources gives PyTorch's bits. Also I64 indices, read as INT32 when they fit.
 */
class SafeTensorsTypesTest {
  private final Backend backend =
      new HeapBackend() {
        @Override
        public String name() {
          return "heap";
        }

        @Override
        public String deviceDescription() {
          return "core's reference kernels";
        }
      };

  @TempDir Path dir;

  private Path fixture() throws IOException {
    Path p = dir.resolve("halves.safetensors");
    try (InputStream in = getClass().getResourceAsStream("/fixtures/halves/halves.safetensors")) {
      Files.copy(in, p);
    }
    return p;
  }

  private static short[] shortsOf(Path file, String name) throws IOException {
    byte[] all = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    for (SafeTensors.Entry e : SafeTensors.entries(file)) {
      if (e.name().equals(name)) {
        ByteBuffer b =
            ByteBuffer.wrap(all, (int) (8 + n + e.begin()), (int) (e.end() - e.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        short[] s = new short[(int) e.shape().size()];
        b.asShortBuffer().get(s);
        return s;
      }
    }
    throw new AssertionError(name + " not in " + file);
  }

  @Test
  void readsPyTorchsHalvesAsTheirExactValues() throws IOException {
    Path file = fixture();
    Map<String, Tensor> t = SafeTensors.read(file, backend);
    assertEquals(DType.FLOAT32, t.get("f16").dtype());
    assertArrayEquals(t.get("f16.widened").toFloatArray(), t.get("f16").toFloatArray());
    assertArrayEquals(t.get("bf16.widened").toFloatArray(), t.get("bf16").toFloatArray());
    Map<String, Tensor> wide = SafeTensors.read(file, backend, DType.FLOAT64);
    assertEquals(DType.FLOAT64, wide.get("bf16").dtype());
    assertEquals(DType.FLOAT32, wide.get("source").dtype(), "F32 stays F32");
    assertArrayEquals(t.get("f16.widened").toDoubleArray(), wide.get("f16").toDoubleArray());
    for (SafeTensors.Entry e : SafeTensors.entries(file)) {
      StoredType expected =
          e.name().equals("f16")
              ? StoredType.F16
              : e.name().equals("bf16") ? StoredType.BF16 : null;
      if (expected != null) {
        assertEquals(expected, e.stored());
        assertEquals(DType.FLOAT32, e.dtype());
      }
    }
  }

  @Test
  void writesPyTorchsRoundingOfTheSameValues() throws IOException {
    Path file = fixture();
    Tensor source = SafeTensors.read(file, backend).get("source");
    for (StoredType type : new StoredType[] {StoredType.F16, StoredType.BF16}) {
      Path out = dir.resolve(type + ".safetensors");
      SafeTensors.write(out, Map.of("x", source), Map.of(), type);
      assertEquals(type, SafeTensors.entries(out).get(0).stored());
      assertArrayEquals(
          shortsOf(file, type == StoredType.F16 ? "f16" : "bf16"), shortsOf(out, "x"), "" + type);
      // and from FLOAT64 tensors of the same values: the same bits
      Path out64 = dir.resolve(type + "64.safetensors");
      SafeTensors.write(out64, Map.of("x", source.to(DType.FLOAT64)), Map.of(), type);
      assertArrayEquals(shortsOf(out, "x"), shortsOf(out64, "x"));
    }
  }

  @Test
  void roundTripsEveryHalfValueThroughAFile() throws IOException {
    float[] f16 = new float[0x10000];
    float[] bf16 = new float[0x10000];
    int n = 0;
    int m = 0;
    for (int h = 0; h < 0x10000; h++) {
      float a = HalfPrecision.f16ToFloat((short) h);
      float b = HalfPrecision.bf16ToFloat((short) h);
      if (!Float.isNaN(a)) {
        f16[n++] = a;
      }
      if (!Float.isNaN(b)) {
        bf16[m++] = b;
      }
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a", Tensors.of(backend, DType.FLOAT32, java.util.Arrays.copyOf(f16, n), n));
    tensors.put("ints", Tensors.indices(backend, new int[] {3, -4}, 2));
    Path fp = dir.resolve("f16.safetensors");
    SafeTensors.write(fp, tensors, Map.of("k", "v"), StoredType.F16);
    Map<String, Tensor> back = SafeTensors.read(fp, backend);
    assertArrayEquals(tensors.get("a").toFloatArray(), back.get("a").toFloatArray());
    assertArrayEquals(new int[] {3, -4}, back.get("ints").toIntArray(), "indices stay I32");
    assertEquals(2 * n, SafeTensors.entries(fp).get(0).end());
    Path bp = dir.resolve("bf16.safetensors");
    SafeTensors.write(
        bp,
        Map.of("b", Tensors.of(backend, DType.FLOAT32, java.util.Arrays.copyOf(bf16, m), m)),
        Map.of(),
        StoredType.BF16);
    assertArrayEquals(
        java.util.Arrays.copyOf(bf16, m), SafeTensors.read(bp, backend).get("b").toFloatArray());
  }

  @Test
  void halvesNeedTwoBytesPerElement() throws IOException {
    String header = "{\"x\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,12]}}";
    ByteBuffer b = ByteBuffer.allocate(8 + header.length() + 12).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length()).put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Path p = dir.resolve("bad.safetensors");
    Files.write(p, b.array());
    SafeTensorsException e =
        assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p, backend));
    assertEquals(
        p + ": tensor 'x': data_offsets span 12 bytes but shape [3] of BF16 needs 6",
        e.getMessage());
  }

  @Test
  void refusesIndexStorageForFloatsAndIntegerWidening() {
    Tensor x = Tensors.of(backend, DType.FLOAT32, new float[] {1}, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> SafeTensors.write(dir.resolve("x"), Map.of("x", x), Map.of(), StoredType.I32));
    assertThrows(
        IllegalArgumentException.class,
        () -> SafeTensors.read(dir.resolve("x"), backend, DType.INT32));
  }

  private Path rawFile(String header, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length() + data.length);
    b.order(ByteOrder.LITTLE_ENDIAN).putLong(header.length());
    b.put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data);
    Path p = dir.resolve("raw.safetensors");
    Files.write(p, b.array());
    return p;
  }

  @Test
  void readsI64IndicesThatFitAndNamesOneThatDoesNot() throws IOException {
    String header = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[1,3],\"data_offsets\":[0,24]}}";
    ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    data.putLong(0).putLong(-7).putLong(Integer.MAX_VALUE);
    Tensor ids = SafeTensors.read(rawFile(header, data.array()), backend).get("ids");
    assertEquals(DType.INT32, ids.dtype());
    assertArrayEquals(new int[] {0, -7, Integer.MAX_VALUE}, ids.toIntArray());
    data.putLong(8, 1L << 40);
    Path big = rawFile(header, data.array());
    SafeTensorsException e =
        assertThrows(SafeTensorsException.class, () -> SafeTensors.read(big, backend));
    assertEquals(
        big
            + ": tensor 'ids': I64 value 1099511627776 at element 1 does not fit the 32-bit"
            + " indices Heed reads I64 into",
        e.getMessage());
  }
}
