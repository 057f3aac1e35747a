package dev.heed.assembly.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.ConfigException;
import dev.heed.core.data.Dataset;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules every Heed text reader shares (issue 16.7, 16.9, 16.12): strict UTF-8 with file, line
 * and byte offset; a leading byte order mark skipped; finite decimal numbers only; header names
 * non-empty and unique; an oversized config refused before it is parsed.
 */
class InputRulesTest {
  @TempDir Path tmp;

  private Path file(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private Path csv(String text) throws IOException {
    return file("d.csv", text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<float[]> rows(Path csv) throws IOException {
    CsvDataset d = new CsvDataset(csv, ',', List.of("x", "y"), List.of("t"), List.of());
    List<float[]> out = new ArrayList<>();
    try (Dataset.RowReader r = d.open()) {
      float[] row = new float[3];
      while (r.next(row)) {
        out.add(row.clone());
      }
    }
    return out;
  }

  private static String refusal(Path csv) {
    return assertThrows(ConfigException.class, () -> rows(csv)).getMessage();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NaN", "Infinity", "-Infinity", "1e999", "-1e39", "1d", "2f", "0x1p3", "1.5D", ""})
  void nonFiniteAndJavaOnlyNumbersAreRefusedWithFileLineAndColumn(String cell) throws IOException {
    Path p = csv("x,y,t\n1,2,3\n4," + cell + ",6\n");
    String m = refusal(p);
    assertTrue(m.startsWith(p + ":3: column 2 ('y')"), m);
    assertTrue(m.contains("'" + cell + "'") && m.contains("finite decimal number"), m);
  }

  @Test
  void plainDecimalNumbersAreAccepted() throws IOException {
    List<float[]> r = rows(csv("x,y,t\n-1.5,+2e3,.25\n3.,1E-2,0\n"));
    assertEquals(-1.5f, r.get(0)[0]);
    assertEquals(2000f, r.get(0)[1]);
    assertEquals(0.25f, r.get(0)[2]);
    assertEquals(3f, r.get(1)[0]);
  }

  @Test
  void duplicateHeaderNamesAreRefused() throws IOException {
    Path p = csv("x,y,x,t\n1,2,3,4\n");
    String m = refusal(p);
    assertTrue(m.startsWith(p + ":1: column 3: found the header name 'x' again"), m);
    ConfigException e = assertThrows(ConfigException.class, () -> CsvFormat.header(p, ','));
    assertTrue(e.getMessage().contains("column 3"), e.getMessage());
  }

  @Test
  void emptyHeaderNamesAreRefused() throws IOException {
    Path p = csv("x,,y,t\n1,2,3,4\n");
    String m = refusal(p);
    assertTrue(m.startsWith(p + ":1: column 2: found an empty header name"), m);
  }

  @Test
  void aByteOrderMarkIsSkipped() throws IOException {
    Path p = csv("\uFEFFx,y,t\r\n1,2,3\r\n");
    assertEquals(List.of("x", "y", "t"), CsvFormat.header(p, ','));
    assertEquals(1, rows(p).size());
  }

  @Test
  void latin1CsvIsRefusedWithLineAndByteOffset() throws IOException {
    byte[] head = "x,y,t\n1,2,3\n".getBytes(StandardCharsets.US_ASCII);
    byte[] bad = "4,5,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + bad.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bad, 0, all, head.length, bad.length);
    Path p = file("latin1.csv", all);
    String m = refusal(p);
    assertTrue(m.startsWith(p + ":3: byte offset " + (head.length + 7)), m);
    assertTrue(m.contains("0xE9") && m.contains("UTF-8"), m);
  }

  @Test
  void latin1HeaderIsRefusedByTheConfigLoader() throws IOException {
    Path p = file("latin1.csv", "x,\u00e9,t\n1,2,3\n".getBytes(StandardCharsets.ISO_8859_1));
    Path c = config(p.getFileName().toString(), "regression");
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of()));
    assertTrue(e.getMessage().contains(p + ":1: byte offset 2"), e.getMessage());
  }

  @Test
  void latin1LabelIsRefusedWhenClassesAreScanned() throws IOException {
    Path p =
        file("latin1.csv", "x,y,t\n1,2,a\n1,2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    Path c = config(p.getFileName().toString(), "classification");
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of()));
    assertTrue(e.getMessage().contains(p + ":3: byte offset 19"), e.getMessage());
  }

  @Test
  void latin1ConfigIsRefusedWithLineAndByteOffset() throws IOException {
    Path c =
        file(
            "latin1.yaml",
            "seed: 1\n# caf\u00e9\nbackend: cpu\n".getBytes(StandardCharsets.ISO_8859_1));
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of()));
    assertTrue(e.getMessage().startsWith(c + ":2: byte offset 13"), e.getMessage());
  }

  @Test
  void anOversizedConfigIsRefusedBeforeItIsParsed() throws IOException {
    Path c = tmp.resolve("huge.yaml");
    byte[] chunk = new byte[1 << 16];
    java.util.Arrays.fill(chunk, (byte) 'a');
    try (OutputStream o = Files.newOutputStream(c)) {
      o.write("seed: ".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 128; i++) { // 8 MiB of one scalar
        o.write(chunk);
      }
      o.write('\n');
    }
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(c, List.of()));
    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    assertTrue(e.getMessage().contains("nothing was parsed"), e.getMessage());
  }

  @Test
  void utf8LinesKeepCountingAcrossLineEndings() throws IOException {
    Path p = file("mixed.txt", "\uFEFFa\r\nb\rc\n\u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    try (Utf8Text.Lines l = Utf8Text.lines(p)) {
      for (String s = l.next(); s != null; s = l.next()) {
        lines.add(l.lineNumber() + ":" + s);
      }
    }
    assertEquals(List.of("1:a", "2:b", "3:c", "4:\u00e9t\u00e9"), lines);
  }

  @Test
  void linesSurviveAnyReadBoundary() throws IOException {
    String longLine = "\u00e9".repeat(70_000);
    String text = "\uFEFFa\r\n" + longLine + "\r\n\r\nb\rc";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    java.io.InputStream oneByteAtATime =
        new java.io.ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
          }
        };
    List<String> lines = new ArrayList<>();
    try (Utf8Text.Lines l = Utf8Text.lines(oneByteAtATime, "standard input")) {
      for (String s = l.next(); s != null; s = l.next()) {
        lines.add(s);
      }
    }
    assertEquals(List.of("a", longLine, "", "b", "c"), lines);
    try (Utf8Text.Lines l = Utf8Text.lines(new java.io.ByteArrayInputStream(bytes), "x")) {
      List<String> again = new ArrayList<>();
      for (String s = l.next(); s != null; s = l.next()) {
        again.add(s);
      }
      assertEquals(lines, again);
    }
  }

  @Test
  void aTruncatedCharacterAtTheEndIsRefused() {
    byte[] bytes = {'a', '\n', 'b', (byte) 0xC3};
    String m =
        assertThrows(
                ConfigException.class,
                () -> {
                  try (Utf8Text.Lines l =
                      Utf8Text.lines(new java.io.ByteArrayInputStream(bytes), "standard input")) {
                    while (l.next() != null) {
                      // read to the end
                    }
                  }
                })
            .getMessage();
    assertTrue(m.startsWith("standard input:2: byte offset 3"), m);
    m =
        assertThrows(ConfigException.class, () -> Utf8Text.decode(bytes, bytes.length, "f"))
            .getMessage();
    assertTrue(m.startsWith("f:2: byte offset 3"), m);
  }

  private Path config(String csvName, String task) throws IOException {
    Path c = tmp.resolve("c.yaml");
    Files.writeString(
        c,
        """
        seed: 1
        backend: cpu
        data: {type: csv, path: %s, label_columns: [t], task: %s}
        model:
          layers:
            - {type: dense, units: 2}
        optimizer: {name: sgd, lr: 0.1}
        training: {epochs: 1, batch_size: 2}
        """
            .formatted(csvName, task));
    return c;
  }
}
