package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.train.RunLock;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner of a run directory is another process (16.2): a training into that directory is refused
 * naming it, and once that process is killed its lock is gone with it.
 */
class RunLockProcessTest {
  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");

  @TempDir Path tmp;

  private static void train(Path dir) throws IOException {
    List<String> set =
        List.of(
            "data.examples=100",
            "training.epochs=1",
            "backend=cpu",
            "training.stop.patience=0",
            "training.stop.target_loss=null");
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, set), null)) {
      a.train(dir, null);
    }
  }

  private static Process holder(Path dir) throws IOException {
    List<String> cp = new ArrayList<>();
    for (String p : List.of("jdk.module.path", "java.class.path")) {
      String v = System.getProperty(p);
      if (v != null && !v.isBlank()) {
        cp.add(v);
      }
    }
    cp.add(Path.of("target", "classes").toAbsolutePath().toString());
    cp.add(Path.of("target", "test-classes").toAbsolutePath().toString());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            String.join(File.pathSeparator, cp),
            LockHolder.class.getName(),
            dir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  @Test
  void aDirectoryOwnedByAnotherProcessIsRefusedUntilThatProcessDies() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Process p = holder(dir);
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      String pid = "pid " + p.pid();

      assertTrue(RunLock.owner(dir).orElseThrow().contains(pid), RunLock.owner(dir)::toString);
      ConfigException e = assertThrows(ConfigException.class, () -> train(dir));
      assertTrue(e.getMessage().contains(pid), e::getMessage);
      assertTrue(e.getMessage().contains("in use"), e::getMessage);
      assertEquals(List.of(RunLock.FILE), names(dir), "the refused training wrote nothing");
    } finally {
      p.destroyForcibly(); // as kill -9: the lock goes with the process
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(RunLock.owner(dir).isEmpty());
    train(dir); // the leftover lock file does not make the directory "not empty"
    assertTrue(Files.isRegularFile(dir.resolve("weights.safetensors")));
  }

  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }
}
