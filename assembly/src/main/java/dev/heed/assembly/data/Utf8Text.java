package dev.heed.assembly.data;

import dev.heed.assembly.api.ConfigException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads text files (configs, CSV, JSON lines) the one way Heed reads text: strict UTF-8 (a byte
 * sequence that is not UTF-8 is refused with the file, line and byte offset, never replaced), a
 * leading UTF-8 byte order mark skipped, lines ended by {@code \n}, {@code \r\n} or {@code \r}.
 * Stateless; {@link Lines} is one pass over one stream.
 */
public final class Utf8Text {
  private Utf8Text() {}

  /**
   * The whole of {@code file} as text.
   *
   * @param maxBytes the largest size accepted; at most {@code maxBytes + 1} bytes are read, so an
   *     oversized file is refused without reading it all
   * @param what what the file is, for the size message ("config file")
   * @throws ConfigException when the file is larger than {@code maxBytes} or is not UTF-8
   */
  public static String read(Path file, long maxBytes, String what) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    }
    if (bytes.length > maxBytes) {
      throw new ConfigException(
          file
              + ": the "
              + what
              + " is larger than "
              + maxBytes
              + " bytes, expected at most that; nothing was parsed");
    }
    return decode(bytes, bytes.length, file.toString());
  }

  /**
   * The whole of {@code file} as text (a data file; up to the 2 GiB a Java array holds).
   *
   * @throws ConfigException when the file is not UTF-8
   */
  public static String read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return decode(bytes, bytes.length, file.toString());
  }

  /**
   * The first {@code length} bytes of {@code bytes} as text, a leading byte order mark skipped.
   *
   * @param source the file name (or "standard input") for messages
   * @throws ConfigException when the bytes are not UTF-8
   */
  public static String decode(byte[] bytes, int length, String source) {
    int start = hasBom(bytes, length) ? 3 : 0;
    CharBuffer out = CharBuffer.allocate(length - start);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, length - start);
    CharsetDecoder d = decoder();
    CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= at || bytes[i + 1] != '\n'))) {
          line++;
          lineStart = i + 1;
        }
      }
      throw notUtf8(source, line, at, bytes, at, at - lineStart);
    }
    out.flip();
    return out.toString();
  }

  /** The lines of {@code file}. */
  public static Lines lines(Path file) throws IOException {
    return new Lines(Files.newInputStream(file), file.toString(), Integer.MAX_VALUE - 8);
  }

  /**
   * The lines of {@code in}.
   *
   * @param source the file name, or "standard input", for messages
   */
  public static Lines lines(InputStream in, String source) {
    return new Lines(in, source, Integer.MAX_VALUE - 8);
  }

  /**
   * The lines of {@code in}, each at most {@code maxLineBytes} bytes long, so that a file without
   * line breaks cannot make the reader hold it whole.
   *
   * @param source the file name, or "standard input", for messages
   */
  public static Lines lines(InputStream in, String source, int maxLineBytes) {
    return new Lines(in, source, maxLineBytes);
  }

  private static boolean hasBom(byte[] b, int length) {
    return length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  private static ConfigException notUtf8(
      String source, long line, long offset, byte[] bytes, int index, int column) {
    return new ConfigException(
        source
            + ":"
            + line
            + ": byte offset "
            + offset
            + " (byte "
            + (column + 1)
            + " of the line): found the byte 0x"
            + String.format("%02X", bytes[index] & 0xFF)
            + ", which is not valid UTF-8 here; expected UTF-8 text (re-save the file as UTF-8)");
  }

  /**
   * One pass over the lines of a stream, decoded strictly as UTF-8. Not thread-safe; closing it
   * closes the stream.
   */
  public static final class Lines implements Closeable {
    private final InputStream in;
    private final String source;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int end;
    private byte[] line = new byte[256];
    private long offset;
    private long lineNumber;
    private boolean started;
    private boolean skipLf;
    private final CharsetDecoder decoder = decoder();

    private final int maxLineBytes;

    private Lines(InputStream in, String source, int maxLineBytes) {
      this.in = in;
      this.source = source;
      this.maxLineBytes = maxLineBytes;
    }

    /** The file name (or "standard input") this reads, for messages. */
    public String source() {
      return source;
    }

    /** The 1-based number of the line {@link #next()} returned last; 0 before the first. */
    public long lineNumber() {
      return lineNumber;
    }

    /**
     * The next line without its terminator, or null at the end.
     *
     * @throws ConfigException when the line is not UTF-8
     */
    public String next() throws IOException {
      if (!started) {
        started = true;
        if (fill() && (buf[pos] & 0xFF) == 0xEF) {
          while (end - pos < 3 && fillMore()) {
            // a byte order mark may arrive split over reads
          }
          if (hasBom(Arrays.copyOfRange(buf, pos, end), end - pos)) {
            pos += 3;
            offset = 3;
          }
        }
      }
      long lineOffset = offset;
      int n = 0;
      boolean any = false;
      boolean ascii = true;
      while (true) {
        if (pos == end && !fill()) {
          if (!any) {
            return null;
          }
          break;
        }
        if (skipLf) {
          skipLf = false;
          if (buf[pos] == '\n') {
            pos++;
            offset++;
            lineOffset++;
            continue;
          }
        }
        int i = pos;
        while (i < end) {
          byte b = buf[i];
          if (b == '\n' || b == '\r') {
            break;
          }
          if (b < 0) {
            ascii = false;
          }
          i++;
        }
        int len = i - pos;
        if (len > 0) {
          if ((long) n + len > maxLineBytes) {
            throw new ConfigException(
                source
                    + ":"
                    + (lineNumber + 1)
                    + ": the line is longer than "
                    + maxLineBytes
                    + " bytes; expected shorter lines (text is read line by line, so a line is"
                    + " held whole in memory)");
          }
          if (n + len > line.length) {
            line = Arrays.copyOf(line, Math.max(n + len, line.length * 2));
          }
          System.arraycopy(buf, pos, line, n, len);
          n += len;
          offset += len;
          any = true;
        }
        if (i < end) {
          skipLf = buf[i] == '\r';
          pos = i + 1;
          offset++;
          any = true;
          break;
        }
        pos = i;
      }
      lineNumber++;
      return ascii
          ? new String(line, 0, n, StandardCharsets.ISO_8859_1)
          : decodeLine(n, lineOffset);
    }

    private String decodeLine(int n, long lineOffset) {
      ByteBuffer bb = ByteBuffer.wrap(line, 0, n);
      CharBuffer out = CharBuffer.allocate(n);
      decoder.reset();
      CoderResult r = decoder.decode(bb, out, true);
      if (!r.isError()) {
        r = decoder.flush(out);
      }
      if (r.isError()) {
        int at = bb.position();
        throw notUtf8(source, lineNumber, lineOffset + at, line, at, at);
      }
      out.flip();
      return out.toString();
    }

    /** Reads when the buffer is used up; false at the end of the stream. */
    private boolean fill() throws IOException {
      if (pos < end) {
        return true;
      }
      pos = 0;
      end = 0;
      return fillMore();
    }

    /** Appends what the stream has after the bytes already buffered; false at its end. */
    private boolean fillMore() throws IOException {
      if (pos > 0 && pos == end) {
        pos = 0;
        end = 0;
      }
      int r = in.read(buf, end, buf.length - end);
      if (r <= 0) {
        return false;
      }
      end += r;
      return true;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
