package dev.heed.assembly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.api.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * Source/target pairs of characters for an encoder–decoder model of named parts ({@link Seq2Seq}):
 * the generated {@code date-format} task, or a JSON-lines file of pairs ({@code pairs}).
 *
 * <p>Tokens are characters: the alphabet's characters are ids {@code 0 … n-1}, then the start, stop
 * and padding tokens ({@code n}, {@code n+1}, {@code n+2}), so the vocabulary is {@code n+3}.
 */
public final class Seq2SeqData {
  /** The characters of {@code date-format}: digits, slash and dash (vocabulary 15). */
  static final String DATE_ALPHABET = "0123456789/-";

  private static final long FIRST_DAY = LocalDate.of(1900, 1, 1).toEpochDay();
  private static final long LAST_DAY = LocalDate.of(2099, 12, 31).toEpochDay();

  /** One example: source and target text. */
  public record Pair(String source, String target) {}

  /**
   * The characters of a model's tokens.
   *
   * @param alphabet the characters, each once, in id order
   */
  public record Vocabulary(String alphabet) {
    /** The start token. */
    public int start() {
      return alphabet.length();
    }

    /** The stop token. */
    public int stop() {
      return alphabet.length() + 1;
    }

    /** The padding token. */
    public int pad() {
      return alphabet.length() + 2;
    }

    /** The number of token ids. */
    public int size() {
      return alphabet.length() + 3;
    }

    /**
     * The ids of {@code text}'s characters.
     *
     * @throws IllegalArgumentException naming {@code what}, the character and its position when one
     *     is not in the alphabet
     */
    public int[] encode(String text, String what) {
      int[] ids = new int[text.length()];
      for (int i = 0; i < ids.length; i++) {
        int id = alphabet.indexOf(text.charAt(i));
        if (id < 0) {
          throw new IllegalArgumentException(
              what
                  + ": character '"
                  + text.charAt(i)
                  + "' at position "
                  + (i + 1)
                  + " is not in the model's alphabet \""
                  + alphabet
                  + "\"");
        }
        ids[i] = id;
      }
      return ids;
    }

    /** The text of {@code ids} (ids outside the alphabet are left out). */
    public String decode(int[] ids) {
      StringBuilder b = new StringBuilder();
      for (int id : ids) {
        if (id >= 0 && id < alphabet.length()) {
          b.append(alphabet.charAt(id));
        }
      }
      return b.toString();
    }
  }

  private final String type;
  private final List<Pair> train;
  private final List<Pair> validation;
  private final Vocabulary vocabulary;

  private Seq2SeqData(String type, List<Pair> train, List<Pair> validation, Vocabulary vocabulary) {
    this.type = type;
    this.train = train;
    this.validation = validation;
    this.vocabulary = vocabulary;
  }

  /**
   * The generated date-format task: a date written day/month/year without leading zeros ({@code
   * 3/7/1994}) to ISO 8601 ({@code 1994-07-03}), for dates 1900-01-01 to 2099-12-31; every tenth
   * day (epoch day divisible by 10) is held out, and {@code validationExamples} of those (drawn
   * with {@code seed}) are the validation set. Training pairs are drawn afresh for every batch.
   */
  static Seq2SeqData dateFormat(int validationExamples, long seed) {
    List<Pair> validation = drawDates(validationExamples, true, new SplittableRandom(seed));
    return new Seq2SeqData("date-format", null, validation, new Vocabulary(DATE_ALPHABET));
  }

  /** {@code n} date pairs from the training days ({@code heldOut} false) or the held-out ones. */
  public static List<Pair> drawDates(int n, boolean heldOut, SplittableRandom random) {
    List<Pair> out = new ArrayList<>();
    while (out.size() < n) {
      long day = random.nextLong(FIRST_DAY, LAST_DAY + 1);
      if ((Math.floorMod(day, 10) == 0) == heldOut) {
        LocalDate d = LocalDate.ofEpochDay(day);
        out.add(
            new Pair(
                d.getDayOfMonth() + "/" + d.getMonthValue() + "/" + d.getYear(), d.toString()));
      }
    }
    return out;
  }

