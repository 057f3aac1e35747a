package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed data and overrides through the whole command line (issue 16.7, 16.9, 16.12, 16.13): CSV
 * cells that are not finite decimals, bad header names, bytes that are not UTF-8, an oversized
 * config, JSON lines with trailing text, and {@code --set} values that cannot mean anything. Each
 * exits with status 2, names the file and place, prints no stack trace and writes no run.
 */
class BadDataCorpusTest {
  @TempDir static Path dir;
  static Path run;

  private static final String HEADER = "x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,y0,y1,y2,y3,y4";
  private static final String INPUTS = "x0,x1,x2,x3,x4,x5,x6,x7,x8,x9";

  /** One malformed invocation, its standard input bytes, and the fragments its message holds. */
  record Case(String name, List<String> args, byte[] stdin, List<String> expected) {}

  @BeforeAll
  static void aRun() {
    run = dir.resolve("run");
    Heeds.run(
            "train",
            EndToEndTest.SEED_SIMPLE.toString(),
            "--set",
            "training.epochs=1",
            "--set",
            "data.examples=100",
            "--backend",
            "cpu",
            "--out",
            run.toString())
        .expect(0);
  }

  private static Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static String row(String cell) {
    return "1," + cell + ",0,0,0,0,0,0,0,0,0,0,0,0,0";
  }

  private static String inputRow(String cell) {
    return "1," + cell + ",0,0,0,0,0,0,0,0";
  }

