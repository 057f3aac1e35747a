package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.plugin.ProviderInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void helpListsEveryCommand() {
    Heeds.Result r = Heeds.run("--help").expect(0);
    for (String c :
        new String[] {"plugins", "init", "train", "eval", "predict", "completion", "schema"}) {
      assertTrue(r.out().contains(c), () -> c + " missing from:\n" + r.out());
    }
    assertTrue(r.out().contains("Exit status: 0 success, 2 bad input or usage, 1 failure"));
  }

  @Test
  void noCommandIsAUsageError() {
    Heeds.Result r = Heeds.run().expect(2);
    assertTrue(r.err().startsWith("heed: error: missing COMMAND\nUsage: heed"), r.err());
  }

  @Test
  void versionNamesHeedAndJava() {
    Heeds.Result r = Heeds.run("--version").expect(0);
    assertTrue(r.out().startsWith("heed "), r.out());
    assertTrue(r.out().contains("Java " + Runtime.version().feature()), r.out());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String c :
        new String[] {"plugins", "init", "train", "eval", "predict", "completion", "schema"}) {
      Heeds.Result r = Heeds.run(c, "--help").expect(0);
      assertTrue(r.out().startsWith("Usage: heed " + c), r.out());
    }
  }

  @Test
  void pluginsListsEveryProviderWithModuleAndOptions() {
    Heeds.Result r = Heeds.run("plugins").expect(0);
    for (ProviderInfo info : Plugins.shared().listing()) {
      assertTrue(
          r.out().contains("  " + info.name() + " "), () -> info.name() + " missing:\n" + r.out());
    }
    assertTrue(r.out().contains("dev.heed.backend.cpu"), r.out());
    assertTrue(r.out().contains("options: lr=0.01"), r.out());
    assertTrue(
        r.out().contains("(heed-backend-cpu-") || r.out().contains("(classes)"),
        "the jar: " + r.out());
  }

  @Test
  void pluginsLongShowsEveryOptionInDetail() {
    Heeds.Result r = Heeds.run("plugins", "--long", "--kind", "optimizer").expect(0);
    assertTrue(r.out().contains("sgd (optimizer)"), r.out());
    assertTrue(r.out().matches("(?s).*\\n    lr +number +0\\.01 .*"), r.out());
    assertTrue(r.out().contains("location:"), r.out());
  }

  @Test
  void pluginsHeadsEachKindOfTheKindsTableAndShowsListOptions() {
    Heeds.Result r = Heeds.run("plugins").expect(0);
    for (String heading :
        List.of("backends (", "attention units (", "layers (", "losses (", "datasets (")) {
      assertTrue(r.out().contains(heading), () -> heading + " missing:\n" + r.out());
    }
    assertTrue(r.out().contains("betas=[0.9, 0.999]"), r.out());
    Heeds.Result adam = Heeds.run("plugins", "adam").expect(0);
    assertTrue(
        adam.out().matches("(?s).*\\n    betas +list of numbers +\\[0\\.9, 0\\.999\\] .*"),
        adam.out());
    assertTrue(adam.out().contains("a list of 2 numbers, each >= 0 and <= 1"), adam.out());
    Heeds.Result dense = Heeds.run("plugins", "--kind", "layer", "dense").expect(0);
    assertTrue(dense.out().contains("(an integer >= 1)"), dense.out());
    assertTrue(dense.out().contains("activation"), dense.out());
  }

  @Test
  void schemaPrintsTheConfigsJsonSchemaFromThePlugins() {
    Heeds.Result r = Heeds.run("schema").expect(0);
    assertTrue(r.out().startsWith("{"), r.out());
    assertTrue(r.out().contains("\"$schema\" : \"https://json-schema.org/draft/2020-12/schema\""));
    // the data sets, layers and list options come from the plugins' option schemas
    assertTrue(r.out().contains("\"const\" : \"marked-token-recall\""), "data sets");
    assertTrue(r.out().contains("\"const\" : \"transformer-encoder-layer\""), "layers");
    assertTrue(r.out().contains("\"maxItems\" : 2"), "betas is a pair");
  }

  @Test
  void jarNames() {
    assertEquals("a-1.jar", PluginsCommand.jarName("file:/x/lib/a-1.jar"));
    assertEquals("classes", PluginsCommand.jarName("file:/x/target/classes/"));
    assertEquals("", PluginsCommand.jarName("unknown"));
  }

  @Test
  void pluginDetailShowsOriginAvailabilityAndOptions() {
    Heeds.Result r = Heeds.run("plugins", "sgd").expect(0);
    assertTrue(r.out().startsWith("sgd (optimizer)"), r.out());
    assertTrue(r.out().contains("module:       dev.heed.optimizers"), r.out());
    assertTrue(r.out().contains("location:"), r.out());
    assertTrue(r.out().contains("availability: available"), r.out());
    assertTrue(r.out().matches("(?s).*\\n    lr +number +0\\.01 .*"), r.out());
  }

  @Test
  void pluginsFilteredByKind() {
    Heeds.Result r = Heeds.run("plugins", "--kind", "optimizer").expect(0);
    assertTrue(r.out().startsWith("optimizers ("), r.out());
    assertTrue(!r.out().contains("activations ("), r.out());
  }

  @Test
  void pluginsNameWithinKind() {
    Heeds.Result r = Heeds.run("plugins", "-k", "activation", "tanh").expect(0);
    assertTrue(r.out().startsWith("tanh (activation)"), r.out());
  }

  @Test
  void completionScriptCoversCommandsAndOptions() {
    Heeds.Result r = Heeds.run("completion").expect(0);
    assertTrue(r.out().contains("complete -F"), "not a bash completion script");
    for (String word : new String[] {"train", "predict", "--backend", "--resume", "--set"}) {
      assertTrue(r.out().contains(word), () -> word + " missing from the completion script");
    }
  }

  /** {@code heed bench} of the seed group, one short round, with {@code backendArgs} first. */
  private static Heeds.Result quickSeedBench(String... backendArgs) {
    List<String> args = new ArrayList<>(List.of("bench"));
    args.addAll(List.of(backendArgs));
    args.addAll(
        List.of(
            "--only",
            "seed",
            "--threads",
            "1",
            "--rounds",
            "1",
            "--round-seconds",
            "0.01",
            "--warmup-seconds",
            "0"));
    return Heeds.run(args.toArray(String[]::new)).expect(0);
  }

  @Test
  void benchPrintsOneLinePerMeasurement() {
    Heeds.Result r = quickSeedBench("--backend", "cpu");
    String[] lines = r.out().strip().split("\n");
    assertTrue(lines[0].startsWith("heed info backend=cpu threads=1"), r.out());
    assertTrue(lines.length >= 2 && lines[1].startsWith("heed seed_mlp_step"), r.out());
  }

  @Test
  void benchPassesBackendOptionsAndNamesThem() {
    // opencl is the backend with options besides threads; CI has it through PoCL
    assumeTrue(
        Plugins.shared()
            .backends()
            .find("opencl")
            .map(p -> p.availability().isAvailable())
            .orElse(false),
        "no OpenCL platform here");
    Heeds.Result r = quickSeedBench("--backend", "opencl", "-O", "matmul=builtin");
    assertTrue(
        r.out().startsWith("heed info backend=opencl threads=1 options=matmul=builtin "), r.out());
  }

  @Test
  void exitCodeMapping() {
    assertEquals(Exits.BAD_INPUT, new Errors(null, null).getExitCode(new BadInputException("x")));
    assertEquals(
        Exits.BAD_INPUT,
        new Errors(null, null)
            .getExitCode(
                new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("f"))));
    assertEquals(Exits.FAILURE, new Errors(null, null).getExitCode(new IllegalStateException()));
  }
}