  /**
   * Pairs from a JSON-lines file (gzip when the name ends with {@code .gz}): each line an object
   * whose {@code sourceField} and {@code targetField} are strings. Every {@code every}-th line
   * (counting from 1) is held out for validation, so the split needs no first pass. The alphabet is
   * every character the file uses, sorted.
   *
   * @throws ConfigException naming the file and line of a line that is not such an object, or an
   *     empty file
   */
  static Seq2SeqData jsonLines(Path file, String sourceField, String targetField, int every)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "data.path: " + file + " is not a file; expected a JSON-lines file of pairs");
    }
    List<Pair> train = new ArrayList<>();
    List<Pair> validation = new ArrayList<>();
    TreeSet<Character> chars = new TreeSet<>();
    List<Pair> all = readPairs(file, sourceField, targetField);
    for (int i = 0; i < all.size(); i++) {
      Pair p = all.get(i);
      for (char c : (p.source() + p.target()).toCharArray()) {
        chars.add(c);
      }
      ((i + 1) % every == 0 ? validation : train).add(p);
    }
    if (train.isEmpty() || validation.isEmpty()) {
      throw new ConfigException(
          file
              + ": "
              + all.size()
              + " pairs, too few for a training and a validation part (every "
              + every
              + "th pair is held out); expected at least "
              + every
              + " lines");
    }
    StringBuilder alphabet = new StringBuilder();
    chars.forEach(alphabet::append);
    return new Seq2SeqData("pairs", train, validation, new Vocabulary(alphabet.toString()));
  }

  /**
   * Every pair of a JSON-lines file (gzip when the name ends with {@code .gz}), blank lines
   * skipped.
   *
   * @throws ConfigException naming the file and line of a line that is not an object with both
   *     fields as non-empty strings
   */
  public static List<Pair> readPairs(Path file, String sourceField, String targetField)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + " is not a file; expected a JSON-lines file of pairs");
    }
    ObjectMapper json = new ObjectMapper();
    List<Pair> out = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      int line = 0;
      for (String s = r.readLine(); s != null; s = r.readLine()) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = json.readTree(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new ConfigException(
              file + ":" + line + ": not a JSON object (" + e.getOriginalMessage() + ")");
        }
        out.add(
            new Pair(field(node, sourceField, file, line), field(node, targetField, file, line)));
      }
    }
    return out;
  }

  private static String field(JsonNode node, String name, Path file, int line) {
    JsonNode v = node.isObject() ? node.get(name) : null;
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new ConfigException(
          file
              + ":"
              + line
              + ": expected a JSON object with a non-empty string field '"
              + name
              + "'"
              + (node.isObject() ? ", found fields " + iterableNames(node) : ""));
    }
    return v.asText();
  }

  private static List<String> iterableNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The data's type, {@code date-format} or {@code pairs}. */
  String type() {
    return type;
  }

  /** The tokens. */
  Vocabulary vocabulary() {
    return vocabulary;
  }

  /** The held-out pairs. */
  List<Pair> validation() {
    return validation;
  }

  /** The number of training pairs, or 0 when they are generated. */
  int trainSize() {
    return train == null ? 0 : train.size();
  }

  /**
   * The training pairs of one epoch, in batches: {@code steps} generated batches, or the file's
   * pairs shuffled by {@code random} (the last batch may be smaller).
   */
  List<List<Pair>> epoch(int steps, int batchSize, SplittableRandom random) {
    List<List<Pair>> out = new ArrayList<>();
    if (train == null) {
      for (int s = 0; s < steps; s++) {
        out.add(drawDates(batchSize, false, random));
      }
      return out;
    }
    List<Pair> shuffled = new ArrayList<>(train);
    for (int i = shuffled.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Pair t = shuffled.get(i);
      shuffled.set(i, shuffled.get(j));
      shuffled.set(j, t);
    }
    for (int at = 0; at < shuffled.size(); at += batchSize) {
      out.add(shuffled.subList(at, Math.min(shuffled.size(), at + batchSize)));
    }
    return out;
  }

  /** The longest source and target among the pairs seen (generated dates: 10 and 10). */
  int[] maxLengths() {
    int s = 0;
    int t = 0;
    for (List<Pair> part : train == null ? List.of(validation) : List.of(train, validation)) {
      for (Pair p : part) {
        s = Math.max(s, p.source().length());
        t = Math.max(t, p.target().length());
      }
    }
    return train == null ? new int[] {10, 10} : new int[] {s, t};
  }
}
