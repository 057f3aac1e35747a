package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus of malformed configs in {@code src/test/resources/bad-configs}: each {@code
 * NN-name.yaml} has a {@code NN-name.expect} beside it with {@code # set: KEY=VALUE} lines (the
 * {@code --set} overrides to apply) and {@code # expect: FRAGMENT} lines that the error message
 * must contain (file:line:column, config path, what was found and what was expected). The cli
 * module reuses the corpus for its exit-code tests.
 */
class BadConfigsTest {
  private static final Path DIR = Path.of("src/test/resources/bad-configs");

  @TestFactory
  Stream<DynamicTest> everyBadConfigGetsItsMessage() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(files.size() >= 30, "at least 30 malformed configs, found " + files.size());
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  @Test
  void severalMistakesAreReportedTogetherEachWithItsLocation(@TempDir Path tmp) throws IOException {
    Path f = tmp.resolve("three.yaml");
    Files.writeString(
        f,
        """
        seed: 1
        data: {type: seed-regression, examples: 32}
        model:
          layers:
            - {type: dense, units: 8, activation: tanhh}
            - {type: dense, units: -5}
        loss: msee
        optimizer: {name: sgd, lr: 0.1}
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(f, List.of()));
    String m = e.getMessage();
    assertTrue(m.startsWith("3 problems in the config:"), m);
    assertTrue(m.contains("three.yaml:7:7: config path `loss`: unknown loss 'msee'"), m);
    assertTrue(m.contains("three.yaml:5:43: config path `model.layers[0].activation`"), m);
    assertTrue(m.contains("did you mean 'tanh'?"), m);
    assertTrue(m.contains("three.yaml:6:28: config path `model.layers[1].units`"), m);
    assertEquals(3, e.problems().size());
    assertEquals("loss", e.configPath(), "the first problem locates the whole");
  }

  private static void check(Path file) throws IOException {
    String name = file.getFileName().toString();
    Path expectFile = file.resolveSibling(name.replace(".yaml", ".expect"));
    List<String> sets = new ArrayList<>();
    List<String> expects = new ArrayList<>();
    for (String line : Files.readAllLines(expectFile)) {
      if (line.startsWith("# set: ")) {
        sets.add(line.substring("# set: ".length()));
      } else if (line.startsWith("# expect: ")) {
        expects.add(line.substring("# expect: ".length()));
      }
    }
    assertFalse(expects.isEmpty(), expectFile + " names no expected fragment");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> {
              try (Assembly a = Heed.assemble(Heed.loadConfig(file, sets), null)) {
                a.backendName();
              }
            },
            name + " must be rejected");
    for (String fragment : expects) {
      assertTrue(
          e.getMessage().contains(fragment),
          name + ": the message should contain «" + fragment + "» but is «" + e.getMessage() + "»");
    }
    assertFalse(
        e.getMessage().contains("Exception"), "no exception class names: " + e.getMessage());
    if (!sets.isEmpty() || e.file().isEmpty()) {
      return;
    }
    assertTrue(e.file().get().endsWith(name), e.file() + " names " + name);
  }
}
