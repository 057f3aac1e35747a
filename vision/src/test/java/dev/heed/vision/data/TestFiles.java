package dev.heed.vision.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Small IDX files and image folders written for the data set tests. */
final class TestFiles {
  private TestFiles() {}

  /** The pixel value of image {@code i} at {@code (y, x)}. */
  static int pixel(int i, int y, int x) {
    return (i * 37 + y * 11 + x * 5) % 256;
  }

  /** IDX images {@code [count, rows, cols]} with {@link #pixel} values. */
  static byte[] images(int count, int rows, int cols) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
    b.putInt(0x803).putInt(count).putInt(rows).putInt(cols);
    for (int i = 0; i < count; i++) {
      for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
          b.put((byte) pixel(i, y, x));
        }
      }
    }
    return b.array();
  }

  /** IDX labels: label {@code i % classes}. */
  static byte[] labels(int count, int classes) {
    ByteBuffer b = ByteBuffer.allocate(8 + count);
    b.putInt(0x801).putInt(count);
    for (int i = 0; i < count; i++) {
      b.put((byte) (i % classes));
    }
    return b.array();
  }

  static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (OutputStream z = new GZIPOutputStream(out)) {
        z.write(data);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] data) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An image of {@code w×h}, grey or RGB, with values from {@link #pixel}. */
  static BufferedImage image(int i, int w, int h, boolean colour) {
    BufferedImage im =
        new BufferedImage(w, h, colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = pixel(i, y, x);
        if (colour) {
          im.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (v / 2));
        } else {
          im.getRaster().setSample(x, y, 0, v);
        }
      }
    }
    return im;
  }

  static Path writeImage(Path file, BufferedImage image, String format) {
    try {
      Files.createDirectories(file.getParent());
      if (!ImageIO.write(image, format, file.toFile())) {
        throw new IllegalStateException("no writer for " + format);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folder of three classes with two PNG images each (colour or grey), 5×4 pixels. */
  static Path folder(Path root, boolean colour) {
    String[] classes = {"cat", "dog", "emu"};
    for (int k = 0; k < classes.length; k++) {
      for (int j = 0; j < 2; j++) {
        writeImage(
            root.resolve(classes[k]).resolve("im" + j + ".png"),
            image(k * 2 + j, 5, 4, colour),
            "png");
      }
    }
    return root;
  }
}
