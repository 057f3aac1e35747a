package dev.heed.optimizers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the reference files that {@code fixtures/make_fixtures.py} wrote with PyTorch 1.13: lines
 * of {@code key value...}, cases between {@code case <name>} and {@code end}.
 */
final class Fixtures {
  private Fixtures() {}

  /** One case: its header lines ({@code key → rest}) and its data lines in order. */
  record Case(
      String name,
      String kind,
      Map<String, Object> options,
      Map<String, Object> group1,
      List<String[]> rows) {

    /** The numbers after the first {@code skip} tokens of a row. */
    static double[] numbers(String[] row, int skip) {
      return Arrays.stream(row, skip, row.length).mapToDouble(Double::parseDouble).toArray();
    }
  }

  static List<String> lines(String resource) {
    InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + resource);
    if (in == null) {
      throw new IllegalStateException("missing test resource fixtures/" + resource);
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> out = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The named vectors of {@code problem.txt}. */
  static Map<String, double[]> problem() {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String line : lines("problem.txt")) {
      String[] t = line.trim().split("\\s+");
      out.put(t[0], Case.numbers(t, 1));
    }
    return out;
  }

  /** The cases of {@code resource}. */
  static List<Case> cases(String resource) {
    List<Case> out = new ArrayList<>();
    String name = null;
    String kind = null;
    Map<String, Object> options = null;
    Map<String, Object> group1 = null;
    List<String[]> rows = null;
    for (String line : lines(resource)) {
      String[] t = line.trim().split("\\s+", -1);
      switch (t[0]) {
        case "case" -> {
          name = t[1];
          options = new LinkedHashMap<>();
          group1 = new LinkedHashMap<>();
          rows = new ArrayList<>();
        }
        case "optimizer", "schedule" -> kind = t[1];
        case "option" -> options.put(t[1], line.trim().split("\\s+", 3)[2]);
        case "group1" -> group1.put(t[1], t[2]);
        case "end" -> out.add(new Case(name, kind, options, group1, rows));
        default -> rows.add(t);
      }
    }
    return out;
  }

  /** Whether {@code actual} is within {@code rel} of {@code expected}, relative (floor 1e-12). */
  static boolean close(double actual, double expected, double rel) {
    return Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-12;
  }
}
