package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every optional backend capability (an interface of {@code dev.heed.core.backend} that extends
 * {@link Capability}) has a contract here: a public abstract class {@code <Capability>Contract} in
 * {@code dev.heed.testkit} with {@code protected abstract Backend backend()}, as the design asks
 * ("each has a testkit contract"). Read from the class files of core and the testkit.
 */
class EveryCapabilityHasAContractTest {

  @Test
  void everyCapabilityInterfaceHasAContract() {
    JavaClasses core = new ClassFileImporter().importPackages(Capability.class.getPackageName());
    List<String> capabilities = new ArrayList<>();
    for (JavaClass c : core) {
      if (c.getPackageName().equals(Capability.class.getPackageName())
          && c.isInterface()
          && c.isAssignableTo(Capability.class)
          && !c.isEquivalentTo(Capability.class)) {
        capabilities.add(c.getSimpleName());
      }
    }
    assertTrue(
        capabilities.contains("FusedAttention"),
        "the scan of " + Capability.class.getPackageName() + " found only " + capabilities);

    JavaClasses testkit =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(getClass().getPackageName());
    List<String> missing = new ArrayList<>();
    for (String capability : capabilities.stream().sorted().toList()) {
      String name = getClass().getPackageName() + "." + capability + "Contract";
      Optional<JavaClass> contract =
          testkit.stream().filter(c -> c.getName().equals(name)).findFirst();
      if (contract.isEmpty()) {
        missing.add(capability + ": no class " + name);
        continue;
      }
      JavaClass c = contract.get();
      boolean backendMethod =
          c.getMethods().stream()
              .anyMatch(m ->
                  m.getName().equals("backend")
                      && m.getParameters().isEmpty()
                      && m.getRawReturnType().isEquivalentTo(Backend.class)
                      && m.getModifiers().contains(JavaModifier.ABSTRACT)
                      && m.getModifiers().contains(JavaModifier.PROTECTED));
      if (!c.getModifiers().contains(JavaModifier.PUBLIC)
          || !c.getModifiers().contains(JavaModifier.ABSTRACT)
          || !backendMethod) {
        missing.add(
            capability
                + ": "
                + name
                + " must be a public abstract class with protected abstract Backend backend()");
      }
    }
    assertTrue(
        missing.isEmpty(),
        "capabilities without a testkit contract (write one, as FusedAttentionContract is):\n  "
            + String.join("\n  ", missing));
  }
}
