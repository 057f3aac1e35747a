package dev.heed.vision.data;

import dev.heed.core.data.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Images in class folders, decoded one at a time on every pass ({@link ImageFiles}): a row is the
 * image's pixels, channel-major and scaled to {@code [0, 1]}, then the one-hot class. Only the list
 * of files is held in memory. A file that cannot be decoded or has the wrong form stops the pass
 * with a message naming it; the trainer counts the rows with one such pass before training, so a
 * bad file is found before the first step.
 */
final class ImageFolderDataset implements Dataset {
  /** One image and its class index. */
  record Example(Path file, int label) {}

  private final List<Example> examples;
  private final List<String> classes;
  private final int channels;
  private final int height;
  private final int width;

  ImageFolderDataset(
      List<Example> examples, List<String> classes, int channels, int height, int width) {
    this.examples = List.copyOf(examples);
    this.classes = List.copyOf(classes);
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  @Override
  public List<String> inputNames() {
    List<String> names = new ArrayList<>(channels * height * width);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          names.add("pixel_" + (channels == 1 ? "" : c + "_") + y + "_" + x);
        }
      }
    }
    return names;
  }

  @Override
  public List<String> outputNames() {
    return classes;
  }

  @Override
  public boolean classification() {
    return true;
  }

  @Override
  public long size() {
    return examples.size();
  }

  @Override
  public RowReader open() {
    int n = channels * height * width;
    return new RowReader() {
      private int next;

      @Override
      public boolean next(float[] row) {
        if (next == examples.size()) {
          return false;
        }
        Example e = examples.get(next++);
        ImageFiles.pixels(e.file(), channels, height, width, row);
        Arrays.fill(row, n, n + classes.size(), 0f);
        row[n + e.label()] = 1f;
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
