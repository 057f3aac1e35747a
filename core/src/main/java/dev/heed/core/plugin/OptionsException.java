package dev.heed.core.plugin;

/**
 * An option value that does not fit a provider's declared schema. The message names the owner (for
 * example {@code activation 'leaky-relu'}), the option, what was found and what is allowed.
 */
public class OptionsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String option;

  /**
   * @param option the offending option name
   * @param message the full message
   */
  public OptionsException(String option, String message) {
    super(message);
    this.option = option;
  }

  /** The offending option name. */
  public String option() {
    return option;
  }
}
