package dev.heed.assembly.data;

import dev.heed.assembly.api.ConfigException;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.SequenceLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Character-level language modelling on a text file ({@code data: {type: text, path: …}}). The file
 * is read whole (UTF-8) and cut into consecutive windows of {@code length} characters; the target
 * at every position is the character that follows it. Character {@code i} of the vocabulary
 * ((data.classes) is token {@code i + 1}; token 0 is padding and never a target. Immutable once
 * made.
 */
public final class TextDataset {
  private TextDataset() {}

  /** The distinct characters (code points) of {@code text}, sorted, each as a string. */
  public static List<String> characters(String text) {
    TreeSet<Integer> set = new TreeSet<>();
    text.codePoints().forEach(set::add);
    List<String> out = new ArrayList<>();
    for (int cp : set) {
      out.add(Character.toString(cp));
    }
    return out;
  }

  /**
   * The token ids of {@code text} under {@code characters} (character i is id i + 1).
   *
   * @param where names the text in the error
   * @throws ConfigException naming the first character not in the vocabulary and where it is
   */
  public static int[] encode(String text, List<String> characters, String where) {
    Map<Integer, Integer> ids = new HashMap<>();
    for (int i = 0; i < characters.size(); i++) {
      ids.put(characters.get(i).codePointAt(0), i + 1);
    }
    int[] cps = text.codePoints().toArray();
    int[] out = new int[cps.length];
    for (int i = 0; i < cps.length; i++) {
      Integer id = ids.get(cps[i]);
      if (id == null) {
        throw new ConfigException(
            where
                + ": character "
                + (i + 1)
                + " is '"
                + Character.toString(cps[i])
                + "' (U+"
                + String.format("%04X", cps[i])
                + "), which is not in the run's vocabulary of "
                + characters.size()
                + " characters (data.classes)");
      }
      out[i] = id;
    }
    return out;
  }

  /**
   * The data set of {@code path}: windows of {@code length} characters with next-character targets,
   * character i of {@code classes} being token i + 1.
   */
  public static Dataset of(Path path, List<String> classes, int length) throws IOException {
    int[] ids = encode(Utf8Text.read(path), classes, path.toString());
    int t = length;
    int v = classes.size() + 1;
    SequenceLayout layout = new SequenceLayout(t, v, true);
    int windows = Math.max(0, (ids.length - 1) / t);
    if (windows == 0) {
      throw new ConfigException(
          path
              + ": found "
              + ids.length
              + " characters, expected more than data.length = "
              + t
              + " to make one example");
    }
    int width = t + layout.targetWidth();
    float[] rows = new float[Math.multiplyExact(windows, width)];
    for (int n = 0; n < windows; n++) {
      int at = n * width;
      for (int i = 0; i < t; i++) {
        rows[at + i] = ids[n * t + i];
        rows[at + t + i * v + ids[n * t + i + 1]] = 1;
      }
    }
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < t; i++) {
      inputs.add("t" + i);
      outputs.add("y" + i + "=<pad>");
      for (String k : classes) {
        outputs.add("y" + i + "=" + k);
      }
    }
    return new SequenceDataset(new ArrayDataset(inputs, outputs, true, rows), layout);
  }

  /** The names and layout of {@link #of} without reading the file (no rows). */
  static Dataset shape(List<String> classes, int length) {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      inputs.add("t" + i);
      outputs.add("y" + i + "=<pad>");
      for (String k : classes) {
        outputs.add("y" + i + "=" + k);
      }
    }
    return new SequenceDataset(
        new ArrayDataset(inputs, outputs, true, new float[0]),
        new SequenceLayout(length, classes.size() + 1, true));
  }
}
