package dev.heed.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * heed-spark's place in the dependency rules (it runs on the class path, so JPMS does not enforce
 * them and the module-path ArchUnit tests of integration-tests do not see it): the bridge uses
 * Heed's public API (core and assembly) and Spark, never the command line, the server or a plugin
 * module's internals; only its two entry points (the spark-submit main class and the benchmark)
 * write to standard out.
 */
class SparkArchitectureTest {
  private static final JavaClasses BRIDGE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.heed.spark");

  @Test
  void theBridgeDependsOnCoreAssemblySparkAndTheJdkOnly() {
    classes()
        .that()
        .resideInAPackage("dev.heed.spark..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "dev.heed.spark..",
            "dev.heed.core..",
            "dev.heed.assembly..",
            "org.apache.spark..",
            "org.apache.hadoop..",
            "scala..",
            "com.fasterxml.jackson..",
            "com.google.inject..",
            "java..",
            "javax..",
            "jdk..",
            "")
        .check(BRIDGE);
  }

  @Test
  void theBridgeUsesNoPluginModuleNorTheCommandLineNorTheServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.heed.spark..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.heed.cli..",
            "dev.heed.serve..",
            "dev.heed.backend..",
            "dev.heed.attention..",
            "dev.heed.optimizers..",
            "dev.heed.activations..",
            "dev.heed.vision..",
            "dev.heed.recurrent..",
            "dev.heed.pretrained..")
        .check(BRIDGE);
  }

  @Test
  void onlyTheEntryPointsWriteToStandardOut() {
    noClasses()
        .that()
        .resideInAPackage("dev.heed.spark..")
        .and()
        .doNotHaveSimpleName("SparkTrain")
        .and()
        .doNotHaveSimpleName("SparkBench")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .check(BRIDGE);
  }
}
