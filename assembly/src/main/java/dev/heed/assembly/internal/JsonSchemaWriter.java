package dev.heed.assembly.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.api.PluginSet;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Provider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON Schema (draft 2020-12) of the config from {@link ConfigSchema} and the plugins'
 * declared options, for editor completion. Stateless.
 */
public final class JsonSchemaWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonSchemaWriter() {}

  /** The schema as pretty-printed JSON. */
  public static String write(PluginSet plugins) {
    Map<String, Object> root = section(ConfigSchema.ROOT, plugins);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    out.put("$id", "https://heed.dev/schema/config.json");
    out.put("title", "Heed config");
    out.putAll(root);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> section(Section s, PluginSet plugins) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "object");
    m.put("description", s.description());
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (Section.Field f : s.fields()) {
      Map<String, Object> p = type(f.type(), plugins);
      p.put("description", f.description());
      if (f.defaultValue() != null) {
        p.put("default", f.defaultValue());
      }
      props.put(f.name(), p);
      if (f.required()) {
        required.add(f.name());
      }
    }
    m.put("properties", props);
    if (!required.isEmpty()) {
      m.put("required", required);
    }
    m.put("additionalProperties", false);
    return m;
  }

  private static Map<String, Object> type(FieldType t, PluginSet plugins) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (t) {
      case FieldType.Int i -> {
        m.put("type", "integer");
        if (i.min() > Integer.MIN_VALUE) {
          m.put("minimum", i.min());
        }
        if (i.max() < Integer.MAX_VALUE) {
          m.put("maximum", i.max());
        }
      }
      case FieldType.Num n -> {
        m.put("type", "number");
        if (n.min() > -1e300) {
          m.put("minimum", n.min());
        }
        if (n.max() < 1e300) {
          m.put("maximum", n.max());
        }
      }
      case FieldType.Bool b -> m.put("type", "boolean");
      case FieldType.Text x -> {
        m.put("type", "string");
        if (!x.choices().isEmpty()) {
          m.put("enum", x.choices());
        }
      }
      case FieldType.Obj o -> m.putAll(section(o.section(), plugins));
      case FieldType.ListOf l -> {
        m.put("type", "array");
        m.put("items", type(l.item(), plugins));
        if (l.minSize() > 0) {
          m.put("minItems", l.minSize());
        }
      }
      case FieldType.Plugin p -> m.putAll(plugin(p, plugins));
      case FieldType.LayerSpec l -> {
        List<Object> any = new ArrayList<>();
        for (Provider p : plugins.layers().all()) {
          Map<String, Object> obj = options(p, plugins);
          @SuppressWarnings("unchecked")
          Map<String, Object> props = (Map<String, Object>) obj.get("properties");
          props.put("type", Map.of("const", p.name()));
          obj.put("required", required(p, "type"));
          any.add(obj);
        }
        m.put("anyOf", any);
      }
      case FieldType.DataSpec d -> {
        List<Object> any = new ArrayList<>();
        for (Provider p : plugins.datasets().all()) {
          Map<String, Object> obj = options(p, plugins);
          @SuppressWarnings("unchecked")
          Map<String, Object> props = (Map<String, Object>) obj.get("properties");
          Map<String, Object> common = section(d.section(), plugins);
          @SuppressWarnings("unchecked")
          Map<String, Object> commonProps = (Map<String, Object>) common.get("properties");
          props.putAll(commonProps);
          props.put("type", Map.of("const", p.name()));
          obj.put("required", required(p, "type"));
          any.add(obj);
        }
        m.put("anyOf", any);
      }
    }
    return m;
  }

  private static Map<String, Object> plugin(FieldType.Plugin p, PluginSet plugins) {
    List<String> names = new ArrayList<>();
    if (p.allowAuto()) {
      names.add("auto");
    }
    List<Object> objects = new ArrayList<>();
    for (Provider provider : plugins.registry(p.kind()).all()) {
      names.add(provider.name());
      Map<String, Object> obj = options(provider, plugins);
      @SuppressWarnings("unchecked")
      Map<String, Object> props = (Map<String, Object>) obj.get("properties");
      props.put("name", Map.of("const", provider.name()));
      obj.put("required", required(provider, "name"));
      objects.add(obj);
    }
    Map<String, Object> byName = new LinkedHashMap<>();
    byName.put("type", "string");
    byName.put("enum", names);
    List<Object> any = new ArrayList<>();
    any.add(byName);
    any.addAll(objects);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("anyOf", any);
    return m;
  }

  /**
   * A plugin named inside another's options: its name, or a mapping with its name (the nested
   * plugin's own options are not expanded, since a kind may nest itself, as residual does).
   */
  private static Map<String, Object> nestedPlugin(String kind, PluginSet plugins) {
    List<String> names = plugins.registry(kind).names();
    Map<String, Object> byName = new LinkedHashMap<>();
    byName.put("type", "string");
    byName.put("enum", names);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("type", "object");
    object.put("properties", Map.of("name", Map.of("enum", names)));
    object.put("required", List.of("name"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("anyOf", List.of(byName, object));
    return m;
  }

  /** {@code key} and the provider's required options. */
  private static List<String> required(Provider p, String key) {
    List<String> out = new ArrayList<>();
    out.add(key);
    for (OptionSpec o : p.options().options()) {
      if (o.required()) {
        out.add(o.name());
      }
    }
    return out;
  }

  /** The JSON Schema of a provider's options, derived from its declared option types. */
  private static Map<String, Object> options(Provider p, PluginSet plugins) {
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("type", "object");
    obj.put("description", p.description());
    Map<String, Object> props = new LinkedHashMap<>();
    for (OptionSpec o : p.options().options()) {
      Map<String, Object> s = new LinkedHashMap<>();
      boolean numeric = false;
      switch (o.type()) {
        case INTEGER -> {
          s.put("type", "integer");
          numeric = true;
        }
        case DOUBLE -> {
          s.put("type", "number");
          numeric = true;
        }
        case BOOLEAN -> s.put("type", "boolean");
        case STRING -> s.put("type", "string");
        case CHOICE -> s.put("enum", o.choices());
        case NUMBERS -> {
          s.put("type", "array");
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("type", "number");
          if (o.min() > -1e300) {
            item.put("minimum", o.min());
          }
          if (o.max() < 1e300) {
            item.put("maximum", o.max());
          }
          s.put("items", item);
          s.put("minItems", Math.max(1, o.length()));
          if (o.length() > 0) {
            s.put("maxItems", o.length());
          }
        }
        case STRINGS -> {
          s.put("type", "array");
          s.put("items", Map.of("type", "string"));
        }
        case PLUGIN -> s.putAll(nestedPlugin(o.kind(), plugins));
      }
      if (numeric && o.min() > -1e300) {
        s.put("minimum", o.min());
      }
      if (numeric && o.max() < 1e300) {
        s.put("maximum", o.max());
      }
      if (o.defaultValue() != null) {
        s.put("default", o.defaultValue());
      }
      s.put("description", o.description());
      props.put(o.name(), s);
    }
    obj.put("properties", props);
    obj.put("additionalProperties", false);
    return obj;
  }
}
