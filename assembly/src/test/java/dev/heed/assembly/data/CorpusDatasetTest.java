package dev.heed.assembly.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.ConfigException;
import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed {@code corpus} data set: what it reads, in which order, and what it refuses. */
class CorpusDatasetTest {
  @TempDir Path tmp;

  private static final String TEXT =
      "the quick brown fox jumps over the lazy dog\n"
          + "pack my box with five dozen liquor jugs\n"
          + "how vexingly quick daft zebras jump\n";

  private Dataset corpus(Map<String, Object> options) throws IOException {
    CorpusDatasetProvider p = new CorpusDatasetProvider();
    Options o = p.options().resolve("data set 'corpus'", options);
    return p.create(o, new DataContext(tmp, 1, false));
  }

  private static List<float[]> rows(Dataset d) throws IOException {
    List<float[]> out = new ArrayList<>();
    float[] row = new float[d.inputs() + d.outputs()];
    Arrays.fill(row, 7f); // rows are reused by readers: every value must be written
    try (Dataset.RowReader r = d.open()) {
      while (r.next(row)) {
        out.add(row.clone());
      }
    }
    return out;
  }

  private Path write(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private Path gzip(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.createDirectories(f.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }

  @Test
  void givesTheRowsOfTheInMemoryTextDataSet() throws IOException {
    Path f = write("a.txt", TEXT);
    Dataset streamed = corpus(Map.of("paths", List.of("a.txt"), "length", 8));
    List<String> classes = TextDataset.characters(TEXT);
    Dataset whole = TextDataset.of(f, classes, 8);
    assertEquals(whole.sequence(), streamed.sequence());
    assertEquals(whole.inputNames(), List.copyOf(streamed.inputNames()));
    assertEquals(whole.outputNames(), List.copyOf(streamed.outputNames()));
    List<float[]> a = rows(whole);
    List<float[]> b = rows(streamed);
    assertEquals(a.size(), b.size());
    assertEquals((TEXT.length() - 1) / 8, b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "row " + i);
    }
    assertEquals(b.size(), rows(streamed).size(), "a second pass gives the same rows");
  }

  @Test
  void filesGlobsAndGzipReadInOrderAsOneText() throws IOException {
    String[] parts = TEXT.split("(?<=\n)");
    write("parts/1.txt", parts[0]);
    gzip("parts/2.txt.gz", parts[1]);
    write("parts/3.txt", parts[2]);
    write("parts/skip.md", "not matched\n");
    write("all.txt", TEXT);
    List<String> classes = TextDataset.characters(TEXT);
    Dataset pieces =
        corpus(Map.of("paths", List.of("parts/*.txt*"), "length", 5, "classes", classes));
    Dataset whole = corpus(Map.of("paths", List.of("all.txt"), "length", 5, "classes", classes));
    List<float[]> a = rows(whole);
    List<float[]> b = rows(pieces);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "row " + i);
    }
  }

  @Test
  void jsonLinesGiveTheirFieldWithTheSeparator() throws IOException {
    write(
        "docs.jsonl",
        "{\"id\": 1, \"text\": \"the quick brown fox jumps over the lazy dog\"}\n"
            + "\n"
            + "{\"text\": \"pack my box with five dozen liquor jugs\", \"id\": 2}\n"
            + "{\"id\": 3, \"text\": \"how vexingly quick daft zebras jump\"}\n");
    write("plain.txt", TEXT);
    List<String> classes = TextDataset.characters(TEXT);
    Dataset json = corpus(Map.of("paths", List.of("docs.jsonl"), "length", 6, "classes", classes));
    Dataset text = corpus(Map.of("paths", List.of("plain.txt"), "length", 6, "classes", classes));
    List<float[]> a = rows(text);
    List<float[]> b = rows(json);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "row " + i);
    }
  }

  @Test
  void findsTheVocabularyAndRecordsFilesAndCharacters() throws IOException {
    write("b/x.txt", "ba\n");
    write("b/y.txt", "cab\n");
    CorpusDatasetProvider p = new CorpusDatasetProvider();
    Options o = p.options().resolve("data set 'corpus'", Map.of("paths", List.of("b/*.txt")));
    DataContext ctx = new DataContext(tmp, 1, false);
    Dataset d = p.create(o, ctx);
    assertEquals(5, d.sequence().vocabulary(), "padding, line break, a, b, c");
    Map<String, Object> rec = p.recorded(o, d, ctx);
    assertEquals(List.of("\n", "a", "b", "c"), rec.get("classes"));
    assertEquals(
        List.of(tmp.resolve("b/x.txt").toString(), tmp.resolve("b/y.txt").toString()),
        rec.get("paths"));
    // the recorded options describe the same data set, and reopen without the files
    Files.delete(tmp.resolve("b/x.txt"));
    Files.delete(tmp.resolve("b/y.txt"));
    Map<String, Object> again = new HashMap<>(rec);
    Dataset reopened =
        p.create(p.options().resolve("data set 'corpus'", again), new DataContext(tmp, 1, true));
    assertEquals(d.sequence(), reopened.sequence());
    assertEquals(List.copyOf(d.outputNames()), List.copyOf(reopened.outputNames()));
  }

  @Test
  void unknownCharactersAreNamedOrSkipped() throws IOException {
    write("u.txt", "abab\nab\u00e9ab\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                rows(
                    corpus(
                        Map.of(
                            "paths", List.of("u.txt"),
                            "length", 2,
                            "classes", List.of("a", "b", "\n")))));
    assertTrue(
        e.getMessage().contains("u.txt:2: character 3 is '\u00e9' (U+00E9)"), e.getMessage());
    List<float[]> skipped =
        rows(
            corpus(
                Map.of(
                    "paths",
                    List.of("u.txt"),
                    "length",
                    2,
                    "classes",
                    List.of("a", "b", "\n"),
                    "unknown",
                    "skip")));
    assertEquals((10 - 1) / 2, skipped.size(), "a b a b \\n a b a b \\n: 10 tokens");
  }

  @Test
  void badFilesAreRefusedWithTheirNames() throws IOException {
    write("empty.txt", "");
    OptionsException e =
        assertThrows(OptionsException.class, () -> corpus(Map.of("paths", List.of("empty.txt"))));
    assertEquals("paths[0]", e.option());
    assertTrue(e.getMessage().contains("empty.txt is empty"), e.getMessage());

    e =
        assertThrows(
            OptionsException.class, () -> corpus(Map.of("paths", List.of("missing/*.txt"))));
    assertTrue(e.getMessage().contains("no directory"), e.getMessage());
    write("some/a.md", "x\n");
    e = assertThrows(OptionsException.class, () -> corpus(Map.of("paths", List.of("some/*.txt"))));
    assertTrue(e.getMessage().contains("matches no file"), e.getMessage());

    write("fake.txt.gz", "plain text\n");
    e = assertThrows(OptionsException.class, () -> corpus(Map.of("paths", List.of("fake.txt.gz"))));
    assertTrue(e.getMessage().contains("is not gzip"), e.getMessage());

    // a gzip file cut short: refused when read, naming it
    Path whole = gzip("whole.txt.gz", TEXT.repeat(50));
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(tmp.resolve("cut.txt.gz"), Arrays.copyOf(bytes, bytes.length / 2));
    List<String> classes = TextDataset.characters(TEXT);
    Dataset cut = corpus(Map.of("paths", List.of("cut.txt.gz"), "classes", classes, "length", 4));
    ConfigException c = assertThrows(ConfigException.class, () -> rows(cut));
    assertTrue(c.getMessage().contains("cut.txt.gz: not a complete gzip stream"), c.getMessage());

    // an empty gzip stream holds no text
    gzip("nothing.txt.gz", "");
    Dataset nothing =
        corpus(Map.of("paths", List.of("nothing.txt.gz", "whole.txt.gz"), "classes", classes));
    c = assertThrows(ConfigException.class, () -> rows(nothing));
    assertTrue(c.getMessage().contains("nothing.txt.gz: found no text"), c.getMessage());

    // too little text for one example
    write("short.txt", "ab\n");
    c =
        assertThrows(
            ConfigException.class,
            () -> rows(corpus(Map.of("paths", List.of("short.txt"), "length", 10))));
    assertTrue(c.getMessage().contains("gives 3 tokens, expected more than"), c.getMessage());

    // not UTF-8
    Files.write(tmp.resolve("latin1.txt"), new byte[] {'a', 'b', '\n', 'a', (byte) 0xE9, '\n'});
    c =
        assertThrows(
            ConfigException.class,
            () ->
                rows(
                    corpus(
                        Map.of(
                            "paths",
                            List.of("latin1.txt"),
                            "classes",
                            List.of("a", "b", "\n"),
                            "length",
                            2))));
    assertTrue(c.getMessage().contains("latin1.txt:2"), c.getMessage());
  }

  @Test
  void badJsonLinesAreNamedWithFileAndLine() throws IOException {
    List<String> classes = List.of("a", "b", "\n");
    write("missing.jsonl", "{\"text\": \"abab\"}\n{\"body\": \"ab\", \"id\": 4}\n");
    ConfigException c =
        assertThrows(
            ConfigException.class,
            () ->
                rows(
                    corpus(
                        Map.of(
                            "paths", List.of("missing.jsonl"), "classes", classes, "length", 2))));
    assertTrue(
        c.getMessage()
            .contains(
                "missing.jsonl:2: the JSON object has no field 'text' (its fields:" + " body, id)"),
        c.getMessage());

    write("broken.jsonl", "{\"text\": \"abab\"}\n{\"text\": \"ab\"\n");
    c =
        assertThrows(
            ConfigException.class,
            () ->
                rows(
                    corpus(
                        Map.of(
                            "paths", List.of("broken.jsonl"), "classes", classes, "length", 2))));
    assertTrue(
        c.getMessage().contains("broken.jsonl:2: found a line that is not JSON"), c.getMessage());

    write("number.jsonl", "{\"text\": \"abab\"}\n{\"text\": 12}\n");
    c =
        assertThrows(
            ConfigException.class,
            () ->
                rows(
                    corpus(
                        Map.of(
                            "paths", List.of("number.jsonl"), "classes", classes, "length", 2))));
    assertTrue(
        c.getMessage().contains("number.jsonl:2: the field 'text' is a JSON number"),
        c.getMessage());
  }

  @Test
  void aLineLongerThanTheLimitIsRefusedNotHeld() throws IOException {
    byte[] big = new byte[1000];
    Arrays.fill(big, (byte) 'a');
    try (Utf8Text.Lines lines =
        Utf8Text.lines(new java.io.ByteArrayInputStream(big), "big.txt", 100)) {
      ConfigException c = assertThrows(ConfigException.class, lines::next);
      assertTrue(c.getMessage().contains("big.txt:1: the line is longer than 100 bytes"));
    }
    try (Utf8Text.Lines lines =
        Utf8Text.lines(new java.io.ByteArrayInputStream("ab\ncd\n".getBytes()), "ok.txt", 2)) {
      assertEquals("ab", lines.next());
      assertEquals("cd", lines.next());
      assertEquals(null, lines.next());
    }
    assertFalse(CorpusDataset.MAX_LINE_BYTES < 1 << 20);
  }
}
