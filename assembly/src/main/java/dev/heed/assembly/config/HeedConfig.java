package dev.heed.assembly.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.heed.assembly.api.Config;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.Origin;
import dev.heed.core.data.DataContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated, resolved Heed configuration. Made by {@link dev.heed.assembly.Heed#loadConfig};
 * immutable. {@link #origin(String)} says where any config path came from, so later checks (a
 * backend that is not available here, a CSV without the named column) can point at the line.
 *
 * @param file the config file, or null
 * @param description free text, or null
 * @param seed the seed of initialisation, data and shuffling
 * @param backend the backend, or {@code auto}
 * @param data the examples
 * @param model the network
 * @param loss the loss
 * @param optimizer the optimizer
 * @param schedule the learning-rate schedule, or null
 * @param training epochs, batches and stopping
 * @param distributed settings of distributed engines
 * @param tree the resolved config as plain values (what {@link #toYaml()} writes)
 * @param origins where each config path came from
 */
public record HeedConfig(
    Path file,
    String description,
    long seed,
    PluginRef backend,
    DataConfig data,
    ModelConfig model,
    PluginRef loss,
    PluginRef optimizer,
    PluginRef schedule,
    TrainingConfig training,
    DistributedConfig distributed,
    Map<String, Object> tree,
    Map<String, Origin> origins)
    implements Config {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .build();

  /** Read-only copies. */
  public HeedConfig {
    tree = Collections.unmodifiableMap(new LinkedHashMap<>(tree));
    origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
  }

  /** Where {@code path} (or the nearest enclosing path) came from, or null. */
  public Origin origin(String path) {
    String p = path;
    while (true) {
      Origin o = origins.get(p);
      if (o != null) {
        return o;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        return origins.get("");
      }
      p = p.substring(0, cut);
    }
  }

  /**
   * What a data set provider is given: relative files resolve against the directory of {@code file}
   * (the working directory when null).
   */
  public static DataContext dataContext(Path file, long seed, boolean reopening) {
    Path base = file == null ? Path.of("") : file.toAbsolutePath().getParent();
    return new DataContext(base == null ? Path.of("") : base, seed, reopening);
  }

  /** An error about {@code path}, located where it came from. */
  public ConfigException error(String path, String problem) {
    return new ConfigException(origin(path), path, problem);
  }

  @Override
  public String toYaml() {
    try {
      return YAML.writeValueAsString(plain(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the config as YAML: " + e.getMessage(), e);
    }
  }

  /** The resolved tree with plugin references as mappings and unset keys left out. */
  public static Object plain(Object v) {
    if (v instanceof PluginRef r) {
      return r.options().asMap().isEmpty() ? r.name() : plain(r.toTree());
    }
    if (v instanceof dev.heed.core.plugin.Configured<?> c) {
      return plain(c.toTree());
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> {
        if (x != null) {
          out.put((String) k, plain(x));
        }
      });
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        out.add(plain(x));
      }
      return out;
    }
    return v;
  }
}
