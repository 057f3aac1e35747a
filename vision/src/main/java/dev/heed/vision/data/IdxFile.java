package dev.heed.vision.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * One file of the IDX format that MNIST, Fashion-MNIST and their kin are stored in (LeCun's
 * description): a big-endian header of magic {@code 0x0000 TT DD} (type {@code TT} = {@code 0x08}
 * unsigned bytes; {@code DD} dimensions), {@code DD} big-endian 32-bit extents, then the bytes of
 * the array in row-major order. Files ending in {@code .gz} are read through gzip. This class reads
 * and checks the header, checks that the body has exactly the size the header promises, and streams
 * the body; it never changes the file.
 *
 * @param path the file
 * @param dims the extents: {@code [count]} for labels, {@code [count, rows, columns]} for images
 */
record IdxFile(Path path, int[] dims) {

  /** Unsigned bytes, the only element type of the MNIST family. */
  private static final int UNSIGNED_BYTE = 0x08;

  /** Examples in the file. */
  int count() {
    return dims[0];
  }

  /** Bytes of one example (1 for labels, {@code rows·columns} for images). */
  int exampleBytes() {
    int b = 1;
    for (int k = 1; k < dims.length; k++) {
      b *= dims[k];
    }
    return b;
  }

  /**
   * Reads the header of {@code path} and checks that it has {@code rank} dimensions of unsigned
   * bytes and, reading the whole body once, that the body is exactly as long as the header says.
   *
   * @param what the file's role for messages ({@code images}, {@code labels})
   * @throws IllegalArgumentException naming the file and what is wrong
   */
  static IdxFile check(Path path, int rank, String what) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "the IDX " + what + " file " + path + " does not exist (or is not a file)");
    }
    try (DataInputStream in = open(path)) {
      int magic;
      try {
        magic = in.readInt();
      } catch (EOFException e) {
        throw new IllegalArgumentException(
            path
                + ": the file ends inside the 4-byte IDX magic number; not an IDX "
                + what
                + " file");
      }
      int expected = (UNSIGNED_BYTE << 8) | rank;
      if (magic != expected) {
        throw new IllegalArgumentException(
            String.format(
                "%s: found magic number 0x%08X, expected 0x%08X (IDX %s: unsigned bytes, %d"
                    + " dimension%s)",
                path, magic, expected, what, rank, rank == 1 ? "" : "s"));
      }
      int[] dims = new int[rank];
      long size = 1;
      for (int k = 0; k < rank; k++) {
        try {
          dims[k] = in.readInt();
        } catch (EOFException e) {
          throw new IllegalArgumentException(
              path + ": the file ends inside the header (" + rank + " extents expected)");
        }
        if (dims[k] < 0 || (k > 0 && dims[k] == 0)) {
          throw new IllegalArgumentException(
              path + ": the header gives extent " + dims[k] + " for dimension " + k);
        }
        size *= dims[k];
      }
      long body;
      try {
        body = skipAll(in);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            path + ": the data cannot be read (" + e.getMessage() + "); is the file damaged?", e);
      }
      if (body != size) {
        throw new IllegalArgumentException(
            path
                + ": the header "
                + Arrays.toString(dims)
                + " promises "
                + size
                + " bytes of data, the file holds "
                + body
                + (body < size ? " (truncated?)" : " (trailing bytes)"));
      }
      return new IdxFile(path, dims);
    }
  }

  /** The file's bytes, through gzip when its name ends in {@code .gz}. */
  static DataInputStream open(Path path) throws IOException {
    InputStream raw = Files.newInputStream(path);
    try {
      InputStream in =
          path.getFileName().toString().endsWith(".gz")
              ? new GZIPInputStream(raw, 1 << 16)
              : new BufferedInputStream(raw, 1 << 16);
      return new DataInputStream(new BufferedInputStream(in, 1 << 16));
    } catch (IOException e) {
      raw.close();
      throw new IllegalArgumentException(path + ": not a gzip file (" + e.getMessage() + ")", e);
    }
  }

  /** A stream positioned at the first example. */
  DataInputStream body() throws IOException {
    DataInputStream in = open(path);
    in.skipNBytes(4L + 4L * dims.length);
    return in;
  }

  private static long skipAll(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    long total = 0;
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      total += n;
    }
    return total;
  }
}
