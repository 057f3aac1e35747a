package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.PluginException;
import dev.heed.core.plugin.ProviderInfo;
import dev.heed.core.plugin.Registry;
import dev.heed.core.plugin.UnknownPluginException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The plugin registry as users meet it, over the real modules on the path ({@link
 * Plugins#shared()}): lookups by name, alias and any case; messages for unknown names; duplicates;
 * a deterministic order; and the listing behind {@code heed plugins}.
 */
class PluginRegistryTest {
  private final Plugins plugins = Plugins.shared();

  @Test
  void everyKindHasBuiltInProviders() {
    assertTrue(
        plugins.backends().names().contains("cpu"), "backends " + plugins.backends().names());
    assertTrue(
        plugins.activations().names().containsAll(List.of("tanh", "sigmoid", "relu", "identity")),
        "activations " + plugins.activations().names());
    assertTrue(
        plugins.attentionUnits().names().contains("feature"),
        "attention units " + plugins.attentionUnits().names());
    assertTrue(
        plugins.optimizers().names().contains("sgd"), "optimizers " + plugins.optimizers().names());
    assertTrue(
        plugins.losses().names().containsAll(List.of("mse", "cross-entropy")),
        "losses " + plugins.losses().names());
    assertTrue(
        plugins.initializers().names().containsAll(List.of("zeros", "normal", "xavier", "he")),
        "initializers " + plugins.initializers().names());
  }

  @Test
  void anUnknownNameListsTheAvailableOnesAndSuggestsTheClosest() {
    UnknownPluginException e =
        assertThrows(UnknownPluginException.class, () -> plugins.activations().get("tanhh"));
    assertEquals("tanh", e.suggestion());
    assertEquals("tanhh", e.requested());
    assertEquals("activation", e.kind());
    String m = e.getMessage();
    assertTrue(m.contains("unknown activation 'tanhh'"), m);
    assertTrue(m.contains("did you mean 'tanh'?"), m);
    for (String name : List.of("tanh", "sigmoid", "relu", "identity")) {
      assertTrue(m.contains(name), "the message should list '" + name + "': " + m);
    }

    UnknownPluginException far =
        assertThrows(UnknownPluginException.class, () -> plugins.optimizers().get("zzzzzzzz"));
    assertEquals(null, far.suggestion(), far.getMessage());
    assertFalse(far.getMessage().contains("did you mean"), far.getMessage());
    assertTrue(far.getMessage().contains("sgd"), far.getMessage());
  }

  @Test
  void aKnownButAbsentNameNamesTheArtifactThatProvidesIt() {
    // a class loader that sees no Heed module: every built-in name is known but absent
    Plugins bare =
        Plugins.discover(
            new java.net.URLClassLoader(new java.net.URL[0], ClassLoader.getPlatformClassLoader()));
    UnknownPluginException e =
        assertThrows(UnknownPluginException.class, () -> bare.backends().get("opencl"));
    String m = e.getMessage();
    assertTrue(m.contains("dev.heed:heed-backend-opencl"), m);
    assertTrue(m.contains("no backend providers were found"), m);
    assertTrue(e.availableNames().isEmpty(), e.availableNames().toString());
    String schedule =
        assertThrows(UnknownPluginException.class, () -> bare.schedules().get("cosine"))
            .getMessage();
    assertTrue(schedule.contains("dev.heed:heed-optimizers"), schedule);

    String absentActivation =
        assertThrows(UnknownPluginException.class, () -> plugins.activations().get("gelu-x"))
            .getMessage();
    assertFalse(absentActivation.contains("is provided by"), absentActivation);
  }

  @Test
  void anUnknownKindSuggestsTheClosestKind() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> plugins.registry("activatoin"));
    assertTrue(e.getMessage().contains("did you mean 'activation'?"), e.getMessage());
  }

  @Test
  void namesResolveIgnoringCaseSeparatorsAndThroughAliases() {
    assertEquals("tanh", plugins.activations().get("TANH").name());
    assertEquals("tanh", plugins.activations().get("Tanh").name());
    assertEquals("sgd", plugins.optimizers().get("SGD").name());
    assertEquals("he", plugins.initializers().get("Kaiming").name());
    assertEquals("xavier", plugins.initializers().get("glorot").name());
    assertEquals("mse", plugins.losses().get("MSELoss").name());
    assertEquals("mse", plugins.losses().get("mean_squared_error").name());
    assertEquals("cross-entropy", plugins.losses().get("CrossEntropy").name());
    assertEquals("feature", plugins.attentionUnits().get("FEATURE").name());
    assertEquals("cpu", plugins.backends().getAvailable("Cpu").name());
  }

  @Test
  void twoProvidersOfOneNameAreAWarningAndFailOnlyWhereTheNameIsUsed() {
    Registry<?> r = Registry.of("activation", List.of(new FirstSwish(), new SecondSwish()));
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    PluginException e = assertThrows(PluginException.class, () -> r.get("swish"));
    String m = e.getMessage();
    assertEquals(r.warnings().get(0), m);
    assertTrue(m.contains("'swish'"), m);
    assertTrue(m.contains(FirstSwish.class.getName()), m);
    assertTrue(m.contains(SecondSwish.class.getName()), m);
    assertTrue(m.contains(HeedModules.INTEGRATION), "the message should name the module: " + m);

    // an alias or a different spelling clashes too; the other names keep working
    Registry<?> alias =
        Registry.of(
            "activation",
            List.of(
                new Fake("swish", List.of("silu")),
                new Fake("SiLU", List.of()),
                new Fake("x", List.of())));
    assertTrue(
        alias.warnings().get(0).contains("two activation providers"), alias.warnings().toString());
    assertThrows(PluginException.class, () -> alias.get("silu"));
    assertEquals("x", alias.get("x").name());
    assertEquals("swish", alias.get("swish").name());
  }

  @Test
  void theOrderIsDeterministicPriorityFirstThenName() {
    Fake low = new Fake("b-low", List.of(), -1);
    Fake a = new Fake("a", List.of(), 0);
    Fake c = new Fake("c", List.of(), 0);
    Fake high = new Fake("z-high", List.of(), 5);
    List<String> expected = List.of("z-high", "a", "c", "b-low");
    assertEquals(expected, Registry.of("activation", List.of(low, a, c, high)).names());
    assertEquals(expected, Registry.of("activation", List.of(c, high, a, low)).names());

    Plugins again = Plugins.discover();
    for (String kind : Plugins.KINDS) {
      Registry<?> registry = plugins.registry(kind);
      assertEquals(registry.names(), again.registry(kind).names(), kind);
      List<ProviderInfo> infos = registry.infos();
      for (int i = 1; i < infos.size(); i++) {
        ProviderInfo prev = infos.get(i - 1);
        ProviderInfo next = infos.get(i);
        boolean ordered =
            prev.priority() > next.priority()
                || (prev.priority() == next.priority() && prev.name().compareTo(next.name()) < 0);
        assertTrue(ordered, kind + ": '" + prev.name() + "' before '" + next.name() + "'");
      }
    }
  }

  @Test
  void theListingDescribesEveryProviderWithModuleVersionAndLocation() {
    Map<String, String> moduleOfKind =
        Map.of(
            "activation", HeedModules.ACTIVATIONS,
            "attention", HeedModules.ATTENTION,
            "layer", HeedModules.ATTENTION,
            "optimizer", HeedModules.OPTIMIZERS,
            "schedule", HeedModules.OPTIMIZERS,
            "initializer", HeedModules.CORE,
            "loss", HeedModules.CORE,
            "dataset", HeedModules.ASSEMBLY);
    String version = HeedModules.descriptor(HeedModules.CORE).rawVersion().orElseThrow();
    List<ProviderInfo> listing = plugins.listing();
    Set<String> kinds = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (ProviderInfo info : listing) {
      kinds.add(info.kind());
      String who = info.kind() + " '" + info.name() + "'";
      String module =
          info.kind().equals("backend")
              ? "dev.heed.backend." + info.name()
              : info.providerClass().startsWith(HeedModules.VISION + ".")
                  ? HeedModules.VISION
                  : info.kind().equals("layer") && info.name().equals("dense")
                      ? HeedModules.CORE
                      : info.kind().equals("layer")
                              && Set.of("gru", "lstm", "attention-decoder").contains(info.name())
                          ? HeedModules.RECURRENT
                          : moduleOfKind.getOrDefault(info.kind(), info.module());
      if (!module.equals(info.module()) || !HeedModules.all().containsKey(module)) {
        problems.add(who + " module " + info.module() + ", expected " + module);
        continue;
      }
      if (!version.equals(info.version())) {
        problems.add(who + " version " + info.version() + ", expected " + version);
      }
      Path expectedLocation = Path.of(HeedModules.get(module).location().orElseThrow());
      if (info.location().equals("unknown")
          || !Path.of(URI.create(info.location())).equals(expectedLocation)) {
        problems.add(who + " location " + info.location() + ", expected " + expectedLocation);
      }
      if (info.description().isBlank()) {
        problems.add(who + " has no description");
      }
      if (!info.availability().isAvailable() && info.availability().reason().isBlank()) {
        problems.add(who + " is unavailable without saying why");
      }
      assertNotEquals("", info.providerClass());
    }
    kinds.remove("backend");
    assertTrue(kinds.containsAll(moduleOfKind.keySet()), "kinds in the listing: " + kinds);
    assertTrue(Plugins.KINDS.containsAll(kinds), "kinds in the listing: " + kinds);
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    ProviderInfo cpu = plugins.backends().info("cpu").orElseThrow();
    assertTrue(cpu.origin().contains(HeedModules.CPU), cpu.origin());
  }

  @Test
  void autoChoosesTheHighestPriorityAvailableBackendAndSaysWhy() {
    Registry.AutoChoice<?> choice = plugins.backends().chooseAuto();
    ProviderInfo best =
        plugins.backends().infos().stream()
            .filter(i -> i.availability().isAvailable())
            .findFirst()
            .orElseThrow();
    assertEquals(best.name(), choice.chosen().name());
    assertTrue(
        choice.notes().stream().anyMatch(n -> n.contains("chose backend '" + best.name() + "'")),
        choice.notes().toString());
    for (ProviderInfo other : plugins.backends().infos()) {
      if (!other.name().equals(best.name())) {
        assertTrue(
            choice.notes().stream()
                .anyMatch(n -> n.startsWith("skipped backend '" + other.name() + "'")),
            "no note says why '" + other.name() + "' was passed over: " + choice.notes());
      }
    }
  }

  /** A stand-in activation provider; never asked to create anything. */
  private static class Fake implements ActivationProvider {
    private final String name;
    private final List<String> aliases;
    private final int priority;

    Fake(String name, List<String> aliases) {
      this(name, aliases, 0);
    }

    Fake(String name, List<String> aliases, int priority) {
      this.name = name;
      this.aliases = aliases;
      this.priority = priority;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<String> aliases() {
      return aliases;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Activation create(Options options, BuildContext ctx) {
      throw new UnsupportedOperationException("a fake");
    }
  }

  private static final class FirstSwish extends Fake {
    FirstSwish() {
      super("swish", List.of());
    }
  }

  private static final class SecondSwish extends Fake {
    SecondSwish() {
      super("Swish", List.of());
    }
  }
}
