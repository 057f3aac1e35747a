package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed configs and command lines: each exits with status 2 and a message that says what is
 * wrong, and none prints a stack trace. The configs are the assembly's corpus ({@code
 * assembly/src/test/resources/bad-configs}: {@code NAME.yaml} with {@code NAME.expect} holding
 * {@code # set: KEY=VALUE} overrides and {@code # expect: TEXT} fragments), run through {@code heed
 * train}; the command lines are below.
 */
class BadInputCorpusTest {
  private static final Path BAD_CONFIGS =
      Heeds.ROOT.resolve("assembly/src/test/resources/bad-configs");

  @TempDir static Path dir;
  static Path run;
  static Path config;
  static Path data;

  /** One malformed invocation and the fragments its error message must contain. */
  record Case(String name, List<String> args, String stdin, List<String> expected) {}

  @BeforeAll
  static void aRunToBreak() throws IOException {
    run = dir.resolve("run");
    config = EndToEndTest.SEED_SIMPLE;
    Heeds.run(
            "train",
            config.toString(),
            "--set",
            "training.epochs=1",
            "--set",
            "data.examples=100",
            "--backend",
            "cpu",
            "--out",
            run.toString())
        .expect(0);
    StringBuilder csv = new StringBuilder("x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,y0,y1,y2,y3,y4\n");
    csv.append("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n");
    data = Files.writeString(dir.resolve("data.csv"), csv);
  }

  private static Case c(String name, List<String> args, String... expected) {
    return new Case(name, args, null, List.of(expected));
  }

  private static Case stdin(String name, String in, List<String> args, String... expected) {
    return new Case(name, args, in, List.of(expected));
  }

  static List<Case> commandLines() throws IOException {
    String cfg = config.toString();
    String r = run.toString();
    Path notEmpty = Files.createDirectories(dir.resolve("not-empty"));
    Files.writeString(notEmpty.resolve("something.txt"), "x");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path aFile = Files.writeString(dir.resolve("a-file.txt"), "x");
    Path corrupt = dir.resolve("corrupt-run");
    if (!Files.exists(corrupt)) {
      EndToEndTest.copyDir(run, corrupt);
      Files.writeString(corrupt.resolve("weights.safetensors"), "this is not a safetensors file");
    }
    Path truncated = dir.resolve("truncated-run");
    if (!Files.exists(truncated)) {
      EndToEndTest.copyDir(run, truncated);
      byte[] w = Files.readAllBytes(run.resolve("weights.safetensors"));
      Files.write(truncated.resolve("weights.safetensors"), java.util.Arrays.copyOf(w, 40));
    }
    Path missingColumn = Files.writeString(dir.resolve("missing.csv"), "x0,x1,x2\n1,2,3\n");
    Path shortRows = Files.writeString(dir.resolve("short.csv"), "1,2,3,4,5,6,7,8,9\n");
    Path existing = Files.writeString(dir.resolve("existing.yaml"), "x");
    String out = dir.resolve("out").toString();
    return List.of(
        c("unknown command", List.of("trian"), "'trian'", "heed train"),
        c("unknown global option", List.of("--frobnicate"), "Unknown option: '--frobnicate'"),
        c("unknown train option", List.of("train", cfg, "--epochs", "3"), "'--epochs'"),
        c("train without config", List.of("train"), "missing CONFIG"),
        c("config missing", List.of("train", "no-such.yaml"), "no-such.yaml: no such file"),
        c("config is a directory", List.of("train", dir.toString()), "is a directory"),
        c("--set without =", List.of("train", cfg, "--set", "epochs", "--out", out), "'='"),
        c(
            "--set unknown key",
            List.of("train", cfg, "--set", "trainig.epochs=3", "--out", out),
            "trainig",
            "did you mean 'training'?"),
        c(
            "--set bad value",
            List.of("train", cfg, "--set", "optimizer.lr=fast", "--out", out),
            "optimizer.lr",
            "fast"),
        c("--set missing value", List.of("train", cfg, "--set"), "Missing required parameter"),
        c(
            "unknown backend",
            List.of("train", cfg, "--backend", "cuda", "--out", out),
            "unknown backend 'cuda'"),
        c(
            "backend typo",
            List.of("train", cfg, "--backend", "cpuu", "--out", out),
            "did you mean 'cpu'?"),
        c(
            "run directory not empty",
            List.of("train", cfg, "--out", notEmpty.toString()),
            "is not empty"),
        c("--out is a file", List.of("train", cfg, "--out", aFile.toString()), "is a file"),
        c(
            "resume with config",
            List.of("train", cfg, "--resume", r),
            "do not give CONFIG, --set or --out"),
        c(
            "resume a missing run",
            List.of("train", "--resume", dir.resolve("gone").toString()),
            "no such run directory"),
        c(
            "resume an empty directory",
            List.of("train", "--resume", empty.toString()),
            "is not a run directory"),
        c("eval without arguments", List.of("eval"), "Missing required parameters"),
        c(
            "eval a missing run",
            List.of("eval", dir.resolve("gone").toString(), data.toString()),
            "no such run directory"),
        c(
            "eval a directory that is not a run",
            List.of("eval", empty.toString(), data.toString()),
            "is not a run directory",
            "weights.safetensors"),
        c("eval a missing file", List.of("eval", r, "nope.csv"), "nope.csv: no such file"),
        c(
            "eval a CSV missing a column",
            List.of("eval", r, missingColumn.toString()),
            "'x3'",
            "missing.csv"),
        c(
            "eval with corrupt weights",
            List.of("eval", corrupt.toString(), data.toString()),
            "weights.safetensors"),
        c(
            "predict with truncated weights",
            List.of("predict", truncated.toString(), data.toString()),
            "weights.safetensors"),
        c("predict without input", List.of("predict", r), "Missing required parameter: 'INPUT'"),
        c(
            "predict a CSV missing a column",
            List.of("predict", r, missingColumn.toString()),
            "missing column 'x3'",
            "header found: x0,x1,x2"),
        c(
            "predict rows with the wrong width",
            List.of("predict", r, shortRows.toString()),
            "9 values, expected 10"),
        stdin(
            "predict a JSON array with the wrong width",
            "[1, 2, 3]\n",
            List.of("predict", r, "-"),
            "stdin:1: 3 values, expected 10"),
        stdin(
            "predict malformed JSON",
            "{\"x0\": \n",
            List.of("predict", r, "-"),
            "stdin:1: not valid JSON"),
        stdin("predict nothing", "", List.of("predict", r, "-"), "no input rows"),
        c(
            "init unknown template",
            List.of("init", "seed-simpel", "--out", dir.resolve("t.yaml").toString()),
            "seed-simpel",
            "seed-simple"),
        c(
            "init over an existing file",
            List.of("init", "seed-simple", "--out", existing.toString()),
            "already exists"),
        c("init without template", List.of("init"), "Missing required parameter: 'TEMPLATE'"),
        c("unknown plugin", List.of("plugins", "tahn"), "did you mean 'tanh'?"),
        c("unknown plugin kind", List.of("plugins", "--kind", "optimiser"), "'optimizer'"),
        c(
            "plugin of another kind",
            List.of("plugins", "--kind", "backend", "tanh"),
            "no backend named 'tanh'"),
        c("bench unknown group", List.of("bench", "--only", "nope"), "unknown workload group"),
        c("bench zero threads", List.of("bench", "--threads", "0"), "thread counts must be >= 1"),
        c("bench bad number", List.of("bench", "--threads", "two"), "'two'"),
        c(
            "bench unknown backend option",
            List.of("bench", "--backend", "cpu", "--only", "seed", "-O", "matmull=clblast"),
            "backend 'cpu' has no option 'matmull'"),
        c(
            "bench threads as a backend option",
            List.of("bench", "--backend-option", "threads=4"),
            "set by the thread counts (--threads)"));
  }

