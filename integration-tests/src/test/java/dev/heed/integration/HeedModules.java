package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Heed modules of the test run, by module name, read from their own artifacts (jar or {@code
 * target/classes}).
 *
 * <p>Surefire runs this module's tests on the module path: the modules its descriptor requires, and
 * every module that provides a service one of them uses, are resolved into the boot layer as named
 * modules; the other test dependencies (the testkit, JUnit, ArchUnit) are on the class path, where
 * their {@code module-info.class} is ignored. So the boot layer is asked first, and the remaining
 * entries of the module path and class path are read with {@link ModuleFinder#of}.
 */
final class HeedModules {
  static final String CORE = "dev.heed.core";
  static final String CPU = "dev.heed.backend.cpu";
  static final String ACTIVATIONS = "dev.heed.activations";
  static final String ATTENTION = "dev.heed.attention";
  static final String RECURRENT = "dev.heed.recurrent";
  static final String VISION = "dev.heed.vision";
  static final String OPTIMIZERS = "dev.heed.optimizers";
  static final String PRETRAINED = "dev.heed.pretrained";
  static final String TESTKIT = "dev.heed.testkit";
  static final String INTEGRATION = "dev.heed.integration";
  static final String ASSEMBLY = "dev.heed.assembly";

  /** Modules that hold plugins: they depend on core only, never on each other, export nothing. */
  static final List<String> IMPLEMENTATIONS =
      List.of(
          CPU,
          "dev.heed.backend.simd",
          "dev.heed.backend.opencl",
          ACTIVATIONS,
          ATTENTION,
          RECURRENT,
          VISION,
          OPTIMIZERS,
          "dev.heed.tokenizers");

  /**
   * The third-party libraries an implementation module may use besides core and the JDK, by module
   * name: the prefixes of their Java packages (which are also their JPMS module names). Only for a
   * job the JDK does not do: reading tokenizer.json files, tens of megabytes of nested JSON, with
   * Jackson.
   */
  static final Map<String, List<String>> THIRD_PARTY =
      Map.of("dev.heed.tokenizers", List.of("com.fasterxml.jackson"));

  /** Every library module of the build (this test module aside). */
  static final List<String> LIBRARY =
      List.of(
          CORE, CPU, ACTIVATIONS, ATTENTION, RECURRENT, VISION, OPTIMIZERS, TESTKIT, PRETRAINED);

  /** Module names that are not implementation modules, whether or not they exist yet. */
  private static final Set<String> NOT_IMPLEMENTATIONS =
      Set.of(
          CORE,
          TESTKIT,
          INTEGRATION,
          PRETRAINED,
          ASSEMBLY,
          "dev.heed.cli",
          "dev.heed.serve",
          "dev.heed.bench");

  private static final Map<String, ModuleReference> FOUND = scan();

  private HeedModules() {}

  /** Every {@code dev.heed.*} module found, by name. */
  static Map<String, ModuleReference> all() {
    return FOUND;
  }

  /** The module {@code name}; fails the test when it is not on the test paths. */
  static ModuleReference get(String name) {
    ModuleReference ref = FOUND.get(name);
    if (ref == null) {
      fail(
          "module "
              + name
              + " is not on the test's module path or class path; found: "
              + FOUND.keySet()
              + " (is it a dependency of heed-integration-tests?)");
    }
    return ref;
  }

  /** The descriptor of module {@code name}. */
  static ModuleDescriptor descriptor(String name) {
    return get(name).descriptor();
  }

  /**
   * The implementation modules found: the expected ones plus any other {@code dev.heed.*} module
   * that is not core, testkit, assembly, cli, serve or a test module (a new backend, say).
   */
  static List<String> implementations() {
    return FOUND.keySet().stream()
        .filter(n -> !NOT_IMPLEMENTATIONS.contains(n))
        .sorted()
        .collect(Collectors.toList());
  }

  /** Whether {@code name} is resolved as a named module in the boot layer of this run. */
  static boolean isNamedAtRunTime(String name) {
    return ModuleLayer.boot().findModule(name).isPresent();
  }

  private static Map<String, ModuleReference> scan() {
    Map<String, ModuleReference> found = new TreeMap<>();
    for (ResolvedModule m : ModuleLayer.boot().configuration().modules()) {
      if (isHeed(m.name())) {
        found.put(m.name(), m.reference());
      }
    }
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property, "");
      for (String entry : value.split(File.pathSeparator)) {
        if (entry.isBlank()) {
          continue;
        }
        Path path = Path.of(entry);
        if (!isModuleArtifact(path)) {
          continue;
        }
        try {
          for (ModuleReference ref : ModuleFinder.of(path).findAll()) {
            String name = ref.descriptor().name();
            if (isHeed(name) && !ref.descriptor().isAutomatic()) {
              found.putIfAbsent(name, ref);
            }
          }
        } catch (FindException e) {
          // not a well-formed module (some third-party jar): not ours
        }
      }
    }
    return Collections.unmodifiableMap(found);
  }

  private static boolean isModuleArtifact(Path path) {
    if (Files.isDirectory(path)) {
      return Files.isRegularFile(path.resolve("module-info.class"));
    }
    return Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar");
  }

  private static boolean isHeed(String moduleName) {
    return moduleName.startsWith("dev.heed.");
  }
}
