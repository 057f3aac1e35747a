package dev.heed.assembly.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.api.ConfigException;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.text.Tokenizer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A text corpus streamed from files for language modelling ({@code data: {type: corpus, …}}): plain
 * text or JSON lines, gzip-compressed or not, read one line at a time in the order the files are
 * given, tokenized (by characters or by a {@link Tokenizer}), and packed into consecutive windows
 * of {@code length} tokens whose targets are the tokens that follow them. Nothing is held beyond
 * one line and one window, so a corpus larger than memory trains with a flat heap; the trainer's
 * buffer shuffle and hashed validation split ({@link Batches}) need no pass over it either.
 *
 * <p>Token {@code i} of the encoder is id {@code i + 1}; id 0 is padding and never a target. A text
 * file contributes its lines each followed by {@code "\n"}; a JSON-lines file the string under the
 * configured field of each non-blank line, followed by the separator. The last tokens that do not
 * fill a window are left out, as {@code text} does. Immutable; each {@link #open()} is an
 * independent pass.
 */
public final class CorpusDataset implements Dataset {

  /** The longest line read, in bytes: a file without line breaks is refused, not held whole. */
  public static final int MAX_LINE_BYTES = 16 << 20;

  /** How a file holds its text. */
  public enum Format {
    /** Lines of text. */
    TEXT,
    /** One JSON object per line; the text is one string field. */
    JSONL;

    /** The format a file name suggests: JSON lines for {@code .jsonl} and {@code .ndjson}. */
    static Format of(Path file) {
      String n = file.getFileName().toString();
      if (n.endsWith(".gz")) {
        n = n.substring(0, n.length() - 3);
      }
      return n.endsWith(".jsonl") || n.endsWith(".ndjson") ? JSONL : TEXT;
    }
  }

  /** One file of the corpus. */
  public record Source(Path file, Format format) {

    /** Whether the file is gzip-compressed (its name ends in {@code .gz}). */
    public boolean gzip() {
      return file.getFileName().toString().endsWith(".gz");
    }

    /** The file's bytes, decompressed when it is gzip. */
    InputStream open() throws IOException {
      InputStream in = Files.newInputStream(file);
      if (!gzip()) {
        return in;
      }
      try {
        return new GZIPInputStream(in, 1 << 16);
      } catch (IOException e) {
        in.close();
        throw notGzip(file, e);
      }
    }
  }

  /** Turns text into token ids {@code 1 … vocabulary-1}. Thread-safe. */
  public interface Encoder {
    /**
     * Appends the ids of {@code text} to {@code out}.
     *
     * @param where the file and line, for messages
     * @throws ConfigException when the text holds something the encoder cannot take
     */
    void encode(String text, IntQueue out, String where);

    /** Ids including padding (0). */
    int vocabulary();

    /** The text of id {@code id} ({@code 1 … vocabulary-1}), for names. */
    String token(int id);
  }

  /** A growable queue of ints: appended at the end, consumed from the front. Not thread-safe. */
  public static final class IntQueue {
    private int[] a = new int[1 << 12];
    private int start;
    private int end;

    /** An empty queue. */
    public IntQueue() {}

    /** Appends {@code v}. */
    public void add(int v) {
      if (end == a.length) {
        if (start > 0 && end - start <= a.length / 2) {
          System.arraycopy(a, start, a, 0, end - start);
        } else {
          a = Arrays.copyOf(a, Math.max(a.length * 2, 16));
          System.arraycopy(a, start, a, 0, end - start);
        }
        end -= start;
        start = 0;
      }
      a[end++] = v;
    }

    /** Elements queued. */
    public int size() {
      return end - start;
    }

    /** The {@code i}-th queued element. */
    public int get(int i) {
      return a[start + i];
    }

    /** Drops the first {@code n} elements. */
    public void drop(int n) {
      start += n;
      if (start == end) {
        start = 0;
        end = 0;
      }
    }
  }

  /**
   * Characters (code points) as tokens: character {@code i} of {@code classes} is token {@code i}.
   *
   * @param skipUnknown whether characters outside {@code classes} are left out (else refused)
   */
  public static Encoder characters(List<String> classes, boolean skipUnknown) {
    return new Characters(classes, skipUnknown);
  }

  /** The ids of {@code tokenizer} (without special tokens) as tokens. */
  public static Encoder tokenizer(Tokenizer tokenizer) {
    return new Tokens(tokenizer);
  }

  private final List<Source> sources;
  private final Encoder encoder;
  private final int length;
  private final String field;
  private final String separator;
  private final SequenceLayout layout;

  /**
   * @param sources the files, in reading order
   * @param encoder the tokens
   * @param length tokens per window
   * @param field the string field of JSON-lines records
   * @param separator the text after each JSON-lines record
   */
  public CorpusDataset(
      List<Source> sources, Encoder encoder, int length, String field, String separator) {
    this.sources = List.copyOf(sources);
    this.encoder = encoder;
    this.length = length;
    this.field = field;
    this.separator = separator;
    this.layout = new SequenceLayout(length, encoder.vocabulary(), true);
  }

  /** The files, in reading order. */
  public List<Source> sources() {
    return sources;
  }

  @Override
  public List<String> inputNames() {
    return new AbstractList<>() {
      @Override
      public String get(int i) {
        return "t" + Objects.checkIndex(i, length);
      }

      @Override
      public int size() {
        return length;
      }
    };
  }

  /** {@code y<i>=<pad>}, then {@code y<i>=<token>} for each token; made on demand, not stored. */
  @Override
  public List<String> outputNames() {
    int v = encoder.vocabulary();
    return new AbstractList<>() {
      @Override
      public String get(int i) {
        Objects.checkIndex(i, length * v);
        int id = i % v;
        return "y" + (i / v) + "=" + (id == 0 ? "<pad>" : encoder.token(id));
      }

      @Override
      public int size() {
        return length * v;
      }
    };
  }

  @Override
  public boolean classification() {
    return true;
  }

  @Override
  public SequenceLayout sequence() {
    return layout;
  }

  @Override
  public RowReader open() {
    return new Reader();
  }

  /** One pass: text chunks tokenized into a queue until a window is full. */
  private final class Reader implements RowReader {
    private final Chunks chunks = new Chunks(sources, field, separator);
    private final IntQueue queue = new IntQueue();
    private long windows;

    @Override
    public boolean next(float[] row) throws IOException {
      while (queue.size() < length + 1) {
        String text = chunks.next();
        if (text == null) {
          if (windows == 0) {
            throw new ConfigException(
                "the corpus ("
                    + sources.size()
                    + (sources.size() == 1 ? " file" : " files")
                    + ", first "
                    + sources.getFirst().file()
                    + ") gives "
                    + queue.size()
                    + " tokens, expected more than data.length = "
                    + length
                    + " to make one example");
          }
          return false;
        }
        encoder.encode(text, queue, chunks.where());
      }
      int v = layout.vocabulary();
      Arrays.fill(row, length, length + length * v, 0f);
      for (int i = 0; i < length; i++) {
        row[i] = queue.get(i);
        row[length + i * v + queue.get(i + 1)] = 1f;
      }
      // the next window starts where this one's last target is
      queue.drop(length);
      windows++;
      return true;
    }

    @Override
    public void close() throws IOException {
      chunks.close();
    }
  }

  /**
   * The text of a corpus in reading order, one chunk per line of text (with its {@code "\n"}) or
   * per JSON-lines record (its field's string, then the separator). Not thread-safe.
   */
  static final class Chunks implements AutoCloseable {
    private final Iterator<Source> files;
    private final String field;
    private final String separator;
    private Source current;
    private Utf8Text.Lines lines;
    private long lineNumber;
    private boolean currentHadText;
    private long chars;

    Chunks(List<Source> sources, String field, String separator) {
      this.files = sources.iterator();
      this.field = field;
      this.separator = separator;
    }

    /** The file and line of the last chunk, for messages. */
    String where() {
      return current.file() + ":" + lineNumber;
    }

    /** UTF-16 units of the chunks so far. */
    long chars() {
      return chars;
    }

    /**
     * The next chunk, or null when every file is read.
     *
     * @throws ConfigException for an empty file, a line that is not UTF-8 or not the configured
     *     JSON, or a broken gzip stream, naming the file and line
     */
    String next() throws IOException {
      while (true) {
        if (lines == null) {
          if (!files.hasNext()) {
            return null;
          }
          current = files.next();
          lines = Utf8Text.lines(current.open(), current.file().toString(), MAX_LINE_BYTES);
          currentHadText = false;
        }
        String line = readLine();
        if (line == null) {
          lines.close();
          lines = null;
          if (!currentHadText) {
            throw new ConfigException(
                current.file()
                    + ": found no "
                    + (current.format() == Format.JSONL ? "JSON lines" : "text")
                    + ", expected corpus text (an empty file in data.paths)");
          }
          continue;
        }
        lineNumber = lines.lineNumber();
        String chunk;
        if (current.format() == Format.TEXT) {
          chunk = line + "\n";
        } else if (line.isBlank()) {
          continue;
        } else {
          chunk = text(line, current.file() + ":" + lineNumber) + separator;
        }
        currentHadText = true;
        chars += chunk.length();
        return chunk;
      }
    }

    private String readLine() throws IOException {
      try {
        return lines.next();
      } catch (ZipException | EOFException e) {
        throw notGzip(current.file(), e);
      }
    }

    /** The string under {@code field} of the JSON object on {@code line}. */
    private String text(String line, String where) {
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JacksonException e) {
        throw new ConfigException(
            where
                + ": found a line that is not JSON ("
                + e.getOriginalMessage()
                + "), expected one JSON object per line");
      }
      if (node == null || !node.isObject()) {
        throw new ConfigException(
            where
                + ": found "
                + (node == null ? "nothing" : "a JSON " + kind(node))
                + ", expected one JSON object per line");
      }
      JsonNode value = node.get(field);
      if (value == null) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        throw new ConfigException(
            where
                + ": the JSON object has no field '"
                + field
                + "' (its fields: "
                + (names.isEmpty() ? "none" : String.join(", ", names))
                + "); expected the text under data.field = '"
                + field
                + "'");
      }
      if (!value.isTextual()) {
        throw new ConfigException(
            where + ": the field '" + field + "' is a JSON " + kind(value) + ", expected a string");
      }
      return value.textValue();
    }

    private static String kind(JsonNode n) {
      return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws IOException {
      if (lines != null) {
        lines.close();
        lines = null;
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static ConfigException notGzip(Path file, IOException e) {
    String why = e instanceof EOFException ? "it ends early (a truncated file?)" : e.getMessage();
    return new ConfigException(
        file + ": not a complete gzip stream: " + why + "; expected a file gzip wrote whole");
  }

  /** Characters as tokens; a table for the Basic Multilingual Plane, a map above it. */
  private static final class Characters implements Encoder {
    private final List<String> classes;
    private final boolean skipUnknown;
    private final int[] bmp = new int[1 << 16];
    private final Map<Integer, Integer> above = new HashMap<>();

    Characters(List<String> classes, boolean skipUnknown) {
      this.classes = List.copyOf(classes);
      this.skipUnknown = skipUnknown;
      for (int i = 0; i < classes.size(); i++) {
        int cp = classes.get(i).codePointAt(0);
        if (cp < bmp.length) {
          bmp[cp] = i + 1;
        } else {
          above.put(cp, i + 1);
        }
      }
    }

    @Override
    public void encode(String text, IntQueue out, String where) {
      int column = 0;
      for (int i = 0; i < text.length(); ) {
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        column++;
        int id = cp < bmp.length ? bmp[cp] : above.getOrDefault(cp, 0);
        if (id > 0) {
          out.add(id);
        } else if (!skipUnknown) {
          throw new ConfigException(
              where
                  + ": character "
                  + column
                  + " is '"
                  + Character.toString(cp)
                  + "' (U+"
                  + String.format("%04X", cp)
                  + "), which is not in the vocabulary of "
                  + classes.size()
                  + " characters (data.classes); expected one of them, or data.unknown: skip");
        }
      }
    }

    @Override
    public int vocabulary() {
      return classes.size() + 1;
    }

    @Override
    public String token(int id) {
      return classes.get(id - 1);
    }
  }

  /** A tokenizer's ids (special tokens not added) shifted by one, 0 being padding. */
  private record Tokens(Tokenizer tokenizer) implements Encoder {
    @Override
    public void encode(String text, IntQueue out, String where) {
      for (int id : tokenizer.encode(text, false).ids()) {
        out.add(id + 1);
      }
    }

    @Override
    public int vocabulary() {
      return tokenizer.vocabSize() + 1;
    }

    @Override
    public String token(int id) {
      String t = tokenizer.idToToken(id - 1);
      return t == null ? "#" + (id - 1) : t;
    }
  }

  /**
   * The distinct characters of the corpus's text, sorted, or null when it holds more than {@code
   * maxChars} UTF-16 units (reading it all when a config is loaded would then take too long; the
   * vocabulary must be given).
   */
  static List<String> characters(
      List<Source> sources, String field, String separator, long maxChars) throws IOException {
    TreeSet<Integer> set = new TreeSet<>();
    try (Chunks chunks = new Chunks(sources, field, separator)) {
      String text;
      while ((text = chunks.next()) != null) {
        if (chunks.chars() > maxChars) {
          return null;
        }
        text.codePoints().forEach(set::add);
      }
    }
    List<String> out = new ArrayList<>(set.size());
    for (int cp : set) {
      out.add(Character.toString(cp));
    }
    return out;
  }
}
