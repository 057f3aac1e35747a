package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.plugin.Provider;
import dev.heed.core.plugin.Registry;
import java.util.Map;

/** Checks every provider contract shares: registration, naming, options. */
final class ProviderChecks {
  private static final String NAME = "[a-z0-9]+(-[a-z0-9]+)*";
  private static final String OPTION = "[a-z0-9]+(_[a-z0-9]+)*";

  private ProviderChecks() {}

  /** {@code kind 'name'}, as messages and option owners name a provider. */
  static String owner(String kind, Provider p) {
    return kind + " '" + p.name() + "'";
  }

  /** The options {@code raw} resolved against the provider's schema. */
  static Options resolve(String kind, Provider p, Map<String, Object> raw) {
    return p.options().resolve(owner(kind, p), raw, Plugins.shared());
  }

  /**
   * The registry finds the provider by its name and each alias, as the same class; the name follows
   * the lower-case-with-hyphens convention and the description is not blank.
   */
  static void assertRegistered(Registry<?> registry, Provider p) {
    String owner = owner(registry.kind(), p);
    Provider found =
        registry
            .find(p.name())
            .orElseThrow(() ->
                new AssertionError(
                    owner
                        + " is not registered (found: "
                        + registry.names()
                        + "); declare it with `provides … with "
                        + p.getClass().getName()
                        + ";` in module-info.java and in META-INF/services"));
    assertSame(
        p.getClass(),
        found.getClass(),
        owner + ": the registry answers the name with " + found.getClass().getName());
    assertTrue(
        p.name().matches(NAME),
        owner + ": names are lower-case words joined by hyphens (for example leaky-relu)");
    assertFalse(p.description().isBlank(), owner + ": description() must say what it does");
    for (String alias : p.aliases()) {
      assertSame(
          p.getClass(),
          registry.get(alias).getClass(),
          owner + ": alias '" + alias + "' finds another provider");
    }
  }

  /**
   * Every declared option is well formed, the defaults resolve to themselves, and {@code raw}
   * resolves keeping the defaults of the options it does not set.
   */
  static void assertOptions(String kind, Provider p, Map<String, Object> raw) {
    String owner = owner(kind, p);
    OptionsSchema schema = p.options();
    boolean required = false;
    for (OptionSpec o : schema.options()) {
      String where = owner + " option '" + o.name() + "'";
      assertTrue(o.name().matches(OPTION), where + ": option names are lower_snake_case");
      assertFalse(o.description().isBlank(), where + ": needs a one-line description");
      Object d = o.defaultValue();
      if (d == null) {
        // no default: either required, or optional (absent unless given)
        required |= o.required();
        continue;
      }
      switch (o.type()) {
        case INTEGER -> assertTrue(d instanceof Integer, where + ": default must be an Integer");
        case DOUBLE -> assertTrue(d instanceof Number, where + ": default must be a number");
        case BOOLEAN -> assertTrue(d instanceof Boolean, where + ": default must be a Boolean");
        case STRING -> assertTrue(d instanceof String, where + ": default must be a String");
        case CHOICE ->
            assertTrue(o.choices().contains(d), where + ": default must be one of the choices");
      }
      if (d instanceof Number n) {
        assertTrue(
            n.doubleValue() >= o.min() && n.doubleValue() <= o.max(),
            where + ": default " + d + " is outside its range " + o.allowed());
      }
    }
    if (required) {
      assertThrows(
          OptionsException.class,
          () -> schema.resolve(owner, Map.of()),
          owner + ": a missing required option must be an OptionsException");
    } else {
      Options defaults = schema.resolve(owner, Map.of(), Plugins.shared());
      for (OptionSpec o : schema.options()) {
        assertEquals(
            o.defaultValue(),
            plain(defaults.asMap().get(o.name())),
            owner + " option '" + o.name() + "' does not resolve to its default");
      }
    }
    Options resolved = schema.resolve(owner, raw, Plugins.shared());
    for (OptionSpec o : schema.options()) {
      if (!raw.containsKey(o.name())) {
        assertEquals(
            o.defaultValue(),
            plain(resolved.asMap().get(o.name())),
            owner + " option '" + o.name() + "' lost its default");
      }
    }
  }

  /** A resolved value as its default is declared: a nested plugin by its name. */
  private static Object plain(Object v) {
    return v instanceof Configured<?> c ? c.name() : v;
  }
}
