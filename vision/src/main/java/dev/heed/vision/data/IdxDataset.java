package dev.heed.vision.data;

import dev.heed.core.data.Dataset;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Images and labels of a pair of IDX files (the MNIST family), streamed from disk on every pass:
 * one row is an image's pixels in row-major order, divided by 255 (so in {@code [0, 1]}), then the
 * one-hot label. Nothing is held in memory but the read buffers. The files were checked when the
 * data set was made ({@link IdxFile#check}).
 */
final class IdxDataset implements Dataset {
  private final IdxFile images;
  private final IdxFile labels;
  private final int height;
  private final int width;
  private final List<String> classes;
  private final long limit;

  /**
   * @param images the images, or null when the run is reopened without them
   * @param labels the labels, or null likewise
   * @param limit the rows a pass gives at most
   */
  IdxDataset(
      IdxFile images, IdxFile labels, int height, int width, List<String> classes, long limit) {
    this.images = images;
    this.labels = labels;
    this.height = height;
    this.width = width;
    this.classes = List.copyOf(classes);
    this.limit = limit;
  }

  @Override
  public List<String> inputNames() {
    List<String> names = new ArrayList<>(height * width);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        names.add("pixel_" + y + "_" + x);
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
    return images == null ? -1 : Math.min(limit, images.count());
  }

  @Override
  public RowReader open() throws IOException {
    if (images == null) {
      throw new IOException("the IDX files of this run are gone; no rows can be read");
    }
    DataInputStream pixels = images.body();
    DataInputStream targets;
    try {
      targets = labels.body();
    } catch (IOException | RuntimeException e) {
      pixels.close();
      throw e;
    }
    long rows = size();
    int n = height * width;
    return new RowReader() {
      private final byte[] image = new byte[n];
      private long read;

      @Override
      public boolean next(float[] row) throws IOException {
        if (read == rows) {
          return false;
        }
        int label;
        try {
          pixels.readFully(image);
          label = targets.readUnsignedByte();
        } catch (EOFException e) {
          throw new IOException(
              images.path() + " or " + labels.path() + " ended at row " + read + "; changed since?",
              e);
        }
        if (label >= classes.size()) {
          throw new IllegalArgumentException(
              labels.path()
                  + ": label "
                  + label
                  + " of example "
                  + read
                  + " is not one of the "
                  + classes.size()
                  + " classes");
        }
        for (int i = 0; i < n; i++) {
          row[i] = (image[i] & 0xFF) / 255f;
        }
        java.util.Arrays.fill(row, n, n + classes.size(), 0f);
        row[n + label] = 1f;
        read++;
        return true;
      }

      @Override
      public void close() throws IOException {
        try (targets) {
          pixels.close();
        }
      }
    };
  }
}
