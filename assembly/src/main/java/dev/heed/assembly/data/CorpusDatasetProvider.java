package dev.heed.assembly.data;

import dev.heed.core.Plugins;
import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.text.Tokenizer;
import dev.heed.core.text.TokenizerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code data: {type: corpus, paths: [...]}}: language modelling on a text corpus streamed from
 * files ({@link CorpusDataset}): many files or glob patterns, plain text or JSON lines, gzip or
 * not, tokenized by characters or by a {@code tokenizer.json}. Loading a config checks that every
 * file is there, not empty and (for {@code .gz}) starts like gzip, and finds the characters of a
 * corpus of up to {@value #SCAN_CHARS} characters unless {@code classes} gives them; the run's
 * config records the files and the vocabulary.
 */
public final class CorpusDatasetProvider implements DatasetProvider {
  /** The most text read at load to find a character vocabulary. */
  static final long SCAN_CHARS = 64L << 20;

  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.strings(
              "paths",
              null,
              "the corpus files in reading order, relative to the config file; glob patterns"
                  + " (*, ?, **, [..], {..}) match files in sorted order; .gz files are"
                  + " decompressed"),
          OptionSpec.choice(
              "format",
              "auto",
              "text (lines), jsonl (one JSON object per line), or auto (jsonl for .jsonl and"
                  + " .ndjson names, else text)",
              "auto",
              "text",
              "jsonl"),
          OptionSpec.string("field", "text", "jsonl: the string field that holds the text"),
          OptionSpec.string("separator", "\n", "jsonl: the text put after each record's text"),
          OptionSpec.string(
              "tokenizer",
              "characters",
              "characters, or a tokenizer.json file (relative to the config file) whose ids are"
                  + " the tokens"),
          OptionSpec.strings(
              "classes",
              List.of(),
              "characters: the vocabulary, one character each (default: found in the corpus,"
                  + " sorted, when it holds at most 64 Mi characters)"),
          OptionSpec.choice(
              "unknown",
              "error",
              "characters: a character not in the vocabulary is an error (naming file, line and"
                  + " column) or is skipped",
              "error",
              "skip"),
          OptionSpec.integer("length", 128, "tokens per example (the context window)")
              .range(2, 100_000));

  /** Cheap; for ServiceLoader. */
  public CorpusDatasetProvider() {}

  @Override
  public String name() {
    return "corpus";
  }

  @Override
  public String description() {
    return "language modelling on text or JSON-lines files, streamed (larger than memory, gzip)";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Dataset create(Options o, DataContext ctx) throws IOException {
    SCHEMA.check("data set 'corpus'", o);
    List<CorpusDataset.Source> sources = sources(o, ctx);
    String field = o.getString("field");
    String separator = o.getString("separator");
    String tokenizer = o.getString("tokenizer");
    CorpusDataset.Encoder encoder;
    if (tokenizer.equals("characters")) {
      List<String> classes = o.getStrings("classes");
      if (classes.isEmpty()) {
        classes = CorpusDataset.characters(sources, field, separator, SCAN_CHARS);
        if (classes == null) {
          throw new OptionsException(
              "classes",
              "the corpus holds more than "
                  + SCAN_CHARS
                  + " characters, too many to read when the config is loaded; expected the"
                  + " vocabulary as data.classes (one character each)");
        }
        if (classes.size() < 2) {
          throw new OptionsException(
              "paths", "found " + classes.size() + " distinct characters, expected at least 2");
        }
      } else {
        for (int i = 0; i < classes.size(); i++) {
          if (classes.get(i).codePointCount(0, classes.get(i).length()) != 1
              || classes.indexOf(classes.get(i)) != i) {
            throw new OptionsException(
                "classes[" + i + "]",
                "found '" + classes.get(i) + "', expected one character not listed before");
          }
        }
      }
      encoder = CorpusDataset.characters(classes, o.getString("unknown").equals("skip"));
    } else {
      if (!o.getStrings("classes").isEmpty()) {
        throw new OptionsException(
            "classes",
            "found a vocabulary, expected none with a tokenizer file (its ids are used)");
      }
      encoder = CorpusDataset.tokenizer(openTokenizer(ctx.resolve(tokenizer), tokenizer));
    }
    return new CorpusDataset(sources, encoder, o.getInt("length"), field, separator);
  }

  /** The files of {@code paths}: patterns expanded (sorted), each checked unless reopening. */
  private static List<CorpusDataset.Source> sources(Options o, DataContext ctx) throws IOException {
    List<String> given = o.getStrings("paths");
    if (given.isEmpty()) {
      throw new OptionsException("paths", "found an empty list, expected at least one file");
    }
    String format = o.getString("format");
    List<CorpusDataset.Source> out = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      String g = given.get(i);
      String where = "paths[" + i + "]";
      List<Path> files = glob(g) ? expand(ctx.resolve("."), g, where) : List.of(ctx.resolve(g));
      for (Path f : files) {
        if (!ctx.reopening()) {
          check(f, g, where);
        }
        CorpusDataset.Format fmt =
            switch (format) {
              case "text" -> CorpusDataset.Format.TEXT;
              case "jsonl" -> CorpusDataset.Format.JSONL;
              default -> CorpusDataset.Format.of(f);
            };
        out.add(new CorpusDataset.Source(f, fmt));
      }
    }
    return out;
  }

  private static boolean glob(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /** The regular files under {@code base} that {@code pattern} matches, sorted by path. */
  private static List<Path> expand(Path base, String pattern, String where) throws IOException {
    // walk from the deepest directory named before the first pattern character
    int cut = pattern.length();
    for (int k = 0; k < pattern.length(); k++) {
      char c = pattern.charAt(k);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        cut = k;
        break;
      }
    }
    String fixed = pattern.substring(0, cut);
    int slash = fixed.lastIndexOf('/');
    Path root = base.resolve(slash < 0 ? "." : fixed.substring(0, slash + 1)).normalize();
    Path absolute = base.resolve(pattern).normalize();
    PathMatcher m =
        FileSystems.getDefault().getPathMatcher("glob:" + absolute.toString().replace("\\", "/"));
    if (!Files.isDirectory(root)) {
      throw new OptionsException(
          where, "found '" + pattern + "', but there is no directory " + root + " to search");
    }
    List<Path> matched;
    try (Stream<Path> walk = Files.walk(root)) {
      matched =
          walk.filter(p -> Files.isRegularFile(p) && m.matches(p.toAbsolutePath().normalize()))
              .map(p -> p.toAbsolutePath().normalize())
              .sorted()
              .toList();
    }
    // a file reached through several links (GPL -> GPL-3) is read once, at its first name
    List<Path> files = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (Path p : matched) {
      if (seen.add(p.toRealPath())) {
        files.add(p);
      }
    }
    if (files.isEmpty()) {
      throw new OptionsException(where, "found '" + pattern + "', which matches no file");
    }
    return files;
  }

  /** A corpus file is there, not empty, and starts like gzip when its name says so. */
  private static void check(Path f, String given, String where) throws IOException {
    if (!Files.isRegularFile(f)) {
      throw new OptionsException(where, "found '" + given + "', but there is no file " + f);
    }
    if (Files.size(f) == 0) {
      throw new OptionsException(
          where, "found '" + given + "': the file " + f + " is empty, expected corpus text");
    }
    if (f.getFileName().toString().endsWith(".gz")) {
      byte[] magic;
      try (InputStream in = Files.newInputStream(f)) {
        magic = in.readNBytes(2);
      }
      if (magic.length < 2 || (magic[0] & 0xFF) != 0x1F || (magic[1] & 0xFF) != 0x8B) {
        throw new OptionsException(
            where,
            "found '"
                + given
                + "': "
                + f
                + " is named .gz but is not gzip, expected a gzip file (or a name without .gz)");
      }
    }
  }

  private static Tokenizer openTokenizer(Path file, String given) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new OptionsException(
          "tokenizer",
          "found '"
              + given
              + "', expected 'characters' or a tokenizer.json file; there is no "
              + file);
    }
    TokenizerProvider p =
        Plugins.shared()
            .tokenizers()
            .find("huggingface")
            .orElseThrow(() ->
                new OptionsException(
                    "tokenizer",
                    "found the file '"
                        + given
                        + "', but no tokenizer plugin 'huggingface' is installed; expected"
                        + " heed-tokenizers on the path, or 'characters'"));
    try {
      return p.open(file, p.options().defaults("tokenizer 'huggingface'"));
    } catch (IllegalArgumentException e) {
      throw new OptionsException("tokenizer", file + ": " + e.getMessage());
    }
  }

  @Override
  public Map<String, Object> recorded(Options o, Dataset dataset, DataContext ctx) {
    Map<String, Object> out = new LinkedHashMap<>(o.asMap());
    CorpusDataset corpus = (CorpusDataset) dataset;
    List<String> files = new ArrayList<>();
    for (CorpusDataset.Source s : corpus.sources()) {
      files.add(s.file().toString());
    }
    out.put("paths", files);
    String tokenizer = o.getString("tokenizer");
    if (tokenizer.equals("characters")) {
      // the vocabulary found in the corpus: names y<i>=<character> for i = 0, tokens 1 … V-1
      int v = dataset.sequence().vocabulary();
      List<String> classes = new ArrayList<>(v - 1);
      List<String> names = dataset.outputNames();
      for (int id = 1; id < v; id++) {
        classes.add(names.get(id).substring("y0=".length()));
      }
      out.put("classes", classes);
    } else {
      out.put("tokenizer", ctx.resolve(tokenizer).toString());
    }
    return out;
  }
}
