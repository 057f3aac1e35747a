package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.plugin.Provider;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The JPMS fences, read from the modules' descriptors: core exports exactly its API and SPI
 * packages, implementation modules export nothing and require only core and the JDK, every package
 * of a module starts with the module's name, and the plugins really run as named modules.
 */
class ModuleDescriptorTest {

  /** Core's public API and SPI; {@code dev.heed.core.internal..} stays hidden. */
  private static final Set<String> CORE_API =
      Set.of(
          "dev.heed.core",
          "dev.heed.core.backend",
          "dev.heed.core.backend.support",
          "dev.heed.core.nn",
          "dev.heed.core.optim",
          "dev.heed.core.optim.support",
          "dev.heed.core.plugin",
          "dev.heed.core.tensor",
          "dev.heed.core.text");

  /** API packages that are exported once they exist (safetensors I/O, capture and replay). */
  private static final Set<String> CORE_API_WHEN_PRESENT =
      Set.of("dev.heed.core.io", "dev.heed.core.data", "dev.heed.core.backend.replay");

  private static final Set<String> JDK_MODULES =
      ModuleFinder.ofSystem().findAll().stream()
          .map(r -> r.descriptor().name())
          .collect(Collectors.toUnmodifiableSet());

  @Test
  void everyLibraryModuleIsOnTheTestPaths() {
    for (String name : HeedModules.LIBRARY) {
      HeedModules.get(name);
    }
  }

  @Test
  void coreAndPluginModulesAreNamedModulesAtRunTime() {
    for (String name : List.of(HeedModules.CORE, HeedModules.INTEGRATION)) {
      assertTrue(HeedModules.isNamedAtRunTime(name), name + " is not in the boot layer");
    }
    for (String name : HeedModules.IMPLEMENTATIONS) {
      assertTrue(
          HeedModules.isNamedAtRunTime(name),
          name
              + " is not a named module in this run: surefire should resolve it from the module"
              + " path because it provides a service that dev.heed.core uses; boot layer: "
              + ModuleLayer.boot().modules().stream()
                  .map(Module::getName)
                  .filter(n -> n.startsWith("dev.heed."))
                  .sorted()
                  .toList());
    }
    Plugins plugins = Plugins.shared();
    assertModule(HeedModules.CPU, plugins.backends().get("cpu"));
    assertModule(HeedModules.ACTIVATIONS, plugins.activations().get("tanh"));
    assertModule(HeedModules.ATTENTION, plugins.attentionUnits().get("feature"));
    assertModule(HeedModules.VISION, plugins.layers().get("conv2d"));
    assertModule(HeedModules.VISION, plugins.datasets().get("idx"));
    assertModule(HeedModules.OPTIMIZERS, plugins.optimizers().get("sgd"));
    assertModule(HeedModules.CORE, plugins.losses().get("mse"));
    assertModule(HeedModules.CORE, plugins.initializers().get("xavier"));
  }

  private static void assertModule(String expected, Provider provider) {
    Module module = provider.getClass().getModule();
    assertTrue(
        module.isNamed(),
        provider.getClass().getName() + " was loaded from the class path, not as a named module");
    assertEquals(expected, module.getName(), "module of " + provider.getClass().getName());
  }

  @Test
  void coreExportsExactlyItsApiAndSpiPackages() {
    ModuleDescriptor core = HeedModules.descriptor(HeedModules.CORE);
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : core.exports()) {
      assertTrue(
          e.targets().isEmpty(),
          "dev.heed.core exports " + e.source() + " only to " + e.targets() + "; expected to all");
      exported.add(e.source());
    }
    Set<String> expected = new TreeSet<>(CORE_API);
    for (String p : CORE_API_WHEN_PRESENT) {
      if (core.packages().contains(p)) {
        expected.add(p);
      }
    }
    assertEquals(expected, exported, "packages exported by dev.heed.core");
    assertTrue(core.opens().isEmpty(), "dev.heed.core opens " + core.opens());
    assertTrue(!core.isOpen(), "dev.heed.core must not be an open module");
    for (String p : core.packages()) {
      if (p.startsWith("dev.heed.core.internal")) {
        assertTrue(!exported.contains(p), p + " is internal and must not be exported");
      }
    }
  }

  @Test
  void implementationModulesExportNothing() {
    List<String> problems = new ArrayList<>();
    for (String name : implementationModules()) {
      ModuleDescriptor d = HeedModules.descriptor(name);
      if (!d.exports().isEmpty()) {
        problems.add(name + " exports " + d.exports());
      }
      if (d.isOpen()) {
        problems.add(name + " is an open module");
      }
    }
    assertTrue(
        problems.isEmpty(),
        "implementation modules are reached through their providers only: "
            + String.join("; ", problems));
  }

  @Test
  void implementationModulesRequireOnlyCoreAndTheJdk() {
    List<String> problems = new ArrayList<>();
    for (String name : implementationModules()) {
      for (ModuleDescriptor.Requires r : HeedModules.descriptor(name).requires()) {
        boolean thirdParty =
            HeedModules.THIRD_PARTY.getOrDefault(name, List.of()).stream()
                .anyMatch(p -> r.name().startsWith(p));
        if (!r.name().equals(HeedModules.CORE) && !JDK_MODULES.contains(r.name()) && !thirdParty) {
          problems.add(name + " requires " + r.name());
        }
      }
    }
    for (ModuleDescriptor.Requires r : HeedModules.descriptor(HeedModules.CORE).requires()) {
      if (!JDK_MODULES.contains(r.name())) {
        problems.add("dev.heed.core requires " + r.name());
      }
    }
    assertTrue(problems.isEmpty(), String.join("; ", problems));
  }

  @Test
  void everyPackageOfAModuleStartsWithTheModuleName() {
    List<String> problems = new ArrayList<>();
    for (String name : HeedModules.all().keySet()) {
      if (name.equals(HeedModules.INTEGRATION)) {
        continue; // the test module: its test resources are patched in and count as packages
      }
      for (String p : HeedModules.descriptor(name).packages()) {
        if (!p.equals(name) && !p.startsWith(name + ".")) {
          problems.add("package " + p + " of module " + name);
        }
      }
    }
    assertTrue(
        problems.isEmpty(),
        "every package must start with its module's name: " + String.join("; ", problems));
  }

  @Test
  void modulesCarryTheProjectVersion() {
    String version = HeedModules.descriptor(HeedModules.CORE).rawVersion().orElse(null);
    assertTrue(version != null, "dev.heed.core has no module version");
    for (String name : HeedModules.LIBRARY) {
      assertEquals(
          version,
          HeedModules.descriptor(name).rawVersion().orElse(null),
          "module version of " + name);
    }
  }

  private static List<String> implementationModules() {
    List<String> names = HeedModules.implementations();
    assertTrue(
        names.containsAll(HeedModules.IMPLEMENTATIONS),
        "expected implementation modules " + HeedModules.IMPLEMENTATIONS + ", found " + names);
    return names;
  }
}
