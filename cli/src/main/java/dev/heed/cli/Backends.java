package dev.heed.cli;

import dev.heed.core.Plugins;
import java.util.ArrayList;

/** Completion candidates for {@code --backend}: {@code auto} and every backend found. */
final class Backends extends ArrayList<String> {
  private static final long serialVersionUID = 1L;

  Backends() {
    add("auto");
    try {
      addAll(Plugins.shared().backends().names());
    } catch (RuntimeException e) {
      // a broken plugin path: listed by 'heed plugins', not here
    }
  }
}
