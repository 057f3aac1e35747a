package dev.heed.integration;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.Slice;
import com.tngtech.archunit.library.dependencies.Slices;
import java.lang.module.ModuleFinder;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of DESIGN.md, checked on the compiled classes of every Heed module (tests
 * excluded): core needs the JDK only; implementation modules need core only, never each other; only
 * the CLI writes to standard out and err; no {@code Class.forName}; one place runs {@link
 * ServiceLoader}; no package cycles.
 */
class ArchitectureTest {

  /** Every package of every module of the running JDK. */
  private static final Set<String> JDK_PACKAGES =
      ModuleFinder.ofSystem().findAll().stream()
          .flatMap(r -> r.descriptor().packages().stream())
          .collect(Collectors.toUnmodifiableSet());

  /** Classes of the JDK (primitives and arrays of JDK types included). */
  private static final DescribedPredicate<JavaClass> JDK =
      DescribedPredicate.describe(
          "are part of the JDK",
          c -> {
            JavaClass base = c.isArray() ? c.getBaseComponentType() : c;
            return base.isPrimitive() || JDK_PACKAGES.contains(base.getPackageName());
          });

  private static JavaClasses heed;

  @BeforeAll
  static void importHeed() {
    heed =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.heed");
  }

  @Test
  void theImportSeesEveryModule() {
    assertFalse(heed.isEmpty(), "ArchUnit imported no class of dev.heed: every rule would pass");
    for (String name : List.of("dev.heed.core.tensor.Tensor", "dev.heed.core.Plugins")) {
      assertTrue(heed.contain(name), "ArchUnit did not import " + name);
    }
    assertTrue(
        heed.stream().anyMatch(c -> c.getName().startsWith("dev.heed.backend.cpu.CpuBackend")),
        "ArchUnit did not import the CPU backend");
    List<String> missing = new ArrayList<>();
    for (String module : HeedModules.LIBRARY) {
      for (String pkg : HeedModules.descriptor(module).packages()) {
        if (heed.stream().noneMatch(c -> c.getPackageName().equals(pkg))) {
          missing.add(module + "/" + pkg);
        }
      }
    }
    assertTrue(missing.isEmpty(), "ArchUnit imported no class of the packages " + missing);
  }

  @Test
  void theJdkPredicateAcceptsTheJdkOnly() {
    JavaClasses sample =
        new ClassFileImporter()
            .importClasses(String.class, List.class, JavaClass.class, Test.class);
    assertTrue(JDK.test(sample.get(String.class)));
    assertTrue(JDK.test(sample.get(String.class).getMethod("length").getRawReturnType()));
    assertTrue(JDK.test(sample.get(String.class).getMethod("toCharArray").getRawReturnType()));
    assertTrue(JDK.test(sample.get(List.class)));
    assertFalse(JDK.test(sample.get(JavaClass.class)), "ArchUnit is not part of the JDK");
    assertFalse(JDK.test(sample.get(Test.class)), "JUnit is not part of the JDK");
  }

  @Test
  void coreDependsOnTheJdkOnly() {
    check(
        classes()
            .that()
            .resideInAPackage("dev.heed.core..")
            .should()
            .onlyDependOnClassesThat(resideInAPackage("dev.heed.core..").or(JDK))
            .because("core has no third-party runtime dependency (DESIGN.md)"));
  }

