package dev.heed.vision.data;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code data: {type: image-folder, path: …}}: one sub-folder per class (torchvision's {@code
 * ImageFolder}), holding PNG or JPEG files. The folders are listed when the config is loaded: a
 * missing folder, a class folder without images, or no class folders at all are refused there, and
 * the image size is taken from the first image unless given. The examples are put in a seeded order
 * (so classes mix in the shuffle buffer) and decoded on every pass ({@link ImageFolderDataset}).
 */
public final class ImageFolderDatasetProvider implements DatasetProvider {
  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.string(
              "path", null, "the folder of class folders, relative to the config file"),
          OptionSpec.choice("channels", "3", "3 for colour (RGB), 1 for grey-scale", "1", "3"),
          OptionSpec.integer("height", 0, "image rows (0: the first image's)").range(0, 1 << 16),
          OptionSpec.integer("width", 0, "image columns (0: the first image's)").range(0, 1 << 16),
          OptionSpec.strings(
              "classes", List.of(), "class folder names in output order (default: all, sorted)"),
          OptionSpec.strings(
              "label_columns",
              List.of("label"),
              "the column heed eval reads the class name from in a CSV of pixel columns"));

  /** Cheap; for ServiceLoader. */
  public ImageFolderDatasetProvider() {}

  @Override
  public String name() {
    return "image-folder";
  }

  @Override
  public String description() {
    return "PNG/JPEG images in one folder per class (as torchvision's ImageFolder), streamed";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Dataset create(Options o, DataContext ctx) throws IOException {
    String owner = "data set 'image-folder'";
    SCHEMA.check(owner, o);
    Path root = ctx.resolve(o.getString("path"));
    int channels = Integer.parseInt(o.getString("channels"));
    List<String> classes = o.getStrings("classes");
    if (ctx.reopening()
        && !Files.isDirectory(root)
        && !classes.isEmpty()
        && o.getInt("height") > 0
        && o.getInt("width") > 0) {
      return new ImageFolderDataset(
          List.of(), classes, channels, o.getInt("height"), o.getInt("width"));
    }
    if (!Files.isDirectory(root)) {
      throw new OptionsException(
          "path", owner + ": found '" + o.getString("path") + "', but there is no folder " + root);
    }
    if (classes.isEmpty()) {
      List<String> found = new ArrayList<>();
      try (Stream<Path> s = Files.list(root)) {
        s.filter(Files::isDirectory).forEach(p -> found.add(p.getFileName().toString()));
      }
      Collections.sort(found);
      if (found.size() < 2) {
        throw new OptionsException(
            "path",
            owner
                + ": "
                + root
                + " holds "
                + found.size()
                + " class folder(s), expected one folder per class and at least 2");
      }
      classes = found;
    }
    List<ImageFolderDataset.Example> examples = new ArrayList<>();
    for (int k = 0; k < classes.size(); k++) {
      Path dir = root.resolve(classes.get(k));
      if (!Files.isDirectory(dir)) {
        throw new OptionsException(
            "classes", owner + ": class '" + classes.get(k) + "' has no folder " + dir);
      }
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> Files.isRegularFile(p) && image(p)).forEach(files::add);
      }
      if (files.isEmpty()) {
        throw new OptionsException(
            "path",
            owner
                + ": the class folder "
                + dir
                + " holds no .png, .jpg or .jpeg file; expected at least one image per class");
      }
      Collections.sort(files);
      for (Path f : files) {
        examples.add(new ImageFolderDataset.Example(f, k));
      }
    }
    int height = o.getInt("height");
    int width = o.getInt("width");
    if (height == 0 || width == 0) {
      BufferedImage first;
      try {
        first = ImageFiles.read(examples.getFirst().file());
      } catch (IllegalArgumentException e) {
        throw new OptionsException("path", owner + ": " + e.getMessage());
      }
      height = height == 0 ? first.getHeight() : height;
      width = width == 0 ? first.getWidth() : width;
    }
    // a seeded order, so that the classes mix in the trainer's shuffle buffer
    SplittableRandom random = new SplittableRandom(ctx.seed() ^ 0x1A6EF01DL);
    for (int i = examples.size() - 1; i > 0; i--) {
      Collections.swap(examples, i, random.nextInt(i + 1));
    }
    return new ImageFolderDataset(examples, classes, channels, height, width);
  }

  @Override
  public Map<String, Object> recorded(Options options, Dataset dataset, DataContext ctx) {
    Map<String, Object> m = new LinkedHashMap<>(options.asMap());
    m.put("path", ctx.resolve(options.getString("path")).toString());
    m.put("classes", dataset.outputNames());
    String last = dataset.inputNames().getLast();
    String[] parts = last.split("_");
    m.put("height", Integer.parseInt(parts[parts.length - 2]) + 1);
    m.put("width", Integer.parseInt(parts[parts.length - 1]) + 1);
    return m;
  }

  private static boolean image(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(n::endsWith);
  }
}
