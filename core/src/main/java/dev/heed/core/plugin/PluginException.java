package dev.heed.core.plugin;

/** A problem with the plugins found on the path: an unknown name, a duplicate, a broken jar. */
public class PluginException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, where, and what would be right
   */
  public PluginException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, where, and what would be right
   * @param cause the underlying error
   */
  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }
}
