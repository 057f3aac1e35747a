package dev.heed.cli;

import java.lang.module.ModuleDescriptor;
import picocli.CommandLine.IVersionProvider;

/**
 * The version of {@code heed}: the module's version on the module path, else the jar manifest's
 * {@code Implementation-Version} (class path, single jar).
 */
final class Version implements IVersionProvider {

  /** The Heed version, or {@code unknown}. */
  static String heed() {
    Module m = Version.class.getModule();
    ModuleDescriptor d = m.getDescriptor();
    if (d != null && d.rawVersion().isPresent()) {
      return d.rawVersion().get();
    }
    Package p = Version.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "heed " + heed(),
      "Java "
          + Runtime.version()
          + " ("
          + System.getProperty("java.vm.name", "?")
          + ", "
          + System.getProperty("os.name", "?")
          + " "
          + System.getProperty("os.arch", "?")
          + ")"
    };
  }
}
