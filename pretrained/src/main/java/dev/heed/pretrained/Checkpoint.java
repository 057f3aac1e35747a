package dev.heed.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists. Every shard is checked against the index before any
 * data is read: a missing shard, a tensor the index puts in another file, a tensor the index names
 * but no shard holds, a name in two shards, or a {@code total_size} that disagrees with the shards'
 * headers is an error naming the file. A truncated or corrupt file is reported by {@link
 * SafeTensors} with its path.
 */
public final class Checkpoint {
  /** The single-file weights. */
  public static final String SINGLE = "model.safetensors";

  /** The index of sharded weights. */
  public static final String INDEX = "model.safetensors.index.json";

  private Checkpoint() {}

  /** The safetensors files of {@code dir}, checked against the index when sharded. */
  public static List<Path> files(Path dir) {
    Path index = dir.resolve(INDEX);
    if (Files.isRegularFile(index)) {
      return shards(dir, index);
    }
    Path single = dir.resolve(SINGLE);
    if (Files.isRegularFile(single)) {
      return List.of(single);
    }
    throw new PretrainedException(
        dir
            + ": no weights: expected "
            + SINGLE
            + " or "
            + INDEX
            + " (PyTorch pickles such as pytorch_model.bin are not read)");
  }

  /** Where a stored tensor is: its file and its header entry. */
  public record Located(Path file, SafeTensors.Entry entry) {}

  /**
   * Every tensor of {@code dir}'s weights by name, from the headers alone (no data is read), in
   * file and data order.
   */
  public static Map<String, Located> entries(Path dir) {
    Map<String, Located> out = new LinkedHashMap<>();
    for (Path f : files(dir)) {
      try {
        for (SafeTensors.Entry e : SafeTensors.entries(f)) {
          Located other = out.put(e.name(), new Located(f, e));
          if (other != null) {
            throw new PretrainedException(
                f + ": tensor '" + e.name() + "' is also in " + other.file());
          }
        }
      } catch (IOException e) {
        throw new PretrainedException(f + ": cannot be read: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Reads the tensors of {@code dir}'s weights one at a time onto {@code backend}, handing each to
   * {@code action} by name; 16-bit floats are widened to {@code halves}. The caller owns (and
   * should close) each tensor, so no more than one is held at a time; they belong to the caller's
   * open scope, if any.
   */
  public static void forEach(
      Path dir, Backend backend, DType halves, BiConsumer<String, Tensor> action) {
    for (Path f : files(dir)) {
      try {
        SafeTensors.forEach(f, backend, halves, (e, t) -> action.accept(e.name(), t));
      } catch (IOException e) {
        throw new PretrainedException(f + ": cannot be read: " + e.getMessage(), e);
      }
    }
  }

  private static List<Path> shards(Path dir, Path index) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(index));
    } catch (IOException e) {
      throw new PretrainedException(index + ": not readable JSON: " + e.getMessage(), e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new PretrainedException(
          index + ": expected an object with a non-empty \"weight_map\" of tensor name to file");
    }
    Map<String, TreeSet<String>> byFile = new TreeMap<>();
    for (var e : map.properties()) {
      if (!e.getValue().isTextual()) {
        throw new PretrainedException(
            index + ": weight_map['" + e.getKey() + "'] must be a file name, got " + e.getValue());
      }
      String file = e.getValue().textValue();
      Path p = dir.resolve(file).normalize();
      if (!p.getParent().equals(dir.normalize()) || file.contains("/") || file.contains("\\")) {
        throw new PretrainedException(
            index + ": weight_map['" + e.getKey() + "'] = '" + file + "' is not a file in " + dir);
      }
      byFile.computeIfAbsent(file, k -> new TreeSet<>()).add(e.getKey());
    }
    List<Path> files = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    long total = 0;
    for (var e : byFile.entrySet()) {
      Path p = dir.resolve(e.getKey());
      if (!Files.isRegularFile(p)) {
        throw new PretrainedException(
            p
                + ": missing shard ("
                + index.getFileName()
                + " maps "
                + e.getValue().size()
                + " tensors to it, first '"
                + e.getValue().first()
                + "')");
      }
      List<SafeTensors.Entry> entries;
      try {
        entries = SafeTensors.entries(p);
      } catch (IOException ex) {
        throw new PretrainedException(p + ": cannot be read: " + ex.getMessage(), ex);
      }
      TreeSet<String> held = new TreeSet<>();
      for (SafeTensors.Entry en : entries) {
        held.add(en.name());
        total += en.end() - en.begin();
        String other = seen.put(en.name(), e.getKey());
        if (other != null) {
          throw new PretrainedException(
              p + ": tensor '" + en.name() + "' is also in " + dir.resolve(other));
        }
      }
      TreeSet<String> absent = new TreeSet<>(e.getValue());
      absent.removeAll(held);
      if (!absent.isEmpty()) {
        throw new PretrainedException(
            p + ": lacks " + absent + ", which " + index.getFileName() + " puts in it");
      }
      TreeSet<String> extra = new TreeSet<>(held);
      extra.removeAll(e.getValue());
      if (!extra.isEmpty()) {
        throw new PretrainedException(
            p
                + ": holds "
                + extra
                + ", which "
                + index.getFileName()
                + " does not put in it (inconsistent shards)");
      }
      files.add(p);
    }
    JsonNode size = root.path("metadata").path("total_size");
    if (size.isNumber() && size.longValue() != total) {
      throw new PretrainedException(
          index
              + ": metadata.total_size is "
              + size.longValue()
              + " bytes but the shards hold "
              + total
              + " bytes of tensors (inconsistent or truncated shards)");
    }
    return files;
  }
}
