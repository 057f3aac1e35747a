package dev.heed.cli;

import dev.heed.core.io.AtomicFile;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A vision transformer's attention drawn on its input image ({@code heed predict --attention-map}):
 * the image upscaled (nearest neighbour) to at least 224 pixels on its longer side, and over each
 * patch of the grid a translucent viridis cell for the class token's attention to that patch,
 * scaled from the smallest weight (dark violet) to the largest (yellow).
 */
final class AttentionOverlay {
  /** The longer side of the picture is at least this many pixels. */
  static final int MIN_SIDE = 224;

  /** The opacity of the heat cells over the image. */
  private static final float ALPHA = 0.5f;

  private AttentionOverlay() {}

  /** The upscaling factor for an image of {@code w × h} pixels. */
  static int scale(int w, int h) {
    return Math.max(1, (MIN_SIDE + Math.max(w, h) - 1) / Math.max(w, h));
  }

  /**
   * The patch grid's side for attention over {@code positions} positions: the class token and a
   * square grid of patches.
   *
   * @throws BadInputException when {@code positions - 1} is not a square
   */
  static int gridSide(int positions, Path image) {
    int g = (int) Math.round(Math.sqrt(positions - 1.0));
    if (positions < 2 || g * g != positions - 1) {
      throw new BadInputException(
          "--attention-map: the model's last attention layer attends over "
              + positions
              + " positions for "
              + image
              + ", expected a class token and a square grid of patches (1 + G·G positions, as"
              + " patch-embedding with class_token true gives); --attention-map draws a vision"
              + " transformer's attention");
    }
    return g;
  }

  /**
   * Draws {@code weights} (the class token's attention: position 0 is the class token itself, then
   * the patches in row-major order) over {@code imageFile} into {@code out}, atomically.
   *
   * @return the picture written
   */
  static BufferedImage write(Path imageFile, double[] weights, Path out) throws IOException {
    BufferedImage image = ImageIO.read(imageFile.toFile());
    if (image == null) {
      throw new BadInputException(imageFile + ": not a PNG or JPEG image ImageIO can read");
    }
    int g = gridSide(weights.length, imageFile);
    int w = image.getWidth();
    int h = image.getHeight();
    int s = scale(w, h);
    int pw = w * s;
    int ph = h * s;
    BufferedImage picture = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
    Graphics2D gr = picture.createGraphics();
    try {
      gr.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      gr.drawImage(image, 0, 0, pw, ph, null);
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 1; i < weights.length; i++) {
        min = Math.min(min, weights[i]);
        max = Math.max(max, weights[i]);
      }
      ViridisScale colours = new ViridisScale(min, max > min ? max : min + 1);
      gr.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, ALPHA));
      for (int r = 0; r < g; r++) {
        for (int c = 0; c < g; c++) {
          // cell edges rounded so that the cells tile the picture when g does not divide it
          int x0 = c * pw / g;
          int x1 = (c + 1) * pw / g;
          int y0 = r * ph / g;
          int y1 = (r + 1) * ph / g;
          gr.setPaint((Color) colours.getPaint(weights[1 + r * g + c]));
          gr.fillRect(x0, y0, x1 - x0, y1 - y0);
        }
      }
    } finally {
      gr.dispose();
    }
    AtomicFile.write(out, o -> ImageIO.write(picture, "png", o));
    return picture;
  }
}
