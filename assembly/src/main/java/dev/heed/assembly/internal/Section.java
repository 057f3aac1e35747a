package dev.heed.assembly.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys of one config mapping.
 *
 * @param description one line, for the JSON Schema and the README
 * @param fields the keys, in documentation order
 */
public record Section(String description, List<Field> fields) {

  /** Copies. */
  public Section {
    fields = List.copyOf(fields);
  }

  /** The section with these fields. */
  public static Section of(String description, Field... fields) {
    return new Section(description, List.of(fields));
  }

  /** The key names, in order. */
  public List<String> names() {
    List<String> n = new ArrayList<>();
    for (Field f : fields) {
      n.add(f.name());
    }
    return n;
  }

  /** The field named {@code name}, or null. */
  public Field field(String name) {
    for (Field f : fields) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /**
   * One key.
   *
   * @param name the key
   * @param type its type
   * @param defaultValue the default, or null when there is none
   * @param required whether the key must be given
   * @param description one line
   */
  public record Field(
      String name, FieldType type, Object defaultValue, boolean required, String description) {

    /** A required key. */
    public static Field required(String name, FieldType type, String description) {
      return new Field(name, type, null, true, description);
    }

    /** An optional key with a default (null: unset unless given). */
    public static Field optional(
        String name, FieldType type, Object defaultValue, String description) {
      return new Field(name, type, defaultValue, false, description);
    }
  }
}