  static List<Case> cases() throws IOException {
    String r = run.toString();
    String cfg = EndToEndTest.SEED_SIMPLE.toString();
    String out = dir.resolve("never").toString();
    List<Case> cases = new ArrayList<>();
    List<String> notNumbers =
        List.of(
            "NaN",
            "Infinity",
            "-Infinity",
            "1e999",
            "-3.5e38",
            "1d",
            "2f",
            "1.5D",
            "0x1p3",
            "0x10",
            "1.2.3",
            "--1",
            "1e",
            "e5",
            ".",
            "+",
            "",
            "1_000",
            "\u0661",
            "true",
            "1 2",
            "\"1,5\"");
    for (int k = 0; k < notNumbers.size(); k++) {
      String cell = notNumbers.get(k);
      String shown = cell.startsWith("\"") ? cell.substring(1, cell.length() - 1) : cell;
      Path evalCsv = write("eval-" + k + ".csv", HEADER + "\n" + row("0") + "\n" + row(cell));
      cases.add(
          new Case(
              "eval a CSV cell " + cell,
              List.of("eval", r, evalCsv.toString()),
              null,
              List.of(evalCsv + ":3: column 2 ('x1'): found '" + shown + "'")));
      Path predictCsv = write("predict-" + cell + ".csv", INPUTS + "\n" + inputRow(cell) + "\n");
      cases.add(
          new Case(
              "predict a CSV cell " + cell,
              List.of("predict", r, predictCsv.toString()),
              null,
              List.of(predictCsv + ":2: column 2 ('x1'): found '" + shown + "'")));
    }
    Path open = write("open-quote.csv", HEADER + "\n" + row("\"0") + "\n");
    cases.add(
        new Case(
            "eval a quote never closed",
            List.of("eval", r, open.toString()),
            null,
            List.of(open + ":2: column 2: found a quote that is never closed")));
    Path openInput = write("open-quote-input.csv", INPUTS + "\n" + inputRow("\"0") + "\n");
    cases.add(
        new Case(
            "predict a quote never closed",
            List.of("predict", r, openInput.toString()),
            null,
            List.of(openInput + ":2: column 2: found a quote that is never closed")));
    Path dup = write("dup.csv", HEADER.replace("x1,", "x0,") + "\n" + row("0") + "\n");
    cases.add(
        new Case(
            "eval a duplicate header name",
            List.of("eval", r, dup.toString()),
            null,
            List.of(dup + ":1: column 2: found the header name 'x0' again")));
    cases.add(
        new Case(
            "predict a duplicate header name",
            List.of("predict", r, dup.toString()),
            null,
            List.of(dup + ":1: column 2: found the header name 'x0' again")));
    Path empty = write("empty-name.csv", HEADER.replace("x1,", ",") + "\n" + row("0") + "\n");
    cases.add(
        new Case(
            "eval an empty header name",
            List.of("eval", r, empty.toString()),
            null,
            List.of(empty + ":1: column 2: found an empty header name")));
    cases.add(
        new Case(
            "predict an empty header name",
            List.of("predict", r, empty.toString()),
            null,
            List.of(empty + ":1: column 2: found an empty header name")));
    byte[] latin1Csv =
        (HEADER + "\n" + row("0") + "\n" + row("\u00e9")).getBytes(StandardCharsets.ISO_8859_1);
    Path latin1 = write("latin1.csv", latin1Csv);
    int at = HEADER.length() + 1 + row("0").length() + 1 + 2;
    cases.add(
        new Case(
            "eval a Latin-1 CSV",
            List.of("eval", r, latin1.toString()),
            null,
            List.of(latin1 + ":3: byte offset " + at, "UTF-8")));
    String seed = Files.readString(EndToEndTest.SEED_SIMPLE);
    Path latin1Config =
        write("latin1.yaml", ("# caf\u00e9\n" + seed).getBytes(StandardCharsets.ISO_8859_1));
    cases.add(
        new Case(
            "train a Latin-1 config",
            List.of("train", latin1Config.toString(), "--out", out),
            null,
            List.of(latin1Config + ":1: byte offset 5", "UTF-8")));
    Path huge = dir.resolve("huge.yaml");
    try (OutputStream o = Files.newOutputStream(huge)) {
      o.write("seed: ".getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[1 << 16];
      Arrays.fill(chunk, (byte) 'a');
      for (int i = 0; i < 64; i++) {
        o.write(chunk);
      }
    }
    cases.add(
        new Case(
            "train a 4 MiB config",
            List.of("train", huge.toString(), "--out", out),
            null,
            List.of(huge + ": the config file is larger than 3145728 bytes")));
    for (String line :
        List.of(
            "[1,2,3,4,5,6,7,8,9,10] x", "[1,2,3,4,5,6,7,8,9,10]]", "[1,2,3,4,5,6,7,8,9,10] []")) {
      cases.add(
          new Case(
              "predict JSON with trailing text " + line,
              List.of("predict", r, "-"),
              (line + "\n").getBytes(StandardCharsets.UTF_8),
              List.of("stdin:1: not valid JSON")));
    }
    cases.add(
        new Case(
            "predict Latin-1 from standard input",
            List.of("predict", r, "-"),
            (INPUTS + "\n" + inputRow("\u00e9") + "\n").getBytes(StandardCharsets.ISO_8859_1),
            List.of("stdin:2: byte offset " + (INPUTS.length() + 3), "UTF-8")));
    Path latin1Input =
        write(
            "latin1-input.csv",
            (INPUTS + "\n" + inputRow("\u00e9") + "\n").getBytes(StandardCharsets.ISO_8859_1));
    cases.add(
        new Case(
            "predict a Latin-1 file",
            List.of("predict", r, latin1Input.toString()),
            null,
            List.of(latin1Input + ":2: byte offset " + (INPUTS.length() + 3), "UTF-8")));
    cases.add(
        new Case(
            "predict a JSON number beyond a float",
            List.of("predict", r, "-"),
            "[1,1e999,3,4,5,6,7,8,9,10]\n".getBytes(StandardCharsets.UTF_8),
            List.of("stdin:1: 'x1' must be a finite number")));
    cases.add(
        new Case(
            "--set with an empty value",
            List.of("train", cfg, "--set", "training.epochs=", "--out", out),
            null,
            List.of("--set training.epochs=", "found no value after '='")));
    cases.add(
        new Case(
            "--set a list index beyond an int",
            List.of("train", cfg, "--set", "model.layers[99999999999].units=3", "--out", out),
            null,
            List.of("[99999999999]")));
    return cases;
  }

  private static void check(Case k) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int status =
        Main.run(
            k.args().toArray(String[]::new),
            new Io(
                new PrintWriter(o),
                new PrintWriter(e),
                new ByteArrayInputStream(k.stdin() == null ? new byte[0] : k.stdin()),
                Map.of(),
                false));
    Heeds.Result res = new Heeds.Result(status, o.toString(), e.toString());
    assertEquals(
        2,
        status,
        () -> k.name() + ": exit status; stdout:\n" + res.out() + "\nstderr:\n" + res.err());
    res.noStackTrace();
    for (String x : k.expected()) {
      assertTrue(
          res.err().contains(x), () -> k.name() + ": expected '" + x + "' in:\n" + res.err());
    }
    assertFalse(Files.exists(dir.resolve("never")), k.name() + ": wrote a run directory");
  }

  @TestFactory
  Stream<DynamicTest> malformedDataIsRefused() throws IOException {
    return cases().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> check(k)));
  }
}
