package dev.heed.vision.data;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code data: {type: idx}}: images and labels in the IDX files of the MNIST family, by default
 * Fashion-MNIST's training split where Debian's {@code dataset-fashion-mnist} package installs it.
 * Making the data set checks both files completely (magic numbers, extents, exact lengths, equal
 * counts, labels within the classes), so a damaged file is refused, naming it, before training
 * starts; the rows are then streamed from disk on every pass ({@link IdxDataset}).
 */
public final class IdxDatasetProvider implements DatasetProvider {
  /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
  static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.string(
              "directory",
              FASHION_MNIST,
              "the folder of the IDX files, relative to the config file (default: Debian's"
                  + " dataset-fashion-mnist)"),
          OptionSpec.string(
              "split",
              "train",
              "which files: <split>-images-idx3-ubyte and <split>-labels-idx1-ubyte, gzipped or"
                  + " not (train or t10k)"),
          OptionSpec.string("images", "", "the images file instead (in directory)"),
          OptionSpec.string("labels", "", "the labels file instead (in directory)"),
          OptionSpec.strings(
              "classes", List.of(), "class names in label order (default: the label numbers)"),
          OptionSpec.integer("limit", 0, "read only the first N examples (0: all)")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.strings(
              "label_columns",
              List.of("label"),
              "the column heed eval reads the class name from in a CSV of pixel_<y>_<x> columns"
                  + " (vision/scripts/idx_to_csv.py writes one)"),
          OptionSpec.integer("height", 0, "recorded with a run: image rows").range(0, 1 << 16),
          OptionSpec.integer("width", 0, "recorded with a run: image columns").range(0, 1 << 16));

  /** Cheap; for ServiceLoader. */
  public IdxDatasetProvider() {}

  @Override
  public String name() {
    return "idx";
  }

  @Override
  public String description() {
    return "images and labels in IDX files (MNIST, Fashion-MNIST), streamed; pixels / 255";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Dataset create(Options o, DataContext ctx) throws IOException {
    String owner = "data set 'idx'";
    SCHEMA.check(owner, o);
    Path dir = ctx.resolve(o.getString("directory"));
    String split = o.getString("split");
    String imagesOption = o.getString("images").isEmpty() ? "split" : "images";
    String labelsOption = o.getString("labels").isEmpty() ? "split" : "labels";
    Path images = file(dir, o.getString("images"), split + "-images-idx3-ubyte");
    Path labels = file(dir, o.getString("labels"), split + "-labels-idx1-ubyte");
    long limit = o.getInt("limit") == 0 ? Long.MAX_VALUE : o.getInt("limit");
    List<String> classes = o.getStrings("classes");
    if (ctx.reopening()
        && (!Files.isRegularFile(images) || !Files.isRegularFile(labels))
        && o.getInt("height") > 0
        && o.getInt("width") > 0
        && !classes.isEmpty()) {
      return new IdxDataset(null, null, o.getInt("height"), o.getInt("width"), classes, limit);
    }
    IdxFile im;
    IdxFile lb;
    try {
      im = IdxFile.check(images, 3, "images");
    } catch (IllegalArgumentException e) {
      throw new OptionsException(imagesOption, owner + ": " + e.getMessage());
    }
    try {
      lb = IdxFile.check(labels, 1, "labels");
    } catch (IllegalArgumentException e) {
      throw new OptionsException(labelsOption, owner + ": " + e.getMessage());
    }
    if (im.count() != lb.count()) {
      throw new OptionsException(
          labelsOption,
          owner
              + ": "
              + images
              + " holds "
              + im.count()
              + " images but "
              + labels
              + " "
              + lb.count()
              + " labels; expected one label per image");
    }
    if (im.count() == 0) {
      throw new OptionsException(imagesOption, owner + ": " + images + " holds no images");
    }
    int top = maxLabel(lb);
    if (classes.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (int k = 0; k <= Math.max(top, 1); k++) {
        names.add(Integer.toString(k));
      }
      classes = names;
    } else if (top >= classes.size()) {
      throw new OptionsException(
          "classes",
          owner
              + ": "
              + labels
              + " holds label "
              + top
              + ", but only "
              + classes.size()
              + " class names are given");
    }
    return new IdxDataset(im, lb, im.dims()[1], im.dims()[2], classes, limit);
  }

  @Override
  public Map<String, Object> recorded(Options options, Dataset dataset, DataContext ctx) {
    Map<String, Object> m = new LinkedHashMap<>(options.asMap());
    m.put("directory", ctx.resolve(options.getString("directory")).toString());
    m.put("classes", dataset.outputNames());
    int pixels = dataset.inputs();
    String last = dataset.inputNames().get(pixels - 1); // pixel_<y>_<x>
    String[] yx = last.substring("pixel_".length()).split("_");
    m.put("height", Integer.parseInt(yx[0]) + 1);
    m.put("width", Integer.parseInt(yx[1]) + 1);
    return m;
  }

  /** The given file in {@code dir}, or the default name with {@code .gz} or without. */
  private static Path file(Path dir, String given, String name) {
    if (!given.isEmpty()) {
      return dir.resolve(given).normalize();
    }
    Path gz = dir.resolve(name + ".gz");
    return Files.isRegularFile(gz) ? gz : dir.resolve(name);
  }

  private static int maxLabel(IdxFile labels) throws IOException {
    int top = 0;
    try (DataInputStream in = labels.body()) {
      byte[] all = in.readNBytes(labels.count());
      for (byte b : all) {
        top = Math.max(top, b & 0xFF);
      }
    }
    return top;
  }
}
