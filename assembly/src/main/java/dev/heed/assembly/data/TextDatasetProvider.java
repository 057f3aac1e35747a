package dev.heed.assembly.data;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code data: {type: text, path: …}}: character-level language modelling on a text file ({@link
 * TextDataset}). The vocabulary is found in the file when the config is loaded, unless given as
 * {@code classes}, and the run's config records it.
 */
public final class TextDatasetProvider implements DatasetProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.string("path", null, "the text file (UTF-8), relative to the config file"),
          OptionSpec.strings(
              "classes",
              List.of(),
              "the vocabulary, one character each (default: found in the file, sorted)"),
          OptionSpec.integer("length", 32, "the context window in characters").range(2, 10_000));

  /** Cheap; for ServiceLoader. */
  public TextDatasetProvider() {}

  @Override
  public String name() {
    return "text";
  }

  @Override
  public String description() {
    return "character-level language modelling on a text file";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Dataset create(Options o, DataContext ctx) throws IOException {
    SCHEMA.check("data set 'text'", o);
    String given = o.getString("path");
    Path path = ctx.resolve(given);
    List<String> characters = o.getStrings("classes");
    if (characters.isEmpty()) {
      if (!Files.isRegularFile(path)) {
        throw new OptionsException("path", "found '" + given + "', but there is no file " + path);
      }
      characters = TextDataset.characters(Utf8Text.read(path));
      if (characters.size() < 2) {
        throw new OptionsException(
            "path",
            "found "
                + characters.size()
                + " distinct characters in "
                + path
                + ", expected at least 2");
      }
    } else {
      for (int i = 0; i < characters.size(); i++) {
        if (characters.get(i).codePointCount(0, characters.get(i).length()) != 1
            || characters.indexOf(characters.get(i)) != i) {
          throw new OptionsException(
              "classes[" + i + "]",
              "found '" + characters.get(i) + "', expected one character not listed before");
        }
      }
    }
    int length = o.getInt("length");
    List<String> vocabulary = characters;
    return new LazyDataset(
        TextDataset.shape(vocabulary, length), -1, () -> TextDataset.of(path, vocabulary, length));
  }

  @Override
  public Map<String, Object> recorded(Options o, Dataset dataset, DataContext ctx) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", ctx.resolve(o.getString("path")).toString());
    List<String> names = dataset.outputNames();
    int length = o.getInt("length");
    // the outputs are y<i>=<pad> then y<i>=<character> for each position: the characters follow
    List<String> characters = new java.util.ArrayList<>();
    int perPosition = names.size() / length;
    for (int k = 1; k < perPosition; k++) {
      characters.add(names.get(k).substring("y0=".length()));
    }
    out.put("classes", characters);
    out.put("length", length);
    return out;
  }
}
