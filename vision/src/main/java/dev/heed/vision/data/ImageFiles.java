package dev.heed.vision.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG files with the JDK's ImageIO into rows of pixels, strictly: a file ImageIO
 * cannot decode, one it decodes only with warnings (a truncated JPEG, which ImageIO would otherwise
 * fill with grey), one of another size, and a grey-scale image where colour is expected (or the
 * reverse) are refused with a message that names the file.
 */
final class ImageFiles {
  private ImageFiles() {}

  /** Decodes {@code file}; the message of a failure names it. */
  static BufferedImage read(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new IllegalArgumentException(file + ": cannot be opened as an image");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IllegalArgumentException(
            file + ": not a PNG or JPEG image (no image reader recognises its first bytes)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      try {
        reader.setInput(in, true, true);
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new IllegalArgumentException(
              file + ": damaged image (" + String.join("; ", warnings) + ")");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException i && i.getMessage().startsWith(file.toString())) {
        throw i;
      }
      throw new IllegalArgumentException(
          file + ": damaged or truncated image (" + e.getMessage() + ")", e);
    }
  }

  /** Whether the image has colour (three colour components, or a palette of colours). */
  static boolean colour(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    return cm.getNumColorComponents() >= 3;
  }

  /**
   * Writes the pixels of {@code file} into {@code row} from index 0, channel-major ({@code [C, H,
   * W]}), scaled to {@code [0, 1]} (divided by 255 for 8-bit samples).
   *
   * @throws IllegalArgumentException naming the file when it does not have the expected form
   */
  static void pixels(Path file, int channels, int height, int width, float[] row) {
    BufferedImage image = read(file);
    if (image.getHeight() != height || image.getWidth() != width) {
      throw new IllegalArgumentException(
          file
              + ": the image is "
              + image.getWidth()
              + "×"
              + image.getHeight()
              + " pixels, expected "
              + width
              + "×"
              + height
              + " (width × height) like the data set's other images");
    }
    boolean colour = colour(image);
    if (channels == 3 && !colour) {
      throw new IllegalArgumentException(
          file
              + ": a grey-scale image where colour is configured (channels: 3); convert it to RGB"
              + " or set channels: 1");
    }
    if (channels == 1 && colour) {
      throw new IllegalArgumentException(
          file
              + ": a colour image where grey-scale is configured (channels: 1); convert it to"
              + " grey or set channels: 3");
    }
    int plane = height * width;
    float grey = (1 << image.getColorModel().getComponentSize(0)) - 1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        if (channels == 1) {
          row[i] = image.getRaster().getSample(x, y, 0) / grey;
        } else {
          int rgb = image.getRGB(x, y);
          row[i] = ((rgb >> 16) & 0xFF) / 255f;
          row[plane + i] = ((rgb >> 8) & 0xFF) / 255f;
          row[2 * plane + i] = (rgb & 0xFF) / 255f;
        }
      }
    }
  }
}
