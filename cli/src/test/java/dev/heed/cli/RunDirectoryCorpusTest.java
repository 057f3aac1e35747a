package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt run directories (issue 16, deliverable a): a damaged {@code weights.safetensors}, {@code
 * trainer.json} or {@code config.yaml}, each given to {@code heed predict}, {@code heed eval} and
 * {@code heed train --resume}; then JSON-lines input to predict and more {@code --set} and command
 * lines. Every case exits with status 2, names the damaged file (and the byte, tensor, field or
 * line where one applies) on standard error, prints no stack trace, and writes nothing: the run
 * directory's files are byte-identical afterwards and no new run directory appears.
 */
class RunDirectoryCorpusTest {
  @TempDir static Path dir;
  static Path run;
  static Path data;
  static Path inputs;
  static byte[] weights;
  static String trainer;
  static List<SafeTensors.Entry> entries;

  private static final String HEADER = "x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,y0,y1,y2,y3,y4";
  private static final String INPUTS = "x0,x1,x2,x3,x4,x5,x6,x7,x8,x9";

  /**
   * One damage to a copy of the run: the file it replaces (or deletes) and what its message says.
   */
  record Damage(String name, String file, byte[] bytes, List<String> expected) {}

  @BeforeAll
  static void aRunToDamage() throws IOException {
    run = dir.resolve("run");
    Heeds.run(
            "train",
            EndToEndTest.SEED_SIMPLE.toString(),
            "--set",
            "training.epochs=1",
            "--set",
            "data.examples=60",
            "--backend",
            "cpu",
            "--out",
            run.toString())
        .expect(0);
    weights = Files.readAllBytes(run.resolve("weights.safetensors"));
    trainer = Files.readString(run.resolve("trainer.json"));
    entries = SafeTensors.entries(run.resolve("weights.safetensors"));
    data = Files.writeString(dir.resolve("data.csv"), HEADER + "\n" + "0,".repeat(14) + "0\n");
    inputs = Files.writeString(dir.resolve("inputs.csv"), INPUTS + "\n" + "0,".repeat(9) + "0\n");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long headerLength() {
    return ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  private static byte[] data() {
    return Arrays.copyOfRange(weights, (int) (8 + headerLength()), weights.length);
  }

  /** A safetensors file of {@code header} (its true length) and {@code data}. */
  private static byte[] file(String header, byte[] data) {
    byte[] h = utf8(header);
    return ByteBuffer.allocate(8 + h.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length)
        .put(h)
        .put(data)
        .array();
  }

  private static byte[] withLength(long n) {
    byte[] b = weights.clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** One header entry as JSON: {@code "name":{"dtype":..,"shape":..,"data_offsets":[b,e]}}. */
  private static String entry(String name, String dtype, String shape, String offsets) {
    return "\""
        + name
        + "\":{\"dtype\":"
        + dtype
        + ",\"shape\":"
        + shape
        + ",\"data_offsets\":"
        + offsets
        + "}";
  }

  private static String shape(SafeTensors.Entry e) {
    return Arrays.toString(e.shape().dims()).replace(" ", "");
  }

  private static String offsets(long b, long e) {
    return "[" + b + "," + e + "]";
  }

  /** The header with entry {@code k} (in data order) replaced by {@code edit}'s JSON. */
  private static String header(int k, UnaryOperator<String> edit) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      SafeTensors.Entry e = entries.get(i);
      String json = entry(e.name(), "\"F32\"", shape(e), offsets(e.begin(), e.end()));
      if (i == k || k < 0) {
        json = edit.apply(json);
      }
      if (!json.isEmpty()) {
        parts.add(json);
      }
    }
    return "{" + String.join(",", parts) + "}";
  }

  private static List<Damage> weightDamages() {
    String w = "weights.safetensors";
    SafeTensors.Entry first = entries.get(0);
    SafeTensors.Entry last = entries.get(entries.size() - 1);
    SafeTensors.Entry matrix =
        entries.stream()
            .filter(e -> e.shape().rank() == 2 && e.shape().dims()[0] != e.shape().dims()[1])
            .findFirst()
            .orElseThrow();
    int m = entries.indexOf(matrix);
    int rows = matrix.shape().dims()[0];
    int cols = matrix.shape().dims()[1];
    byte[] d = data();
    long size = weights.length;
    List<Damage> out = new ArrayList<>();
    out.add(new Damage("weights empty", w, new byte[0], List.of("0 bytes, shorter than the 8")));
    for (int n : new int[] {1, 4, 7}) {
      out.add(
          new Damage(
              "weights cut to " + n + " bytes",
              w,
              Arrays.copyOf(weights, n),
              List.of(n + " bytes, shorter than the 8-byte header length")));
    }
    out.add(
        new Damage(
            "weights only a header length",
            w,
            Arrays.copyOf(weights, 8),
            List.of("header length")));
    for (long n : new long[] {0, 1, -1, size - 7, size, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}) {
      out.add(
          new Damage(
              "weights header length " + n,
              w,
              withLength(n),
              List.of("header length " + n + " does not fit a file of " + size + " bytes")));
    }
    out.add(
        new Damage(
            "weights cut inside the header",
            w,
            Arrays.copyOf(weights, (int) (8 + headerLength() / 2)),
            List.of("header length " + headerLength())));
    out.add(
        new Damage(
            "weights cut at the data",
            w,
            Arrays.copyOf(weights, (int) (8 + headerLength())),
            List.of("data_offsets", "truncated file?")));
    out.add(
        new Damage(
            "weights missing their last 4 bytes",
            w,
            Arrays.copyOf(weights, weights.length - 4),
            List.of("'" + last.name() + "'", "truncated file?")));
    for (int extra : new int[] {1, 4, 8}) {
      out.add(
          new Damage(
              "weights with " + extra + " bytes appended",
              w,
              concat(weights, new byte[extra]),
              List.of("the file holds " + (d.length + extra) + " after the header")));
    }
    String[][] badHeaders = {
      {"not JSON", "this is not json", "at byte 8"},
      {"a JSON array", "[]", "must be a JSON object"},
      {"a JSON string", "\"weights\"", "must be a JSON object"},
      {"an unclosed object", "{\"a\":", "unexpected end of header"},
      {"text after the object", header(-2, x -> x) + " x", "unexpected text after the header"},
      {"a trailing comma", header(-2, x -> x).replaceFirst("}$", ",}"), "expected a quoted key"},
      {"a control character", "{\"a\u0001\":1}", "control character in a string"},
      {"a bad escape", "{\"a\\q\":1}", "bad escape"},
      {"a truncated unicode escape", "{\"a\\u12", "\\u escape"},
      {
        "a bad value after two-byte letters",
        "{\"\u00e9\u00e9\":x}",
        "at byte 16: unexpected character 'x'"
      },
      {"a float in the header", "{\"a\":1.5}", "only integers are allowed"},
      {"an integer beyond a long", "{\"a\":99999999999999999999}", "bad integer"},
      {"nesting 6000 deep", "{\"a\":" + "[".repeat(6000) + "]".repeat(6000) + "}", "nested"},
      {"a duplicate tensor", header(0, x -> x + "," + x), "duplicate key"},
      {"a tensor that is not an object", "{\"t\":[1,2]}", "expected an object with dtype"},
      {
        "an unknown tensor field",
        header(0, x -> x.replace("{\"dtype", "{\"dtyp\":1,\"dtype")),
        "unknown field 'dtyp'"
      },
      {"no dtype", header(0, x -> x.replace("\"dtype\":\"F32\",", "")), "missing dtype"},
      {"a numeric dtype", header(0, x -> x.replace("\"F32\"", "32")), "missing dtype"},
      {"no shape", header(0, x -> x.replaceFirst(",\"shape\":\\[[0-9,]*\\]", "")), "missing shape"},
      {
        "a negative shape",
        header(0, x -> x.replaceFirst("\"shape\":\\[", "\"shape\":[-1,")),
        "must hold non-negative integers"
      },
      {
        "a shape beyond an int",
        header(0, x -> x.replaceFirst("\"shape\":\\[", "\"shape\":[4294967296,")),
        "must hold non-negative integers"
      },
      {
        "a string in a shape",
        header(0, x -> x.replaceFirst("\"shape\":\\[", "\"shape\":[\"2\",")),
        "must hold non-negative integers"
      },
      {
        "no data_offsets",
        header(0, x -> x.replaceFirst(",\"data_offsets\":\\[[0-9,]*\\]", "")),
        "data_offsets must be [begin, end]"
      },
      {
        "three data_offsets",
        header(0, x -> x.replaceFirst("\\]}$", ",0]}")),
        "data_offsets must be [begin, end]"
      },
      {
        "string data_offsets",
        header(0, x -> x.replaceFirst("\\[0,", "[\"0\",")),
        "data_offsets must be [begin, end]"
      },
      {
        "reversed data_offsets",
        header(
            0,
            x ->
                x.replace(
                    offsets(first.begin(), first.end()), offsets(first.end(), first.begin()))),
        "lie outside"
      },
      {
        "negative data_offsets",
        header(0, x -> x.replace(offsets(first.begin(), first.end()), offsets(-4, first.end()))),
        "lie outside"
      },
      {
        "data_offsets past the end",
        header(
            entries.size() - 1,
            x ->
                x.replace(offsets(last.begin(), last.end()), offsets(last.begin(), d.length + 4L))),
        "lie outside"
      },
      {
        "overlapping tensors",
        header(
            1,
            x ->
                x.replace(
                    offsets(entries.get(1).begin(), entries.get(1).end()),
                    offsets(entries.get(1).begin() - 4, entries.get(1).end() - 4))),
        "must not overlap or leave holes"
      },
      {
        "a shape that disagrees with its offsets",
        header(0, x -> x.replaceFirst("\"shape\":\\[[0-9,]*\\]", "\"shape\":[1]")),
        "needs 4"
      },
      {
        "a shape whose size overflows",
        header(
            0,
            x ->
                x.replaceFirst(
                    "\"shape\":\\[[0-9,]*\\]",
                    "\"shape\":[65536,65536,65536,65536," + first.shape().size() + "]")),
        "is too large to load"
      },
      {
        "__metadata__ not an object",
        header(-2, x -> x).replaceFirst("^\\{", "{\"__metadata__\":[1],"),
        "__metadata__ must be an object"
      },
      {
        "a __metadata__ number",
        header(-2, x -> x).replaceFirst("^\\{", "{\"__metadata__\":{\"heed.epoch\":1},"),
        "__metadata__ value of 'heed.epoch'"
      },
    };
    for (String[] b : badHeaders) {
      out.add(new Damage("weights header " + b[0], w, file(b[1], d), List.of(b[2])));
    }
    for (String dtype : List.of("\"F8_E4M3\"", "\"U8\"", "\"f32\"", "\"\"")) {
      out.add(
          new Damage(
              "weights dtype " + dtype,
              w,
              file(header(0, x -> x.replace("\"F32\"", dtype)), d),
              List.of(
                  "'" + first.name() + "'",
                  "is not supported (supported: F16, BF16, F32, F64, I32, I64)")));
    }
    // a type Heed reads, of another element size: the offsets no longer fit the shape
    for (String dtype : List.of("F16", "BF16", "I64")) {
      out.add(
          new Damage(
              "weights dtype " + dtype + " over F32 data",
              w,
              file(header(0, x -> x.replace("\"F32\"", "\"" + dtype + "\"")), d),
              List.of("'" + first.name() + "'", "of " + dtype + " needs")));
    }
    out.add(
        new Damage(
            "weights with a hole between tensors",
            w,
            file(
                header(
                    -1,
                    x -> {
                      Matcher o = Pattern.compile("\\[(\\d+),(\\d+)\\]}$").matcher(x);
                      assertTrue(o.find());
                      long b = Long.parseLong(o.group(1));
                      long e = Long.parseLong(o.group(2));
                      return b == 0 ? x : x.replace(o.group(), offsets(b + 4, e + 4) + "}");
                    }),
                concat(
                    Arrays.copyOf(d, (int) first.end()),
                    concat(new byte[4], Arrays.copyOfRange(d, (int) first.end(), d.length)))),
            List.of("must not overlap or leave holes")));
    // consistent files that do not fit the model
    out.add(
        new Damage(
            "weights missing a tensor",
            w,
            file(header(entries.size() - 1, x -> ""), Arrays.copyOf(d, (int) last.begin())),
            List.of("the weights do not fit the model", "missing [" + last.name() + "]")));
    out.add(
        new Damage(
            "weights with an extra tensor",
            w,
            file(
                header(
                    entries.size() - 1,
                    x ->
                        x
                            + ","
                            + entry("extra", "\"F32\"", "[1]", offsets(d.length, d.length + 4))),
                concat(d, new byte[4])),
            List.of("unexpected [extra]")));
    out.add(
        new Damage(
            "weights with a renamed tensor",
            w,
            file(header(0, x -> x.replace(first.name(), first.name() + "_")), d),
            List.of("missing [" + first.name() + "]", "unexpected [" + first.name() + "_]")));
    out.add(
        new Damage(
            "weights with a transposed matrix",
            w,
            file(
                header(
                    m,
                    x -> x.replace("[" + rows + "," + cols + "]", "[" + cols + "," + rows + "]")),
                d),
            List.of("'" + matrix.name() + "' has shape", "the model expects")));
    out.add(
        new Damage(
            "weights with a flattened matrix",
            w,
            file(
                header(m, x -> x.replace("[" + rows + "," + cols + "]", "[" + rows * cols + "]")),
                d),
            List.of("'" + matrix.name() + "' has shape")));
    out.add(
        new Damage(
            "weights with an added axis",
            w,
            file(
                header(
                    m,
                    x -> x.replace("[" + rows + "," + cols + "]", "[1," + rows + "," + cols + "]")),
                d),
            List.of("'" + matrix.name() + "' has shape")));
    out.add(
        new Damage(
            "weights with no tensors",
            w,
            file("{}", new byte[0]),
            List.of("the weights do not fit the model", "missing [")));
    // the header is strict JSON in strict UTF-8: these were read as if valid
    byte[] latin1 =
        header(-2, x -> x)
            .replaceFirst("^\\{", "{\"__metadata__\":{\"note\":\"caf\u00e9\"},")
            .getBytes(StandardCharsets.ISO_8859_1);
    out.add(
        new Damage(
            "weights header in Latin-1",
            w,
            concat(
                ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(latin1.length)
                    .array(),
                concat(latin1, d)),
            List.of("at byte " + (8 + "{\"__metadata__\":{\"note\":\"caf".length()), "UTF-8")));
    out.add(
        new Damage(
            "weights header a digit that is not ASCII",
            w,
            file(
                header(0, x -> x.replace("\"data_offsets\":[0,", "\"data_offsets\":[0\u0660,")), d),
            List.of("at byte", "expected ',' or ']'")));
    out.add(
        new Damage(
            "weights header a space that is not JSON's",
            w,
            file("{\u2003" + header(-2, x -> x).substring(1), d),
            List.of("at byte 9", "expected a quoted key")));
    out.add(new Damage("weights missing", w, null, List.of("missing")));
    return out;
  }

  /** trainer.json with the {@code n}th (from 1) value of {@code key} replaced by {@code value}. */
  private static String field(String key, int n, String value) {
    Matcher f =
        Pattern.compile("\"" + key + "\" : ([^,\\n]+|\\[[^\\]]*\\]|\\{[^}]*\\})").matcher(trainer);
    for (int i = 0; i < n; i++) {
      assertTrue(f.find(), () -> key + " #" + n + " in " + trainer);
    }
    return trainer.substring(0, f.start(1)) + value + trainer.substring(f.end(1));
  }

  private static String without(String key) {
    return trainer.replaceFirst("\\s*\"" + key + "\" : [^,\\n]+,", "");
  }

  private static List<Damage> trainerDamages() {
    String t = "trainer.json";
    List<Damage> out = new ArrayList<>();
    Object[][] cases = {
      {"empty", "", "empty"},
      {"blank", "  \n", "expected a JSON object"},
      {"an empty object", "{}", "missing field"},
      {"an array", "[]", ""},
      {"null", "null", ""},
      {"a string", "\"x\"", ""},
      {"cut in half", trainer.substring(0, trainer.length() / 2), "malformed JSON"},
      {"trailing garbage", trainer + "x", "malformed JSON"},
      {"a second object", trainer + "{}", "malformed JSON"},
      {"a NUL byte", trainer.replaceFirst("\\{", "{\u0000"), "malformed JSON"},
      {"format 2", field("format", 1, "2"), "format"},
      {"format as a string", field("format", 1, "\"1\""), "format"},
      {"epoch -1", field("epoch", 1, "-1"), "epoch"},
      {"epoch 1e30", field("epoch", 1, "1e30"), "out of range"},
      {"epoch 1e400", field("epoch", 1, "1e400"), "out of range"},
      {"step -1e400", field("step", 1, "-1e400"), "out of range"},
      {"epoch 1.5", field("epoch", 1, "1.5"), "epoch"},
      {"epoch as a string", field("epoch", 1, "\"1\""), "epoch"},
      {"epoch null", field("epoch", 1, "null"), "epoch"},
      {"epoch beyond an int", field("epoch", 1, "99999999999"), "epoch"},
      {"step -1", field("step", 1, "-1"), "step"},
      {"step beyond a long", field("step", 1, "99999999999999999999"), "step"},
      {"seed as a string", field("seed", 1, "\"x\""), "seed"},
      {
        "forward_seed_position -5", field("forward_seed_position", 1, "-5"), "forward_seed_position"
      },
      {"elapsed_millis as a list", field("elapsed_millis", 1, "[]"), "elapsed_millis"},
      {"best_loss as a string", field("best_loss", 1, "\"low\""), "best_loss"},
      {"bad_epochs -1", field("bad_epochs", 1, "-1"), "bad_epochs"},
      {"schedule_state a list", field("schedule_state", 1, "[1]"), "schedule_state"},
      {"schedule_state of strings", field("schedule_state", 1, "{\"lr\":\"x\"}"), "schedule_state"},
      {"stop_reason a number", field("stop_reason", 1, "5"), "stop_reason"},
      {
        "history an object",
        trainer
            .replaceFirst("\"history\" : \\[", "\"history\" : {\"a\":[")
            .replaceFirst("\\]\\s*}\\s*$", "]}}"),
        "history"
      },
      {"history epoch 0", field("epoch", 2, "0"), "history[0].epoch"},
      {"history train_loss a string", field("train_loss", 1, "\"x\""), "history[0].train_loss"},
      {"history elapsed_millis -1", field("elapsed_millis", 2, "-1"), "history[0].elapsed_millis"},
      {"no epoch", without("epoch"), "epoch"},
      {"no step", without("step"), "step"},
      {"no seed", without("seed"), "seed"},
    };
    for (Object[] c : cases) {
      out.add(
          new Damage(
              "trainer.json " + c[0],
              t,
              utf8((String) c[1]),
              ((String) c[2]).isEmpty() ? List.of() : List.of((String) c[2])));
    }
    out.add(
        new Damage(
            "trainer.json in Latin-1",
            t,
            trainer.replaceFirst("\\{", "{\"caf\u00e9\":1,").getBytes(StandardCharsets.ISO_8859_1),
            List.of("malformed JSON")));
    out.add(new Damage("trainer.json missing", t, null, List.of("trainer.json")));
    return out;
  }

  private static List<Damage> configDamages() {
    String c = "config.yaml";
    return List.of(
        new Damage("config.yaml empty", c, new byte[0], List.of()),
        new Damage("config.yaml not YAML", c, utf8("model: [\n"), List.of()),
        new Damage("config.yaml a list", c, utf8("- 1\n- 2\n"), List.of()),
        new Damage("config.yaml with an unknown key", c, utf8("modle: {}\n"), List.of("'modle'")),
        new Damage(
            "config.yaml in Latin-1",
            c,
            "# caf\u00e9\nseed: 1\n".getBytes(StandardCharsets.ISO_8859_1),
            List.of("byte offset 5")),
        new Damage("config.yaml missing", c, null, List.of("config.yaml")));
  }

  /** Each file of {@code root} (relative name) with its bytes. */
  private static Map<String, String> snapshot(Path root) {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted().toList()) {
        String name = root.relativize(p).toString();
        m.put(
            name,
            Files.isDirectory(p)
                ? "dir"
                : java.util.HexFormat.of().formatHex(Files.readAllBytes(p))
                    + Files.getPosixFilePermissions(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  private static int copies;

  private static Path damaged(Damage k) throws IOException {
    Path copy = dir.resolve("damaged-" + copies++);
    EndToEndTest.copyDir(run, copy);
    Path f = copy.resolve(k.file());
    if (k.bytes() == null) {
      Files.delete(f);
    } else {
      Files.write(f, k.bytes());
    }
    return copy;
  }

  private static void check(Damage k, String command) throws IOException {
    Path copy = damaged(k);
    Map<String, String> before = snapshot(copy);
    List<String> args =
        switch (command) {
          case "predict" -> List.of("predict", copy.toString(), inputs.toString());
          case "eval" -> List.of("eval", copy.toString(), data.toString());
          default -> List.of("train", "--resume", copy.toString(), "--backend", "cpu");
        };
    Heeds.Result r = Heeds.run(args.toArray(String[]::new));
    String what = k.name() + " (" + command + ")";
    assertEquals(
        2, r.status(), () -> what + ": exit status; stdout:\n" + r.out() + "\nstderr:\n" + r.err());
    r.noStackTrace();
    assertTrue(r.err().startsWith("heed"), () -> what + ": message names heed:\n" + r.err());
    // a missing file is named by its directory and its name
    assertTrue(
        r.err().contains(copy.resolve(k.file()).toString())
            || (k.bytes() == null
                && r.err().contains(copy.toString())
                && r.err().contains(k.file())),
        () -> what + ": the message names " + copy.resolve(k.file()) + ":\n" + r.err());
    for (String x : k.expected()) {
      assertTrue(r.err().contains(x), () -> what + ": expected '" + x + "' in:\n" + r.err());
    }
    assertEquals(before, snapshot(copy), what + ": the run directory changed");
  }

  @TestFactory
  Stream<DynamicTest> damagedRunDirectoriesAreRefused() {
    List<DynamicTest> tests = new ArrayList<>();
    List<Damage> all = new ArrayList<>(weightDamages());
    all.addAll(trainerDamages());
    all.addAll(configDamages());
    for (Damage k : all) {
      for (String command : List.of("predict", "eval", "resume")) {
        if (k.name().equals("trainer.json missing") && command.equals("resume")) {
          continue; // a run killed before its first checkpoint: --resume starts it again
        }
        tests.add(
            DynamicTest.dynamicTest(k.name() + " (" + command + ")", () -> check(k, command)));
      }
    }
    return tests.stream();
  }

  /** JSON lines to predict, each with the line and what its message says. */
  static List<String[]> jsonLines() {
    String ok = "[0,1,2,3,4,5,6,7,8,9]";
    return List.of(
        new String[] {"[]", "1", "0 values, expected 10"},
        new String[] {"[1,2,3,4,5,6,7,8,9]", "1", "9 values, expected 10"},
        new String[] {"[1,2,3,4,5,6,7,8,9,10,11]", "1", "11 values, expected 10"},
        new String[] {"[1,2,3,4,5,6,7,8,9,\"10\"]", "1", "'x9' must be a number, found \"10\""},
        new String[] {"[1,2,3,4,5,6,7,8,9,null]", "1", "'x9' must be a number, found null"},
        new String[] {"[1,2,3,4,5,6,7,8,9,true]", "1", "'x9' must be a number"},
        new String[] {"[1,2,3,4,5,6,7,8,9,[10]]", "1", "'x9' must be a number"},
        new String[] {"[1,2,3,4,5,6,7,8,9,{}]", "1", "'x9' must be a number"},
        new String[] {"[1,2,3,4,5,6,7,8,9,NaN]", "1", "not valid JSON"},
        new String[] {"[1,2,3,4,5,6,7,8,9,Infinity]", "1", "not valid JSON"},
        new String[] {"[1,2,3,4,5,6,7,8,9,-1e39]", "1", "'x9' must be a finite number"},
        new String[] {"[1,2,3,4,5,6,7,8,9,10,]", "1", "not valid JSON"},
        new String[] {"[1,2,3,4,5,6,7,8,9,10", "1", "not valid JSON"},
        new String[] {"[1,2,3,4,5,6,7,8,9,010]", "1", "not valid JSON"},
        new String[] {"[1,2,3,4,5,6,7,8,9,0x1]", "1", "not valid JSON"},
        new String[] {"[1,2,3,4,5,6,7,8,9,'1']", "1", "not valid JSON"},
        new String[] {"{}", "1", "missing key 'x0'; keys found: (none)"},
        new String[] {"{\"x0\":1}", "1", "missing key 'x1'; keys found: x0"},
        new String[] {"{\"X0\":1,\"x1\":2}", "1", "missing key 'x0'"},
        new String[] {
          "{\"x0\":0,\"x1\":1,\"x2\":2,\"x3\":3,\"x4\":4,\"x5\":5,\"x6\":6,\"x7\":7,\"x8\":8,\"x9\":\"9\"}",
          "1",
          "'x9' must be a number"
        },
        new String[] {"{\"x0\":", "1", "not valid JSON"},
        new String[] {"{\"x0\":1}}", "1", "not valid JSON"},
        new String[] {ok + "\n[1,2]", "2", "2 values, expected 10"},
        new String[] {ok + "\n\n{}", "3", "missing key 'x0'"},
        new String[] {ok + "\n1", "2", "expected a JSON array or object, found NUMBER"},
        new String[] {ok + "\n\"x\"", "2", "expected a JSON array or object, found STRING"},
        new String[] {ok + "\nnull", "2", "expected a JSON array or object"},
        new String[] {ok + "\n" + ok + " " + ok, "2", "not valid JSON"},
        new String[] {ok + "\n" + INPUTS, "2", "not valid JSON"});
  }

  @TestFactory
  Stream<DynamicTest> malformedJsonLinesAreRefused() {
    List<DynamicTest> tests = new ArrayList<>();
    int k = 0;
    for (String[] c : jsonLines()) {
      int n = k++;
      tests.add(
          DynamicTest.dynamicTest(
              "predict stdin " + c[0].replace("\n", "\\n"),
              () -> {
                Map<String, String> before = snapshot(run);
                Heeds.Result r = Heeds.runWithStdin(c[0] + "\n", "predict", run.toString(), "-");
                expect2(r, c[0], "stdin:" + c[1] + ": " + c[2]);
                assertEquals(before, snapshot(run), "the run directory changed");
              }));
      tests.add(
          DynamicTest.dynamicTest(
              "predict file " + c[0].replace("\n", "\\n"),
              () -> {
                Path f = Files.writeString(dir.resolve("lines-" + n + ".jsonl"), c[0] + "\n");
                Heeds.Result r = Heeds.run("predict", run.toString(), f.toString());
                expect2(r, c[0], f + ":" + c[1] + ": " + c[2]);
              }));
    }
    return tests.stream();
  }

  private static void expect2(Heeds.Result r, String what, String expected) {
    assertEquals(
        2, r.status(), () -> what + ": exit status; stdout:\n" + r.out() + "\nstderr:\n" + r.err());
    r.noStackTrace();
    assertTrue(
        r.err().contains(expected), () -> what + ": expected '" + expected + "' in:\n" + r.err());
  }

  /** {@code --set} overrides that cannot mean anything, with what their message says. */
  static List<String[]> overrides() {
    return List.of(
        new String[] {"=3", "--set =3"},
        new String[] {"training..epochs=3", "training..epochs"},
        new String[] {".epochs=3", ".epochs"},
        new String[] {"training.epochs.=3", "training.epochs."},
        new String[] {"training.epochs=-1", "training.epochs"},
        new String[] {"training.epochs=0", "training.epochs"},
        new String[] {"training.epochs=1.5", "training.epochs"},
        new String[] {"training.epochs=three", "training.epochs"},
        new String[] {"training.epochs=99999999999", "training.epochs"},
        new String[] {"training.epochs=[1]", "training.epochs"},
        new String[] {"training.epochs={a: 1}", "training.epochs"},
        new String[] {"training.batch_size=0", "training.batch_size"},
        new String[] {"training.batch_size=-8", "training.batch_size"},
        new String[] {"training.batch_size=true", "training.batch_size"},
        new String[] {"optimizer.lr=-0.1", "optimizer.lr"},
        new String[] {"optimizer.lr=.nan", "optimizer.lr"},
        new String[] {"optimizer.name=adamm", "adamm"},
        new String[] {"optimizer.name=", "found no value after '='"},
        new String[] {"model.layers[0].units=0", "model.layers[0].units"},
        new String[] {"model.layers[0].units=-3", "model.layers[0].units"},
        new String[] {"model.layers[0].activation=tahn", "tahn"},
        new String[] {"model.layers[-1].units=3", "[-1]"},
        new String[] {"model.layers[x].units=3", "[x]"},
        new String[] {"model.layers[0.units=3", "model.layers[0.units"},
        new String[] {"model.layers[].units=3", "[]"},
        new String[] {"model.layers[99].units=3", "[99]"},
        new String[] {"model.layers[0].type=dence", "dence"},
        new String[] {"model.layers[0].unitz=3", "unitz"},
        new String[] {"data.examples=-1", "data.examples"},
        new String[] {"data.examples=0", "data.examples"},
        new String[] {"data.type=nope", "nope"},
        new String[] {"seed=x", "seed"},
        new String[] {"seed=1.5", "seed"},
        new String[] {"backend=cuda", "cuda"},
        new String[] {"training=3", "training"},
        new String[] {"model=[]", "model"},
        new String[] {"training.epochs=!!java.lang.Runtime 1", "training.epochs"},
        new String[] {"training.epochs=*a", "training.epochs"},
        new String[] {"training.epochs=\"3", "training.epochs"});
  }

  @TestFactory
  Stream<DynamicTest> malformedOverridesAreRefused() {
    Path out = dir.resolve("never-set");
    return overrides().stream()
        .map(c ->
            DynamicTest.dynamicTest(
                "--set " + c[0],
                () -> {
                  Heeds.Result r =
                      Heeds.run(
                          "train",
                          EndToEndTest.SEED_SIMPLE.toString(),
                          "--set",
                          c[0],
                          "--out",
                          out.toString());
                  expect2(r, "--set " + c[0], c[1]);
                  assertFalse(Files.exists(out), "--set " + c[0] + ": wrote a run directory");
                }));
  }

  /** More misused command lines: each with its arguments and what the message says. */
  static List<List<String>> commandLines() {
    String r = run.toString();
    String cfg = EndToEndTest.SEED_SIMPLE.toString();
    String out = dir.resolve("never-cli").toString();
    String file = data.toString();
    return List.of(
        List.of("predict", r, inputs.toString(), "--temperature", "-1", "=>", "temperature"),
        List.of("predict", r, inputs.toString(), "--prompt", "abc", "=>", "--sample"),
        List.of("predict", r, inputs.toString(), "--bogus", "=>", "'--bogus'"),
        List.of("predict", r, "=>", "INPUT"),
        List.of("predict", file, inputs.toString(), "=>", file),
        List.of("predict", dir.resolve("gone").toString(), inputs.toString(), "=>", "gone"),
        List.of("predict", r, dir.toString(), "=>", dir.toString()),
        List.of("predict", r, dir.resolve("no.csv").toString(), "=>", "no.csv"),
        List.of("eval", r, "=>", "Missing required parameter"),
        List.of("eval", r, file, file, "=>", "Unmatched argument"),
        List.of("eval", file, file, "=>", file),
        List.of("eval", r, dir.toString(), "=>", dir.toString()),
        List.of("eval", r, file, "--backend", "cuda", "=>", "unknown backend 'cuda'"),
        List.of("eval", r, file, "--backend", "=>", "--backend"),
        List.of("train", cfg, "--out", "=>", "--out"),
        List.of("train", cfg, "--backend", "simdd", "--out", out, "=>", "simdd"),
        List.of("train", cfg, cfg, "--out", out, "=>", "Unmatched argument"),
        List.of("train", cfg, "--out", file + "/run", "=>", file),
        List.of("train", file, "--out", out, "=>", file),
        List.of("train", "--resume", "=>", "--resume"),
        List.of("train", "--resume", file, "=>", file),
        List.of("train", "--resume", r, "--set", "training.epochs=2", "=>", "--resume"),
        List.of("train", "--resume", r, "--out", out, "=>", "--resume"),
        List.of("init", "=>", "TEMPLATE"),
        List.of("init", "seed-simple", "--out", file + "/x.yaml", "=>", file),
        List.of("init", "nope", "--out", out + ".yaml", "=>", "nope"),
        List.of("plugins", "--kind", "=>", "--kind"),
        List.of("plugins", "--kind", "layer", "nonesuch", "=>", "nonesuch"),
        List.of("bench", "--threads", "-1", "=>", "thread counts must be >= 1"),
        List.of("bench", "--only", "", "=>", "unknown workload group"),
        List.of("completion", "nosuchshell", "=>", "nosuchshell"),
        List.of("plugins", "--kind", "backend", "--frobnicate", "=>", "--frobnicate"));
  }

  @TestFactory
  Stream<DynamicTest> moreMalformedCommandLines() {
    return commandLines().stream()
        .map(c -> {
          int sep = c.indexOf("=>");
          List<String> args = c.subList(0, sep);
          String expected = c.get(sep + 1);
          return DynamicTest.dynamicTest(
              String.join(" ", args),
              () -> {
                Map<String, String> before = snapshot(run);
                Heeds.Result r = Heeds.run(args.toArray(String[]::new));
                expect2(r, String.join(" ", args), expected);
                assertFalse(Files.exists(dir.resolve("never-cli")), "wrote a run directory");
                assertEquals(before, snapshot(run), "the run directory changed");
              });
        });
  }

  @Test
  void theCorpusIsLargeEnough() {
    int n =
        3 * (weightDamages().size() + trainerDamages().size() + configDamages().size())
            + 2 * jsonLines().size()
            + overrides().size()
            + commandLines().size()
            - 1;
    assertTrue(n >= 300, "at least 300 cases here; found " + n);
  }
}
