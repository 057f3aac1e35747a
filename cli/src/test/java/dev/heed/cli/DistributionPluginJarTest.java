package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.13: a corrupt jar in a plugin directory is left out with a warning naming it, instead of
 * the JVM refusing to start every command. Launches {@code target/heed/bin/heed} (package phase).
 */
class DistributionPluginJarTest {
  private static final Path HEED = Path.of("target", "heed", "bin", "heed").toAbsolutePath();

  @TempDir Path tmp;

  record Run(int status, String out, String err) {}

  @BeforeAll
  static void distributionIsBuilt() {
    assumeTrue(Files.isExecutable(HEED), "no distribution: run ./mvnw package");
  }

  private Run heed(Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(HEED.toString()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("HEED_DEBUG");
    pb.environment().remove("HEED_OPTS");
    pb.environment().putAll(env);
    Path out = tmp.resolve("stdout.txt");
    Path err = tmp.resolve("stderr.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** A sound jar: an automatic module named after the file, holding one resource. */
  private static Path goodJar(Path file) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().putValue("Manifest-Version", "1.0");
    try (OutputStream o = Files.newOutputStream(file);
        JarOutputStream j = new JarOutputStream(o, m)) {
      j.putNextEntry(new ZipEntry("heedtest/readme.txt"));
      j.write("a test jar\n".getBytes(StandardCharsets.UTF_8));
      j.closeEntry();
    }
    return file;
  }

  @Test
  void aCorruptJarIsSkippedWithAWarningAndTheOthersStay() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    Path text = Files.writeString(dir.resolve("broken.jar"), "not a jar\n");
    byte[] whole = Files.readAllBytes(goodJar(tmp.resolve("whole.jar")));
    Path truncated = Files.write(dir.resolve("truncated.jar"), Arrays.copyOf(whole, 40));
    goodJar(dir.resolve("heedtestplugin.jar"));

    Run r = heed(Map.of("HEED_PLUGINS", dir.toString()), "--version");
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().startsWith("heed "), r.out());
    assertFalse(r.out().contains("Exception"), r.out());
    assertTrue(r.err().contains("skipping plugin jar '" + text + "'"), r.err());
    assertTrue(r.err().contains("skipping plugin jar '" + truncated + "'"), r.err());

    // The sound jar beside them is still on the module path.
    Run d =
        heed(
            Map.of("HEED_PLUGINS", dir.toString(), "HEED_OPTS", "--describe-module heedtestplugin"),
            "--version");
    assertEquals(0, d.status(), d.out() + d.err());
    assertTrue(d.out().contains("heedtestplugin"), d.out());
  }

  @Test
  void aCorruptJarNamedInHeedPluginsIsSkipped() throws Exception {
    Path jar = Files.writeString(tmp.resolve("bad.jar"), "PK but not really\n");
    Run r = heed(Map.of("HEED_PLUGINS", jar.toString()), "--version");
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.err().contains("skipping plugin jar '" + jar + "'"), r.err());
  }
}
