package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.plugin.ProviderInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real launches of the distribution: {@code target/heed/bin/heed} and {@code target/heed-all.jar}.
 * Runs in the {@code package} phase, after they are built (see the pom), and is skipped when they
 * are absent (a test run without packaging).
 */
class DistributionLaunchTest {
  private static final Path DIST = Path.of("target", "heed").toAbsolutePath();
  private static final Path HEED = DIST.resolve("bin").resolve("heed");
  private static final Path ALL = Path.of("target", "heed-all.jar").toAbsolutePath();

  @TempDir Path tmp;

  /** The outcome of a process. */
  record Run(int status, String out, String err) {}

  @BeforeAll
  static void distributionIsBuilt() {
    assumeTrue(Files.isExecutable(HEED), "no distribution at " + DIST + ": run ./mvnw package");
  }

  private Run launch(Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("HEED_DEBUG");
    pb.environment().putAll(env);
    Path out = tmp.resolve("stdout.txt");
    Path err = tmp.resolve("stderr.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    // The JVM announces the Vector API incubator module (the simd backend) on every start.
    String errText =
        Files.readString(err, StandardCharsets.UTF_8)
            .replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), errText);
  }

  private Run heed(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(HEED.toString()));
    command.addAll(List.of(args));
    return launch(Map.of(), command);
  }

  private static void assertLists(Run r, List<ProviderInfo> expected) {
    assertEquals(0, r.status(), r.err());
    for (ProviderInfo info : expected) {
      assertTrue(
          r.out().contains("  " + info.name() + " "),
          () -> info.kind() + " '" + info.name() + "' is not listed:\n" + r.out());
    }
  }

  @Test
  void launcherPrintsTheVersion() throws Exception {
    Run r = heed("--version");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("heed " + Version.heed()), r.out());
    assertTrue(!r.out().startsWith("heed unknown"), "the module version is missing");
  }

  @Test
  void launcherFindsEveryPluginOnTheModulePath() throws Exception {
    Run r = heed("plugins");
    assertLists(r, Plugins.shared().listing());
    assertTrue(r.out().contains("dev.heed.backend.cpu"), "modules are named: " + r.out());
    assertEquals("", r.err());
  }

  @Test
  void launcherTrainsTheSeedAndPredicts() throws Exception {
    Path run = tmp.resolve("run");
    Run r =
        heed(
            "train",
            Heeds.ROOT.resolve("examples/seed-simple.yaml").toString(),
            "--set",
            "training.epochs=3",
            "--out",
            run.toString());
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("epoch 3/3"), r.out());
    for (String f : List.of("weights.safetensors", "config.yaml", "loss.png")) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing");
    }
    Run p =
        launch(
            Map.of(),
            List.of("sh", "-c", "echo '[" + zeros(10) + "]' | " + HEED + " predict " + run + " -"));
    assertEquals(0, p.status(), p.err());
    assertEquals(2, p.out().strip().split("\n").length, p.out());
  }

  @Test
  void launcherReportsBadInputWithStatusTwo() throws Exception {
    Run r = heed("train", "no-such-config.yaml");
    assertEquals(2, r.status());
    assertTrue(r.err().startsWith("heed train: error: no-such-config.yaml: no such file"), r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void pluginsDirectoryFromTheEnvironment() throws Exception {
    Run r =
        launch(
            Map.of("HEED_PLUGINS", tmp.resolve("absent").toString()),
            List.of(HEED.toString(), "plugins", "--kind", "backend"));
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("HEED_PLUGINS names"), r.err());
    assertTrue(
        Files.isDirectory(DIST.resolve("plugins")), "the distribution has a plugins/ directory");
  }

  @Test
  void singleJarFindsEveryPluginOnTheClassPath() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Run r = launch(Map.of(), List.of(java.toString(), "-jar", ALL.toString(), "plugins"));
    assertLists(r, Plugins.shared().listing());
    assertTrue(r.out().contains("(class path)"), r.out());
  }

  @Test
  void completionScriptIsShipped() throws Exception {
    String script = Files.readString(DIST.resolve("completion").resolve("heed.bash"));
    assertTrue(script.contains("complete -F"), "not a bash completion script");
    assertTrue(script.contains("predict"), script);
  }

  private static String zeros(int n) {
    return String.join(",", java.util.Collections.nCopies(n, "0"));
  }
}
