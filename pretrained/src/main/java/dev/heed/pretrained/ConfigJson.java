package dev.heed.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;

/**
 * A Hugging Face {@code config.json} read once, with typed getters that name the file and the field
 * in their errors. Fields a family does not read are ignored unless it asks for them: the families
 * refuse, with {@link #requireIn}, every field whose value would change the math they implement.
 */
public final class ConfigJson {
  private final Path file;
  private final JsonNode root;
  private final String prefix;

  private ConfigJson(Path file, JsonNode root, String prefix) {
    this.file = file;
    this.root = root;
    this.prefix = prefix;
  }

  /**
   * Reads {@code file}.
   *
   * @throws PretrainedException when it is missing or not a JSON object
   */
  public static ConfigJson read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new PretrainedException(file + ": not found (a model directory needs config.json)");
    } catch (IOException e) {
      throw new PretrainedException(file + ": not readable JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new PretrainedException(file + ": expected a JSON object");
    }
    return new ConfigJson(file, root, "");
  }

  /** The file it was read from. */
  public Path file() {
    return file;
  }

  /** Whether {@code field} is present and not null. */
  public boolean has(String field) {
    JsonNode n = root.get(field);
    return n != null && !n.isNull();
  }

  private JsonNode node(String field) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? null : n;
  }

  /** The object {@code field} as a config of its own (errors name {@code field.x}), or null. */
  public ConfigJson object(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      throw new PretrainedException(
          file + ": '" + prefix + field + "' must be an object, got " + n);
    }
    return new ConfigJson(file, n, prefix + field + ".");
  }

  /** The number of entries of the object or array {@code field} (0 when absent). */
  public int count(String field) {
    JsonNode n = node(field);
    return n == null ? 0 : n.size();
  }

  /**
   * The single class name in {@code architectures}, or {@code fallback} when absent.
   *
   * @throws PretrainedException when it lists several or is not a list of strings
   */
  public String architecture(String fallback) {
    JsonNode a = node("architectures");
    if (a == null) {
      return fallback;
    }
    if (!a.isArray() || a.size() != 1 || !a.get(0).isTextual()) {
      throw new PretrainedException(file + ": 'architectures' must list one class name, got " + a);
    }
    return a.get(0).textValue();
  }

  /** A required number. */
  public double number(String field) {
    if (!has(field)) {
      throw new PretrainedException(file + ": missing required field '" + prefix + field + "'");
    }
    return number(field, 0);
  }

  /** A required positive integer. */
  public int positive(String field) {
    if (!has(field)) {
      throw new PretrainedException(file + ": missing required field '" + prefix + field + "'");
    }
    return positive(field, 0);
  }

  /** A positive integer, or {@code fallback} when absent or null. */
  public int positive(String field, int fallback) {
    JsonNode n = node(field);
    if (n == null) {
      return fallback;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() <= 0) {
      throw new PretrainedException(
          file + ": '" + prefix + field + "' must be a positive integer, got " + n);
    }
    return n.intValue();
  }

  /** A non-negative integer, or {@code fallback} when absent or null. */
  public int nonNegative(String field, int fallback) {
    JsonNode n = node(field);
    if (n == null) {
      return fallback;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
      throw new PretrainedException(
          file + ": '" + prefix + field + "' must be an integer >= 0, got " + n);
    }
    return n.intValue();
  }

  /** A non-negative integer (a token id), or null when absent or null. */
  public Integer tokenId(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
      throw new PretrainedException(
          file + ": '" + prefix + field + "' must be a token id (an integer >= 0), got " + n);
    }
    return n.intValue();
  }

  /** Token ids given as one integer or a list of them; empty when absent or null. */
  public int[] tokenIds(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return new int[0];
    }
    if (!n.isArray()) {
      return new int[] {tokenId(field)};
    }
    int[] ids = new int[n.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode e = n.get(i);
      if (!e.isIntegralNumber() || !e.canConvertToInt() || e.intValue() < 0) {
        throw new PretrainedException(
            file + ": '" + prefix + field + "' must hold token ids (integers >= 0), got " + n);
      }
      ids[i] = e.intValue();
    }
    return ids;
  }

  /** A number, or {@code fallback} when absent or null. */
  public double number(String field, double fallback) {
    JsonNode n = node(field);
    if (n == null) {
      return fallback;
    }
    if (!n.isNumber()) {
      throw new PretrainedException(file + ": '" + prefix + field + "' must be a number, got " + n);
    }
    return n.doubleValue();
  }

  /** A boolean, or {@code fallback} when absent or null. */
  public boolean bool(String field, boolean fallback) {
    JsonNode n = node(field);
    if (n == null) {
      return fallback;
    }
    if (!n.isBoolean()) {
      throw new PretrainedException(
          file + ": '" + prefix + field + "' must be true or false, got " + n);
    }
    return n.booleanValue();
  }

  /** A string, or {@code fallback} when absent or null. */
  public String string(String field, String fallback) {
    JsonNode n = node(field);
    if (n == null) {
      return fallback;
    }
    if (!n.isTextual()) {
      throw new PretrainedException(file + ": '" + prefix + field + "' must be a string, got " + n);
    }
    return n.textValue();
  }

  /**
   * Refuses a value of {@code field} (its default when absent) that the family does not implement.
   *
   * @param why what the field does, for the message
   */
  public void requireIn(String field, Object value, Collection<?> supported, String why) {
    for (Object s : supported) {
      if (Objects.equals(s, value)) {
        return;
      }
    }
    throw new PretrainedException(
        file
            + ": '"
            + prefix
            + field
            + "' = "
            + value
            + " is not supported ("
            + why
            + "; supported: "
            + supported
            + ")");
  }

  /** Refuses {@code field} when it is present and not null: it changes math not implemented. */
  public void requireAbsent(String field, String why) {
    if (has(field)) {
      throw new PretrainedException(
          file + ": '" + prefix + field + "' = " + node(field) + " is not supported (" + why + ")");
    }
  }
}
