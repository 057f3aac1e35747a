package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A plugin must be found on the module path ({@code provides … with} in {@code module-info}) and on
 * the class path ({@code META-INF/services}) alike, so for every Heed module the two registrations
 * must name the same services and the same provider classes. Both are read from the module's own
 * artifact.
 */
class ServiceRegistrationTest {
  private static final String SERVICES = "META-INF/services/";

  /** The services each module is expected to provide (at least). */
  private static final Map<String, Set<String>> EXPECTED =
      Map.of(
          HeedModules.CORE,
          Set.of("dev.heed.core.nn.LossProvider", "dev.heed.core.nn.InitializerProvider"),
          HeedModules.CPU,
          Set.of("dev.heed.core.backend.BackendProvider"),
          HeedModules.ACTIVATIONS,
          Set.of("dev.heed.core.nn.ActivationProvider"),
          HeedModules.ATTENTION,
          Set.of("dev.heed.core.nn.AttentionUnitProvider"),
          HeedModules.OPTIMIZERS,
          Set.of("dev.heed.core.optim.OptimizerProvider"));

  @Test
  void moduleInfoProvidesAgreeWithMetaInfServices() {
    List<String> mismatches = new ArrayList<>();
    for (String module : HeedModules.all().keySet()) {
      if (module.equals(HeedModules.INTEGRATION)) {
        continue;
      }
      ModuleReference ref = HeedModules.get(module);
      Map<String, Set<String>> declared = provides(ref.descriptor());
      Map<String, Set<String>> listed = serviceFiles(ref);
      Set<String> services = new TreeSet<>(declared.keySet());
      services.addAll(listed.keySet());
      for (String service : services) {
        Set<String> inModuleInfo = declared.getOrDefault(service, Set.of());
        Set<String> inServiceFile = listed.getOrDefault(service, Set.of());
        if (!inModuleInfo.equals(inServiceFile)) {
          Set<String> onlyModuleInfo = new TreeSet<>(inModuleInfo);
          onlyModuleInfo.removeAll(inServiceFile);
          Set<String> onlyServiceFile = new TreeSet<>(inServiceFile);
          onlyServiceFile.removeAll(inModuleInfo);
          mismatches.add(
              "module "
                  + module
                  + ", service "
                  + service
                  + ": only in module-info 'provides': "
                  + onlyModuleInfo
                  + ", only in "
                  + SERVICES
                  + service
                  + ": "
                  + onlyServiceFile);
        }
      }
    }
    assertTrue(
        mismatches.isEmpty(),
        "module-info and META-INF/services disagree:\n  " + String.join("\n  ", mismatches));
  }

  @Test
  void everyPluginModuleRegistersItsProviders() {
    List<String> missing = new ArrayList<>();
    EXPECTED.forEach((module, services) -> {
      Map<String, Set<String>> declared = provides(HeedModules.descriptor(module));
      for (String service : services) {
        if (declared.getOrDefault(service, Set.of()).isEmpty()) {
          missing.add(module + " provides no " + service);
        }
      }
    });
    assertTrue(missing.isEmpty(), String.join("; ", missing));
  }

  @Test
  void serviceFilesNameOnlyClassesOfTheirModule() {
    List<String> problems = new ArrayList<>();
    for (String module : HeedModules.LIBRARY) {
      ModuleReference ref = HeedModules.get(module);
      Set<String> packages = ref.descriptor().packages();
      serviceFiles(ref)
          .forEach((service, classes) -> {
            for (String c : classes) {
              int dot = c.lastIndexOf('.');
              String pkg = dot < 0 ? "" : c.substring(0, dot);
              if (!packages.contains(pkg)) {
                problems.add(module + ": " + SERVICES + service + " names " + c);
              }
            }
          });
    }
    assertTrue(
        problems.isEmpty(),
        "service files name classes outside their module: " + String.join("; ", problems));
  }

  @Test
  void theTestkitRegistersNoPlugins() {
    assertTrue(
        HeedModules.descriptor(HeedModules.TESTKIT).provides().isEmpty(),
        "dev.heed.testkit should not provide plugins");
    assertFalse(
        serviceFiles(HeedModules.get(HeedModules.TESTKIT)).keySet().stream()
            .anyMatch(s -> s.startsWith("dev.heed.")),
        "dev.heed.testkit should not register Heed services");
  }

  private static Map<String, Set<String>> provides(ModuleDescriptor d) {
    Map<String, Set<String>> m = new TreeMap<>();
    for (ModuleDescriptor.Provides p : d.provides()) {
      m.computeIfAbsent(p.service(), k -> new TreeSet<>()).addAll(p.providers());
    }
    return m;
  }

  /** The contents of the artifact's {@code META-INF/services} files, by service name. */
  private static Map<String, Set<String>> serviceFiles(ModuleReference ref) {
    Map<String, Set<String>> m = new TreeMap<>();
    try (ModuleReader reader = ref.open()) {
      List<String> entries =
          reader
              .list()
              .filter(e -> e.startsWith(SERVICES) && e.length() > SERVICES.length())
              .filter(e -> !e.endsWith("/"))
              .toList();
      for (String entry : entries) {
        String service = entry.substring(SERVICES.length());
        Set<String> classes = m.computeIfAbsent(service, k -> new TreeSet<>());
        try (InputStream in = reader.open(entry).orElseThrow()) {
          String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          for (String line : text.split("\\R")) {
            int hash = line.indexOf('#');
            String c = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!c.isEmpty()) {
              classes.add(c);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + ref.location().orElse(null), e);
    }
    return m;
  }
}
