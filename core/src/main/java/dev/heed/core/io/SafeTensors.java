package dev.heed.core.io;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Reads and writes the safetensors format (the format of Hugging Face and of PyTorch {@code
 * state_dict} exports): an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets"}} (plus an optional {@code
 * "__metadata__"} map of strings), then the little-endian tensor data. Heed pads the header with
 * spaces so that the data starts on an 8-byte boundary, and writes files atomically (a temporary
 * file in the same directory, then a rename), so a crash never leaves a half-written file.
 *
 * <p>Supported element types: {@code F16}, {@code BF16}, {@code F32}, {@code F64}, {@code I32} (see
 * {@link StoredType}). The 16-bit types are widened exactly to {@code FLOAT32} (or {@code FLOAT64}
 * on request) when read, and rounded to nearest, ties to even, when written. Reading checks
 * everything a corrupt file could get wrong (header length, JSON, types, shapes, offsets that
 * overlap, leave holes or run past the end) and says what and where. Stateless and thread-safe.
 */
public final class SafeTensors {
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /**
   * Name, type and shape of one stored tensor.
   *
   * @param dtype the type it is read as by default ({@code FLOAT32} for the 16-bit types)
   * @param begin first data byte, counted from the end of the header
   * @param end one past the last data byte
   * @param stored the type of its elements in the file
   */
  public record Entry(
      String name, DType dtype, Shape shape, long begin, long end, StoredType stored) {}

  /**
   * Writes {@code tensors} (in map order) and {@code metadata} (in key order, so that the same
   * contents always give the same bytes, whatever the map's iteration order) to {@code file}
   * atomically.
   *
   * @throws IOException when the file cannot be written; the target is then left as it was
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, metadata, null);
  }

  /**
   * Writes like {@link #write(Path, Map, Map)}, storing every floating-point tensor as {@code
   * floats} ({@code F16}, {@code BF16}, {@code F32} or {@code F64}; narrowing rounds to nearest,
   * ties to even) and every index tensor as {@code I32}. A {@code null} {@code floats} keeps each
   * tensor's own type.
   *
   * @throws IllegalArgumentException when {@code floats} is an integer type
   * @throws IOException when the file cannot be written; the target is then left as it was
   */
  public static void write(
      Path file, Map<String, Tensor> tensors, Map<String, String> metadata, StoredType floats)
      throws IOException {
    if (floats != null && !floats.isFloatingPoint()) {
      throw new IllegalArgumentException(
          "safetensors: floating-point tensors cannot be stored as "
              + floats
              + " (use F16, BF16, F32 or F64)");
    }
    StringBuilder json = new StringBuilder("{");
    boolean first = true;
    if (!metadata.isEmpty()) {
      json.append("\"__metadata__\":{");
      boolean f = true;
      for (var e : new TreeMap<>(metadata).entrySet()) {
        json.append(f ? "" : ",")
            .append(HeaderJson.quote(e.getKey()))
            .append(':')
            .append(HeaderJson.quote(e.getValue()));
        f = false;
      }
      json.append('}');
      first = false;
    }
    long offset = 0;
    for (var e : tensors.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        throw new IllegalArgumentException(
            "safetensors: '__metadata__' is reserved and cannot name a tensor");
      }
      Tensor t = e.getValue();
      StoredType type = storedAs(t, floats);
      long bytes = t.size() * type.byteSize();
      json.append(first ? "" : ",")
          .append(HeaderJson.quote(e.getKey()))
          .append(":{\"dtype\":\"")
          .append(type.code())
          .append("\",\"shape\":[");
      int[] dims = t.shape().dims();
      for (int k = 0; k < dims.length; k++) {
        json.append(k == 0 ? "" : ",").append(dims[k]);
      }
      json.append("],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + bytes)
          .append("]}");
      offset += bytes;
      first = false;
    }
    json.append('}');
    byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (header.length + 7) / 8 * 8;
    AtomicFile.write(
        file,
        out -> {
          ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
          out.write(len.array());
          out.write(header);
          for (int i = header.length; i < padded; i++) {
            out.write(' ');
          }
          for (Tensor t : tensors.values()) {
            out.write(littleEndianBytes(t, storedAs(t, floats)));
          }
        });
  }

