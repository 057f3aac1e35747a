package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code heed predict}'s input follows the same rules as training data (issue 16.12, 16.7, 16.13):
 * finite decimal numbers, unique non-empty header names, a byte order mark skipped, strict UTF-8
 * with line and byte offset, and one JSON value per line with nothing after it.
 */
class InputRowsRulesTest {
  private static final List<String> INPUTS = List.of("a", "b", "c");

  private static List<double[]> read(String text) throws IOException {
    return new InputRows("in.csv", INPUTS).read(new BufferedReader(new StringReader(text)));
  }

  private static List<double[]> readBytes(byte[] bytes) throws IOException {
    return new InputRows("standard input", INPUTS).read(new ByteArrayInputStream(bytes));
  }

  private static String error(String text) {
    return assertThrows(BadInputException.class, () -> read(text)).getMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e999", "1d", "2f", "0x1p3", "1e39"})
  void csvCellsMustBeFiniteDecimals(String cell) {
    String m = error("a,b,c\n1," + cell + ",3\n");
    assertTrue(m.startsWith("in.csv:2: column 2 ('b'): found '" + cell + "'"), m);
    assertTrue(m.contains("finite decimal number"), m);
  }

  @Test
  void aHeaderlessRowWithABadCellNamesTheCell() {
    String m = error("1,NaN,3\n");
    assertTrue(m.startsWith("in.csv:1: column 2 ('b'): found 'NaN'"), m);
  }

  @Test
  void duplicateAndEmptyHeaderNamesAreRefused() {
    String m = error("a,a,b,c\n1,2,3,4\n");
    assertTrue(m.startsWith("in.csv:1: column 2: found the header name 'a' again"), m);
    m = error("a,,b,c\n1,2,3,4\n");
    assertTrue(m.startsWith("in.csv:1: column 2: found an empty header name"), m);
  }

  @Test
  void aByteOrderMarkIsSkipped() throws IOException {
    assertArrayEquals(new double[] {1, 2, 3}, read("\uFEFFa,b,c\n1,2,3\n").get(0));
    assertArrayEquals(
        new double[] {1, 2, 3},
        readBytes("\uFEFFc,b,a\r\n3,2,1\r\n".getBytes(StandardCharsets.UTF_8)).get(0));
    assertArrayEquals(
        new double[] {1, 2, 3},
        readBytes("\uFEFF[1,2,3]\n".getBytes(StandardCharsets.UTF_8)).get(0));
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedWithLineAndByteOffset() {
    byte[] latin1 = "a,b,c\n1,2,3\n\u00e9,2,3\n".getBytes(StandardCharsets.ISO_8859_1);
    String m = assertThrows(BadInputException.class, () -> readBytes(latin1)).getMessage();
    assertTrue(m.startsWith("standard input:3: byte offset 12"), m);
    assertTrue(m.contains("UTF-8"), m);
  }

  @Test
  void jsonLinesWithTrailingTextAreRefused() {
    assertTrue(error("[1, 2, 3] x\n").startsWith("in.csv:1: not valid JSON"), error("[1,2,3] x"));
    assertTrue(error("[1, 2, 3]]\n").startsWith("in.csv:1: not valid JSON"));
    assertTrue(error("{\"a\":1,\"b\":2,\"c\":3} {}\n").startsWith("in.csv:1: not valid JSON"));
  }

  @Test
  void jsonNumbersMustBeFinite() {
    String m = error("[1, 1e999, 3]\n");
    assertTrue(m.startsWith("in.csv:1: 'b' must be a finite number"), m);
  }

  @Test
  void plainNumbersStillRead() throws IOException {
    assertArrayEquals(new double[] {-1.5, 2000, 0.25}, read("a,b,c\n-1.5,+2e3,.25\n").get(0));
    assertEquals(1, read("[1, 2, 3]   \n").size());
  }
}