  private static void check(Case k) {
    Heeds.Result r =
        k.stdin() == null
            ? Heeds.run(k.args().toArray(String[]::new))
            : Heeds.runWithStdin(k.stdin(), k.args().toArray(String[]::new));
    assertEquals(
        2,
        r.status(),
        () -> k.name() + ": exit status; stdout:\n" + r.out() + "\nstderr:\n" + r.err());
    r.noStackTrace();
    assertTrue(r.err().startsWith("heed"), () -> k.name() + ": message names heed:\n" + r.err());
    for (String e : k.expected()) {
      assertTrue(r.err().contains(e), () -> k.name() + ": expected '" + e + "' in:\n" + r.err());
    }
  }

  @TestFactory
  Stream<DynamicTest> malformedCommandLines() throws IOException {
    return commandLines().stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> check(k)));
  }

  @TestFactory
  Stream<DynamicTest> malformedConfigs() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(BAD_CONFIGS)) {
      for (Path yaml : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        String name = yaml.getFileName().toString().replaceFirst("\\.yaml$", "");
        List<String> args = new ArrayList<>(List.of("train", yaml.toString()));
        List<String> expected = new ArrayList<>();
        Path expect = yaml.resolveSibling(name + ".expect");
        for (String line : Files.readAllLines(expect)) {
          if (line.startsWith("# set: ")) {
            args.add("--set");
            args.add(line.substring("# set: ".length()).strip());
          } else if (line.startsWith("# expect: ")) {
            expected.add(line.substring("# expect: ".length()).strip());
          }
        }
        if (availableHere(expected)) {
          continue;
        }
        args.add("--out");
        args.add(dir.resolve("bad-" + name).toString());
        cases.add(new Case(name, args, null, expected));
      }
    }
    return cases.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> check(k)));
  }

  /**
   * Whether the case is about a plugin missing from the assembly's test path that the distribution
   * ships (for example the OpenCL backend): on this path the config is valid.
   */
  private static boolean availableHere(List<String> expected) {
    for (String e : expected) {
      Matcher m = UNKNOWN.matcher(e);
      if (m.find()
          && PluginsCommand.kinds().contains(m.group(1))
          && Plugins.shared().registry(m.group(1)).find(m.group(2)).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern UNKNOWN = Pattern.compile("unknown (\\w+) '([^']+)'");

  @Test
  void theCorpusIsLargeEnough() throws IOException {
    assertTrue(commandLines().size() >= 30, "at least 30 malformed command lines");
  }
}
