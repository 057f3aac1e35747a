package dev.heed.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * One row of input features from a PNG or JPEG file, for {@code heed predict} on a model trained on
 * images (data sets {@code idx} and {@code image-folder}): the pixels, channel-major and divided by
 * 255, as those data sets feed them. The model's input count fixes the channels: {@code H·W} inputs
 * take a grey image (a colour one is converted to its luminance), {@code 3·H·W} an RGB one (a grey
 * one is repeated in the three channels).
 */
final class ImageRows {
  private ImageRows() {}

  /** Whether {@code file} is named as a PNG or JPEG image. */
  static boolean isImage(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  /**
   * The row of {@code file} for a model of {@code inputs}.
   *
   * @throws BadInputException when the file is not a readable image or its size does not fit
   */
  static double[] read(Path file, List<String> inputs) throws IOException {
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new BadInputException(
          file + ": damaged or truncated image (" + e.getMessage() + ")", e);
    }
    if (image == null) {
      throw new BadInputException(file + ": not a PNG or JPEG image ImageIO can read");
    }
    int h = image.getHeight();
    int w = image.getWidth();
    int n = inputs.size();
    int plane = h * w;
    if (n != plane && n != 3 * plane) {
      throw new BadInputException(
          file
              + ": the image is "
              + w
              + "×"
              + h
              + " pixels, which makes "
              + plane
              + " (grey) or "
              + 3 * plane
              + " (colour) inputs; the model takes "
              + n
              + " ("
              + inputs.getFirst()
              + " … "
              + inputs.getLast()
              + "); resize the image to the training images' size");
    }
    boolean grey = image.getColorModel().getNumColorComponents() == 1;
    double max = grey ? (1 << image.getColorModel().getComponentSize(0)) - 1 : 255;
    double[] row = new double[n];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        double r;
        double g;
        double b;
        if (grey) {
          r = g = b = image.getRaster().getSample(x, y, 0) / max;
        } else {
          int rgb = image.getRGB(x, y);
          r = ((rgb >> 16) & 0xFF) / 255.0;
          g = ((rgb >> 8) & 0xFF) / 255.0;
          b = (rgb & 0xFF) / 255.0;
        }
        if (n == plane) {
          row[i] = grey ? r : 0.299 * r + 0.587 * g + 0.114 * b;
        } else {
          row[i] = r;
          row[plane + i] = g;
          row[2 * plane + i] = b;
        }
      }
    }
    return row;
  }
}