  /** The entries of {@code file}'s header, in data order, without reading the data. */
  public static List<Entry> entries(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return parse(file, ch).entries;
    }
  }

  /** The {@code __metadata__} map of {@code file} (empty when absent). */
  public static Map<String, String> metadata(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return parse(file, ch).metadata;
    }
  }

  /**
   * Reads every tensor of {@code file} onto {@code backend}, in data order. The tensors are created
   * outside any scope only if the caller arranges it (see {@link
   * dev.heed.core.tensor.Scope#outside}).
   *
   * @throws SafeTensorsException when the file is corrupt or uses an unsupported type
   * @throws IOException when it cannot be read
   */
  public static Map<String, Tensor> read(Path file, Backend backend) throws IOException {
    return read(file, backend, DType.FLOAT32);
  }

  /**
   * Reads like {@link #read(Path, Backend)}, widening {@code F16} and {@code BF16} tensors to
   * {@code halves} ({@code FLOAT32} or {@code FLOAT64}; both are exact). Other types load as
   * stored.
   *
   * @throws IllegalArgumentException when {@code halves} is not a floating-point type
   * @throws SafeTensorsException when the file is corrupt or uses an unsupported type
   * @throws IOException when it cannot be read
   */
  public static Map<String, Tensor> read(Path file, Backend backend, DType halves)
      throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    forEach(file, backend, halves, (e, t) -> out.put(e.name(), t));
    return out;
  }

  /**
   * Reads the tensors of {@code file} one at a time, in data order, handing each to {@code action}
   * with its entry; the caller owns each tensor (and may close it at once), so a large file never
   * needs more than one of its tensors in memory besides what the caller keeps. The header is
   * checked completely before the first tensor is read.
   *
   * @param halves what {@code F16} and {@code BF16} widen to ({@code FLOAT32} or {@code FLOAT64})
   * @throws IllegalArgumentException when {@code halves} is not a floating-point type
   * @throws SafeTensorsException when the file is corrupt or uses an unsupported type
   * @throws IOException when it cannot be read
   */
  public static void forEach(
      Path file, Backend backend, DType halves, BiConsumer<Entry, Tensor> action)
      throws IOException {
    if (!halves.isFloatingPoint()) {
      throw new IllegalArgumentException(
          "safetensors: 16-bit floats widen to FLOAT32 or FLOAT64, not " + halves);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        Arena arena = Arena.ofConfined()) {
      Header h = parse(file, ch);
      MemorySegment data =
          ch.map(FileChannel.MapMode.READ_ONLY, 8 + h.length, ch.size() - 8 - h.length, arena);
      for (Entry e : h.entries) {
        int n = (int) e.shape().size();
        long at = e.begin();
        Tensor t =
            switch (e.stored()) {
              case F16, BF16 -> {
                boolean bf = e.stored() == StoredType.BF16;
                ValueLayout.OfShort le =
                    ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                if (halves == DType.FLOAT64) {
                  double[] v = new double[n];
                  for (int i = 0; i < n; i++) {
                    short bits = data.get(le, at + 2L * i);
                    v[i] = bf ? HalfPrecision.bf16ToFloat(bits) : HalfPrecision.f16ToFloat(bits);
                  }
                  yield Tensors.of(backend, DType.FLOAT64, v, e.shape().dims());
                }
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                  short bits = data.get(le, at + 2L * i);
                  v[i] = bf ? HalfPrecision.bf16ToFloat(bits) : HalfPrecision.f16ToFloat(bits);
                }
                yield Tensors.of(backend, DType.FLOAT32, v, e.shape().dims());
              }
              case F32 -> {
                float[] v = new float[n];
                MemorySegment.copy(
                    data,
                    ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                    at,
                    v,
                    0,
                    n);
                yield Tensors.of(backend, DType.FLOAT32, v, e.shape().dims());
              }
              case F64 -> {
                double[] v = new double[n];
                MemorySegment.copy(
                    data,
                    ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                    at,
                    v,
                    0,
                    n);
                yield Tensors.of(backend, DType.FLOAT64, v, e.shape().dims());
              }
              case I64 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                  long x =
                      data.get(
                          ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                          at + 8L * i);
                  if (x != (int) x) {
                    throw new SafeTensorsException(
                        file
                            + ": tensor '"
                            + e.name()
                            + "': I64 value "
                            + x
                            + " at element "
                            + i
                            + " does not fit the 32-bit indices Heed reads I64 into");
                  }
                  v[i] = (int) x;
                }
                yield Tensors.indices(backend, v, e.shape().dims());
              }
              case I32 -> {
                int[] v = new int[n];
                MemorySegment.copy(
                    data,
                    ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                    at,
                    v,
                    0,
                    n);
                yield Tensors.indices(backend, v, e.shape().dims());
              }
            };
        action.accept(e, t);
      }
    }
  }

  private record Header(long length, List<Entry> entries, Map<String, String> metadata) {}

  private static Header parse(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < 8) {
      throw new SafeTensorsException(
          file
              + ": not a safetensors file: "
              + size
              + " bytes, shorter than the 8-byte header length");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf, 0);
    long n = lenBuf.flip().getLong();
    if (n < 2 || n > MAX_HEADER || n > size - 8) {
      throw new SafeTensorsException(
          file
              + ": corrupt safetensors file: header length "
              + n
              + " does not fit a file of "
              + size
              + " bytes"
              + " (expected 2.."
              + Math.min(MAX_HEADER, size - 8)
              + ")");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    readFully(ch, hb, 8);
    String text = utf8(file, hb.flip());
    Map<String, Object> json = HeaderJson.parse(text, file.toString());
    long dataLength = size - 8 - n;
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (var e : json.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        if (!(e.getValue() instanceof Map<?, ?> m)) {
          throw new SafeTensorsException(file + ": __metadata__ must be an object of strings");
        }
        for (var me : m.entrySet()) {
          if (!(me.getValue() instanceof String s)) {
            throw new SafeTensorsException(
                file + ": __metadata__ value of '" + me.getKey() + "' is not a string");
          }
          metadata.put((String) me.getKey(), s);
        }
        continue;
      }
      entries.add(entry(file, name, e.getValue(), dataLength));
    }
    entries.sort(Comparator.comparingLong(Entry::begin));
    long expected = 0;
    for (Entry e : entries) {
      if (e.begin() != expected) {
        throw new SafeTensorsException(
            file
                + ": tensor '"
                + e.name()
                + "' starts at data byte "
                + e.begin()
                + " but the previous tensor ends at "
                + expected
                + " (tensors must not overlap or leave holes)");
      }
      expected = e.end();
    }
    if (expected != dataLength) {
      throw new SafeTensorsException(
          file
              + ": the tensors cover "
              + expected
              + " data bytes but the file holds "
              + dataLength
              + " after the header (truncated or padded file)");
    }
    return new Header(n, entries, metadata);
  }

  /** The header text, refusing bytes that are not UTF-8 (a decoder would replace them silently). */
  private static String utf8(Path file, ByteBuffer bytes) {
    CharBuffer chars = CharBuffer.allocate(bytes.remaining());
    CoderResult r =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(bytes, chars, true);
    if (r.isError()) {
      throw new SafeTensorsException(
          file
              + ": corrupt safetensors header at byte "
              + (8 + bytes.position())
              + ": not UTF-8 (the header must be UTF-8 JSON)");
    }
    return chars.flip().toString();
  }

  private static Entry entry(Path file, String name, Object value, long dataLength) {
    String where = file + ": tensor '" + name + "'";
    if (!(value instanceof Map<?, ?> m)) {
      throw new SafeTensorsException(
          where + ": expected an object with dtype, shape and data_offsets");
    }
    for (Object k : m.keySet()) {
      if (!List.of("dtype", "shape", "data_offsets").contains(k)) {
        throw new SafeTensorsException(
            where + ": unknown field '" + k + "' (expected dtype, shape, data_offsets)");
      }
    }
    if (!(m.get("dtype") instanceof String code)) {
      throw new SafeTensorsException(where + ": missing dtype");
    }
    StoredType stored = StoredType.ofCode(code);
    if (stored == null) {
      throw new SafeTensorsException(
          where
              + ": dtype "
              + code
              + " is not supported (supported: "
              + StoredType.supported()
              + ")");
    }
    DType dtype =
        switch (stored) {
          case F16, BF16, F32 -> DType.FLOAT32;
          case F64 -> DType.FLOAT64;
          case I32, I64 -> DType.INT32;
        };
    if (!(m.get("shape") instanceof List<?> shapeList)) {
      throw new SafeTensorsException(where + ": missing shape");
    }
    int[] dims = new int[shapeList.size()];
    long elements = 1;
    for (int k = 0; k < dims.length; k++) {
      if (!(shapeList.get(k) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw new SafeTensorsException(
            where + ": shape " + shapeList + " must hold non-negative integers");
      }
      dims[k] = (int) (long) d;
      // the product checked exactly: 65536^4 wraps a long to 0 and would match an empty range
      elements = elements > Long.MAX_VALUE / Math.max(1, d) ? -1 : elements * d;
      if (elements < 0) {
        throw new SafeTensorsException(where + ": shape " + shapeList + " is too large to load");
      }
    }
    Shape shape = Shape.of(dims);
    if (!(m.get("data_offsets") instanceof List<?> off)
        || off.size() != 2
        || !(off.get(0) instanceof Long begin)
        || !(off.get(1) instanceof Long end)) {
      throw new SafeTensorsException(where + ": data_offsets must be [begin, end]");
    }
    if (begin < 0 || end < begin || end > dataLength) {
      throw new SafeTensorsException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] lie outside the "
              + dataLength
              + " data bytes after the header (truncated file?)");
    }
    if (end - begin != shape.size() * stored.byteSize()) {
      throw new SafeTensorsException(
          where
              + ": data_offsets span "
              + (end - begin)
              + " bytes but shape "
              + shape
              + " of "
              + code
              + " needs "
              + shape.size() * stored.byteSize());
    }
    if (shape.size() > Integer.MAX_VALUE - 8) {
      throw new SafeTensorsException(where + ": shape " + shape + " is too large to load");
    }
    return new Entry(name, dtype, shape, begin, end, stored);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, p);
      if (r < 0) {
        throw new SafeTensorsException("unexpected end of file at byte " + p);
      }
      p += r;
    }
  }

  private static StoredType storedAs(Tensor t, StoredType floats) {
    return floats == null || t.dtype() == DType.INT32 ? StoredType.of(t.dtype()) : floats;
  }

  private static byte[] littleEndianBytes(Tensor t, StoredType type) {
    int n = (int) t.size();
    ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case F16, BF16 -> {
        boolean bf = type == StoredType.BF16;
        // from the tensor's own values, so a FLOAT64 tensor is rounded once, not through float
        double[] v = t.toDoubleArray();
        for (int i = 0; i < n; i++) {
          b.putShort(bf ? HalfPrecision.bf16FromDouble(v[i]) : HalfPrecision.f16FromDouble(v[i]));
        }
      }
      case F32 -> b.asFloatBuffer().put(t.toFloatArray());
      case F64 -> b.asDoubleBuffer().put(t.toDoubleArray());
      case I32 -> b.asIntBuffer().put(t.toIntArray());
      case I64 -> throw new IllegalStateException("I64 is never written");
    }
    return b.array();
  }
}