  @Test
  void implementationModulesDependOnCoreAndTheJdkOnly() {
    List<String> modules = HeedModules.implementations();
    assertTrue(
        modules.containsAll(HeedModules.IMPLEMENTATIONS),
        "expected implementation modules " + HeedModules.IMPLEMENTATIONS + ", found " + modules);
    List<String> failures = new ArrayList<>();
    for (String module : modules) {
      List<String> allowed = new ArrayList<>(List.of(module + "..", "dev.heed.core.."));
      HeedModules.THIRD_PARTY.getOrDefault(module, List.of()).forEach(p -> allowed.add(p + ".."));
      ArchRule rule =
          classes()
              .that()
              .resideInAPackage(module + "..")
              .should()
              .onlyDependOnClassesThat(resideInAnyPackage(allowed.toArray(new String[0])).or(JDK))
              .because(
                  "implementation modules depend on core only (and the third-party libraries"
                      + " HeedModules.THIRD_PARTY allows them), never on each other");
      EvaluationResult result = rule.evaluate(heed);
      if (result.hasViolation()) {
        failures.add(result.getFailureReport().toString());
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void pretrainedDependsOnCoreAndJacksonOnly() {
    check(
        classes()
            .that()
            .resideInAPackage("dev.heed.pretrained..")
            .should()
            .onlyDependOnClassesThat(
                resideInAnyPackage(
                        "dev.heed.pretrained..", "dev.heed.core..", "com.fasterxml.jackson..")
                    .or(JDK))
            .because(
                "pretrained reaches blocks and tokenizers through the registry, not by a"
                    + " compile-time dependency on attention or any other plugin (DESIGN.md)"));
  }

  @Test
  void testkitDependsOnCoreTheReferenceBackendAndJUnitOnly() {
    check(
        classes()
            .that()
            .resideInAPackage("dev.heed.testkit..")
            .should()
            .onlyDependOnClassesThat(
                resideInAnyPackage(
                        "dev.heed.testkit..",
                        "dev.heed.core..",
                        "dev.heed.backend.cpu..",
                        "org.junit..",
                        "org.opentest4j..",
                        "org.apiguardian..")
                    .or(JDK))
            .because("the testkit compares against the reference backend with JUnit (DESIGN.md)"));
  }

  @Test
  void backendsHoldNoChecksAndPluginsIssueNoKernelsThemselves() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.heed.backend..")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("dev.heed.core.backend.Kernels")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("dev.heed.core.backend.CheckedBackend")
            .because(
                "core checks every kernel call once, before dispatch; backends implement unchecked"
                    + " kernels (DESIGN.md)"));
    check(
        noClasses()
            .that()
            .resideInAnyPackage(
                "dev.heed.activations..",
                "dev.heed.attention..",
                "dev.heed.recurrent..",
                "dev.heed.vision..",
                "dev.heed.optimizers..",
                "dev.heed.assembly..",
                "dev.heed.cli..")
            .should()
            .callMethodWhere(
                DescribedPredicate.describe(
                    "target is a kernel of dev.heed.core.backend.Backend",
                    (JavaMethodCall call) ->
                        call.getTargetOwner().isAssignableTo("dev.heed.core.backend.Backend")
                            && KERNELS.contains(call.getName())))
            .because(
                "plugins compute with core's tensor operations, which check arguments, record"
                    + " gradients and version writes; only core dispatches kernels"));
  }

  private static final Set<String> KERNELS =
      Set.of(
          "upload",
          "download",
          "fill",
          "copy",
          "unary",
          "binary",
          "where",
          "reduce",
          "softmax",
          "matmul",
          "gather",
          "scatterAdd",
          "random");

  @Test
  void nothingDependsOnTheCommandLineOrOnAssemblyBelowIt() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.heed.cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.heed.cli.."));
    check(
        noClasses()
            .that()
            .resideOutsideOfPackages("dev.heed.assembly..", "dev.heed.cli..", "dev.heed.serve..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.heed.assembly..")
            .because("assembly is below cli and serve only (DESIGN.md)"));
    check(
        noClasses()
            .that()
            .resideOutsideOfPackages("dev.heed.assembly..", "dev.heed.cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("com.google.inject..")
            .because("Guice appears only in assembly and cli; the SPI never mentions it"));
  }

  @Test
  void theServersWebStackStaysInServeAndNothingDependsOnServe() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.heed.serve..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.helidon..", "io.micrometer..", "io.prometheus..")
            .because(
                "serve sits beside cli; its web stack never reaches core, assembly or the"
                    + " plugins (DESIGN.md)"));
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.heed.serve..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.heed.serve..")
            .because(
                "heed serve is reached as the heed-serve ToolProvider, never compiled against"));
    assertTrue(
        heed.contain("dev.heed.serve.HeedServer"), "ArchUnit did not import the serve module");
  }

  @Test
  void onlyTheCommandLineWritesToStandardOutAndErr() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.heed.cli..")
            .and()
            .doNotHaveFullyQualifiedName("dev.heed.bench.Main")
            .and()
            .doNotHaveFullyQualifiedName("dev.heed.serve.ServeMain")
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because(
                "libraries log through System.Logger; only the CLI (and the command-line entry"
                    + " points of the benchmark driver and of heed serve) print"));
  }

  @Test
  void noClassCallsClassForName() {
    check(
        noClasses()
            .should()
            .callMethodWhere(
                DescribedPredicate.describe(
                    "target is Class.forName(..)",
                    (JavaMethodCall call) ->
                        call.getTargetOwner().isEquivalentTo(Class.class)
                            && call.getName().equals("forName")))
            .because("plugins are found with ServiceLoader only, never by reflection"));
  }

  @Test
  void onlyThePluginsClassRunsServiceLoader() {
    check(
        noClasses()
            .that()
            .doNotHaveFullyQualifiedName("dev.heed.core.Plugins")
            .should()
            .callMethodWhere(
                DescribedPredicate.describe(
                    "target is ServiceLoader.load*(..)",
                    (JavaMethodCall call) ->
                        call.getTargetOwner().isEquivalentTo(ServiceLoader.class)
                            && call.getName().startsWith("load")))
            .because("one registry runs ServiceLoader (DESIGN.md)"));
  }

  @Test
  void packagesAreFreeOfCycles() {
    Slices packages = Slices.matching("dev.heed.(**)").transform(heed);
    Set<String> names = new TreeSet<>();
    for (Slice s : packages) {
      names.add("dev.heed." + s.getNamePart(1));
    }
    // one slice per package, core's internal ones included, so that a cycle between any two
    // packages is caught
    List<String> expected = new ArrayList<>();
    for (String module : HeedModules.LIBRARY) {
      expected.addAll(HeedModules.descriptor(module).packages());
    }
    assertTrue(
        names.containsAll(expected),
        "slices " + names + " should contain every package of the library: " + expected);
    assertTrue(
        names.contains("dev.heed.core.internal.losses")
            && names.contains("dev.heed.core.tensor")
            && names.contains("dev.heed.core.nn"),
        "core's packages should be separate slices: " + names);
    check(slices().matching("dev.heed.(**)").should().beFreeOfCycles());
  }

  private static void check(ArchRule rule) {
    rule.check(heed);
  }
}
