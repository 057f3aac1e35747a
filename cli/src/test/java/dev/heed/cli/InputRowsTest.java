package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputRowsTest {
  private static final List<String> INPUTS = List.of("a", "b", "c");

  private static List<double[]> read(String text) throws IOException {
    return new InputRows("in.csv", INPUTS).read(new BufferedReader(new StringReader(text)));
  }

  private static String error(String text) {
    return assertThrows(BadInputException.class, () -> read(text)).getMessage();
  }

  @Test
  void csvWithHeaderInAnyOrderAndExtraColumns() throws IOException {
    List<double[]> rows = read("c,label,a,b\n3,9,1,2\n\n6,9,4,5\n");
    assertEquals(2, rows.size());
    assertArrayEquals(new double[] {1, 2, 3}, rows.get(0));
    assertArrayEquals(new double[] {4, 5, 6}, rows.get(1));
  }

  @Test
  void csvWithoutHeader() throws IOException {
    assertArrayEquals(new double[] {1, 2, 3.5e-3}, read("1,2,3.5e-3\n").get(0));
  }

  @Test
  void csvWithQuotedHeader() throws IOException {
    assertArrayEquals(new double[] {1, 2, 3}, read("\"a\",\"b\",\"c\"\n1,2,3\n").get(0));
  }

  @Test
  void jsonArraysAndObjects() throws IOException {
    List<double[]> rows = read("[1, 2, 3]\n{\"c\": 6, \"a\": 4, \"b\": 5}\n");
    assertArrayEquals(new double[] {1, 2, 3}, rows.get(0));
    assertArrayEquals(new double[] {4, 5, 6}, rows.get(1));
  }

  @Test
  void errorsNameTheFileLineAndWhatIsExpected() {
    assertEquals(
        "in.csv: missing column 'b'; header found: a,c; the model's inputs are: a,b,c",
        error("a,c\n1,2\n"));
    assertEquals("in.csv:2: 2 values, expected 3 (a, b, c)", error("1,2,3\n1,2\n"));
    assertEquals(
        "in.csv:2: column 2 ('b'): found 'x', expected a finite decimal number such as 1.5 or"
            + " -2e-3",
        error("a,b,c\n1,x,3\n"));
    assertEquals("in.csv:1: 2 values, expected 3 (a, b, c)", error("[1, 2]\n"));
    assertTrue(error("{\"a\": 1, \"c\": 2}").startsWith("in.csv:1: missing key 'b'"));
    assertTrue(error("[1, 2, \"x\"]").contains("'c' must be a number"));
    assertTrue(error("[1, 2,").startsWith("in.csv:1: not valid JSON"));
    assertTrue(error("\n\n").contains("no input rows"));
    assertTrue(error("\"a,b\n").contains("in.csv:1: column 1: found a quote that is never closed"));
  }

  @Test
  void csvCellsAreQuotedWhenNeeded() {
    assertEquals("plain", InputRows.cell("plain"));
    assertEquals("\"a,b\"", InputRows.cell("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", InputRows.cell("say \"hi\""));
  }
}
