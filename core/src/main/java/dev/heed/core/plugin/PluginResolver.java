package dev.heed.core.plugin;

/**
 * Finds the plugin that an option of type {@link OptionType#PLUGIN} names and resolves its own
 * options, once. {@link dev.heed.core.Plugins} is one; so is a registry set of an application.
 */
@FunctionalInterface
public interface PluginResolver {

  /** Resolves no plugin: a plugin option must already be given as a {@link Configured}. */
  PluginResolver NONE =
      (kind, spec, owner) -> {
        throw new OptionsException(
            "", owner + ": no plugins are available to resolve the " + kind + " " + spec);
      };

  /**
   * The plugin {@code spec} names.
   *
   * @param kind the kind word ({@code activation}, {@code attention}, …)
   * @param spec a name, a map of {@code name} and options, or a {@link Configured} (returned as is
   *     when of the kind)
   * @param owner what the option belongs to, for messages ({@code layer 'self-attention' option
   *     'unit'})
   * @throws OptionsException naming the option at fault within {@code spec} ({@code name}, or one
   *     of its options)
   * @throws UnknownPluginException when no provider of the kind answers to the name
   */
  Configured<?> resolve(String kind, Object spec, String owner);
}
