package dev.heed.assembly;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.Config;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.internal.ConfigLoader;
import dev.heed.assembly.internal.JsonSchemaWriter;
import dev.heed.core.plugin.PluginException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One-line facade for application developers and the command line.
 *
 * <pre>{@code
 * try (Assembly a = Heed.assemble(Path.of("examples/seed-simple.yaml"))) {
 *   TrainResult r = a.train(Path.of("runs/first"), null);
 * }
 * }</pre>
 *
 * Plugins come from {@link dev.heed.core.Plugins#shared()}. Stateless and thread-safe.
 */
public final class Heed {
  private static final List<String> TEMPLATES =
      List.of(
          "seed-simple", "seed-deep", "feature-attention", "marked-token-recall", "digit-reversal");

  /**
   * Guice reads class files with an ASM that predates Java 25 to put line numbers into its own
   * messages, and logs a warning with a stack trace ("Unsupported class file major version") when
   * it cannot. Heed never shows Guice's messages, so that logger is silenced; held here so the
   * setting is not collected with the logger.
   */
  private static final Logger GUICE_LINE_NUMBERS =
      Logger.getLogger("com.google.inject.internal.util.LineNumbers");

  static {
    GUICE_LINE_NUMBERS.setLevel(Level.OFF);
  }

  private Heed() {}

  /**
   * Reads YAML or JSON (by the extension {@code .json}; anything else is YAML), applies {@code
   * --set}-style overrides {@code a.b=value} (the value read as a YAML scalar), and validates.
   *
   * @throws ConfigException naming the file, line, column, config path, what was found and what is
   *     allowed
   */
  public static Config loadConfig(Path file, List<String> overrides) throws IOException {
    return loadConfig(file, overrides, PluginSet.shared());
  }

  /** {@link #loadConfig(Path, List)} against the given registries. */
  public static HeedConfig loadConfig(Path file, List<String> overrides, PluginSet plugins)
      throws IOException {
    return ConfigLoader.load(file, overrides, plugins);
  }

  /**
   * Builds everything (with Guice): backend ({@code auto} or by name; a non-null {@code
   * backendOverride} replaces the config's), model, optimizer, schedule, data and trainer. The
   * backend is opened when training starts.
   *
   * @throws ConfigException when the backend is unknown or unavailable
   */
  public static Assembly assemble(Config config, String backendOverride) {
    return assemble(config, backendOverride, PluginSet.shared());
  }

  /** {@link #assemble(Config, String)} against the given registries. */
  public static Assembly assemble(Config config, String backendOverride, PluginSet plugins) {
    HeedConfig c = (HeedConfig) config;
    Injector injector = injector(new HeedModule(c, backendOverride, plugins));
    HeedAssembly a = new HeedAssembly(c, injector, null);
    a.notes(); // choose the backend now, so a bad name fails here
    return a;
  }

  /** {@code assemble(loadConfig(file, List.of()), null)}. */
  public static Assembly assemble(Path file) throws IOException {
    return assemble(loadConfig(file, List.of()), null);
  }

  /**
   * Reopens a run directory to continue training exactly where it stopped: {@code resume(dir,
   * null).train(dir, listener)} gives the losses an uninterrupted run would have.
   *
   * @throws ConfigException when {@code runDir} is not a run directory
   */
  public static Assembly resume(Path runDir, String backendOverride) throws IOException {
    HeedConfig c = runConfig(runDir);
    Injector injector = injector(new HeedModule(c, backendOverride, PluginSet.shared()));
    HeedAssembly a = new HeedAssembly(c, injector, runDir);
    a.notes();
    return a;
  }

  /** Opens a finished (or interrupted) run directory for evaluation and prediction. */
  public static TrainedModel open(Path runDir, String backendOverride) throws IOException {
    HeedConfig c = runConfig(runDir);
    return RunModel.open(runDir, c, backendOverride, PluginSet.shared());
  }

  /** The resolved config of a run directory. */
  static HeedConfig runConfig(Path runDir) throws IOException {
    Path file = runDir.resolve(HeedAssembly.CONFIG);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          runDir
              + ": not a Heed run directory (no "
              + HeedAssembly.CONFIG
              + "); expected a directory that `heed train` wrote");
    }
    return ConfigLoader.load(file, List.of(), PluginSet.shared(), true);
  }

  /** Names of the starter templates for {@code heed init}. */
  public static List<String> templates() {
    return TEMPLATES;
  }

  /**
   * The YAML text of a template.
   *
   * @throws ConfigException for an unknown name, listing the names with a "did you mean"
   */
  public static String template(String name) {
    Objects.requireNonNull(name, "name");
    if (!TEMPLATES.contains(name)) {
      throw new ConfigException(
          "unknown template '"
              + name
              + "'"
              + dev.heed.core.plugin.Suggestions.didYouMean(name, TEMPLATES)
              + "; templates: "
              + String.join(", ", TEMPLATES));
    }
    try (InputStream in = Heed.class.getResourceAsStream("templates/" + name + ".yaml")) {
      if (in == null) {
        throw new IllegalStateException("template resource " + name + ".yaml is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON Schema (draft 2020-12) of the config, generated from the config model. */
  public static String jsonSchema() {
    return JsonSchemaWriter.write(PluginSet.shared());
  }

  private static Injector injector(HeedModule module) {
    return unwrap(() -> Guice.createInjector(module));
  }

  /** Runs {@code action}, rethrowing the config or plugin error inside a Guice exception. */
  static <T> T unwrap(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (ProvisionException | CreationException e) {
      Throwable cause = e.getCause();
      if (cause == null) {
        for (Message m :
            e instanceof ProvisionException p
                ? p.getErrorMessages()
                : ((CreationException) e).getErrorMessages()) {
          if (m.getCause() != null) {
            cause = m.getCause();
            break;
          }
        }
      }
      if (cause instanceof ConfigException c) {
        throw c;
      }
      if (cause instanceof PluginException p) {
        throw new ConfigException(p.getMessage(), p);
      }
      if (cause instanceof IllegalArgumentException a) {
        // a plugin refused what the config gave it when it was created
        throw new ConfigException(a.getMessage(), a);
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      // never Guice's own text: it names Guice's classes and its wiki
      throw new IllegalStateException(
          "cannot build the assembly" + (cause == null ? "" : ": " + cause), cause);
    }
  }

  /** {@link #unwrap} for actions that throw {@link IOException}. */
  static <T> T unwrapIo(IoAction<T> action) throws IOException {
    try {
      return unwrap(() -> {
        try {
          return action.run();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** An action that may throw {@link IOException}. */
  interface IoAction<T> {
    T run() throws IOException;
  }
}
