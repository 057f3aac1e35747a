package dev.heed.cli;

import dev.heed.core.PluginKinds;
import dev.heed.core.Plugins;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.ProviderInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code heed plugins [--kind K] [NAME]}: what the registry found, with options and origins. */
@Command(
    name = "plugins",
    mixinStandardHelpOptions = true,
    description = {
      "List the plugins found on the module path (or class path): name, kind, module, version,"
          + " jar, availability and options.",
      "With NAME, show that plugin in detail."
    })
final class PluginsCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Option(
      names = {"-k", "--kind"},
      paramLabel = "KIND",
      completionCandidates = Kinds.class,
      description = "Only this kind: ${COMPLETION-CANDIDATES}.")
  String kind;

  @Option(
      names = {"-l", "--long"},
      description = "Show every plugin in detail: jar, class, priority and each option.")
  boolean detailed;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME",
      description = "A plugin name (or alias) to show in detail.")
  String name;

  /** The kind words in listing order, from core's table of kinds. */
  static List<String> kinds() {
    return PluginKinds.words();
  }

  /** Completion candidates for {@code --kind}. */
  static final class Kinds extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Kinds() {
      super(PluginKinds.words());
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = parent.io().out();
    Plugins plugins = Plugins.shared();
    List<String> kinds = kinds();
    if (kind != null) {
      String k = kind.toLowerCase(Locale.ROOT);
      if (!kinds.contains(k)) {
        throw new BadInputException(
            "unknown plugin kind '"
                + kind
                + "'"
                + Suggest.didYouMean(kind, kinds)
                + "; kinds are: "
                + String.join(", ", kinds));
      }
      kinds = List.of(k);
    }
    if (name != null) {
      List<ProviderInfo> found = new ArrayList<>();
      List<String> all = new ArrayList<>();
      for (String k : kinds) {
        var registry = plugins.registry(k);
        registry.info(name).ifPresent(found::add);
        for (ProviderInfo info : registry.infos()) {
          all.add(info.name());
          all.addAll(info.aliases());
        }
      }
      if (found.isEmpty()) {
        throw new BadInputException(
            "no "
                + (kind == null ? "plugin" : kinds.get(0))
                + " named '"
                + name
                + "'"
                + Suggest.didYouMean(name, all)
                + "; run 'heed plugins"
                + (kind == null ? "" : " --kind " + kinds.get(0))
                + "' to list them");
      }
      for (int i = 0; i < found.size(); i++) {
        if (i > 0) {
          out.println();
        }
        detail(out, found.get(i));
      }
      return Exits.OK;
    }
    // two providers of one name: a warning here, an error only where that name is used
    for (String k : kinds) {
      for (String w : plugins.registry(k).warnings()) {
        out.println("warning: " + w);
      }
    }
    boolean first = true;
    for (String k : kinds) {
      List<ProviderInfo> infos = plugins.registry(k).infos();
      if (!first) {
        out.println();
      }
      first = false;
      out.println(plural(k) + " (" + infos.size() + ")");
      if (infos.isEmpty()) {
        out.println("  (none found)");
      }
      int width = 0;
      for (ProviderInfo info : infos) {
        width = Math.max(width, info.name().length());
      }
      for (ProviderInfo info : infos) {
        if (detailed) {
          detail(out, info);
        } else {
          summary(out, info, width);
        }
      }
    }
    out.println();
    if (!detailed) {
      out.println("'heed plugins NAME' or 'heed plugins --long' shows options in detail.");
    }
    return Exits.OK;
  }

  private static String plural(String kind) {
    return PluginKinds.of(kind).plural();
  }

  private static void summary(PrintWriter out, ProviderInfo info, int width) {
    StringBuilder b = new StringBuilder("  ");
    b.append(pad(info.name(), width)).append("  ");
    b.append(info.module()).append(' ').append(info.version());
    String jar = jarName(info.location());
    if (!jar.isEmpty()) {
      b.append(" (").append(jar).append(')');
    }
    if (!info.availability().isAvailable()) {
      b.append("  UNAVAILABLE: ").append(info.availability().reason());
    }
    out.println(b);
    String indent = " ".repeat(width + 4);
    if (!info.description().isBlank()) {
      out.println(indent + info.description());
    }
    List<OptionSpec> options = info.options().options();
    if (!options.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (OptionSpec o : options) {
        parts.add(o.name() + "=" + defaultText(o));
      }
      out.println(indent + "options: " + String.join(", ", parts));
    }
  }

  private static void detail(PrintWriter out, ProviderInfo info) {
    out.println(info.name() + " (" + info.kind() + ")");
    if (!info.description().isBlank()) {
      out.println("  " + info.description());
    }
    if (!info.aliases().isEmpty()) {
      out.println("  aliases:      " + String.join(", ", info.aliases()));
    }
    out.println("  module:       " + info.module() + " " + info.version());
    out.println("  location:     " + info.location());
    out.println("  class:        " + info.providerClass());
    out.println("  priority:     " + info.priority());
    out.println(
        "  availability: "
            + (info.availability().isAvailable()
                ? "available"
                : "unavailable: " + info.availability().reason()));
    List<OptionSpec> options = info.options().options();
    if (options.isEmpty()) {
      out.println("  options:      none");
      return;
    }
    out.println("  options:");
    int nw = 0;
    int tw = 0;
    int dw = 0;
    for (OptionSpec o : options) {
      nw = Math.max(nw, o.name().length());
      tw = Math.max(tw, o.type().word().length());
      dw = Math.max(dw, defaultText(o).length());
    }
    for (OptionSpec o : options) {
      String allowed = o.allowed();
      String extra = allowed.equals(o.type().withArticle()) ? "" : " (" + allowed + ")";
      out.println(
          "    "
              + pad(o.name(), nw)
              + "  "
              + pad(o.type().word(), tw)
              + "  "
              + pad(defaultText(o), dw)
              + "  "
              + o.description()
              + extra);
    }
  }

  /** The file name of a location such as {@code file:/…/lib/heed-backend-cpu-1.0.jar}. */
  static String jarName(String location) {
    if (location == null || location.equals("unknown")) {
      return "";
    }
    String l = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    return l.substring(l.lastIndexOf('/') + 1);
  }

  private static String defaultText(OptionSpec o) {
    return o.required()
        ? "(required)"
        : o.defaultValue() == null ? "(none)" : String.valueOf(o.defaultValue());
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
