package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Predictor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heed predict --attention-map}: a tiny vision transformer (4×4 grey images, 2×2 patches, so
 * a 2×2 grid and the class token) trained on bright-left and bright-right images draws the class
 * token's attention over a probe image as a PNG of the upscaled size, pixel for pixel the overlay
 * of the weights the run gives that image (which differ between two probes); the overlay follows
 * the weights; refusals for a model without attention and for a CSV INPUT.
 */
class AttentionMapTest {
  @TempDir Path tmp;

  /** A 4×4 grey image, bright in the columns {@code [x0, x1)}. */
  private static Path png(Path file, int x0, int x1, int shade) throws IOException {
    BufferedImage im = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        im.getRaster().setSample(x, y, 0, x >= x0 && x < x1 ? 220 - shade : 20 + shade);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(im, "png", file.toFile());
    return file;
  }

  private Path train(String layers) throws IOException {
    for (int i = 0; i < 6; i++) {
      png(tmp.resolve("images/left/l" + i + ".png"), 0, 2, 5 * i);
      png(tmp.resolve("images/right/r" + i + ".png"), 2, 4, 5 * i);
    }
    Path config = tmp.resolve("vit.yaml");
    Files.writeString(
        config,
        """
        seed: 3
        backend: cpu
        data:
          type: image-folder
          path: images
          channels: "1"
        model:
          layers:
        %s
        loss: cross-entropy
        optimizer:
          name: adam
          lr: 0.01
        training:
          epochs: 3
          batch_size: 4
          validation_split: 0
        """
            .formatted(layers.indent(4).stripTrailing()));
    Path run = tmp.resolve("run");
    Heeds.run("train", config.toString(), "--out", run.toString()).expect(0);
    return run;
  }

  /** The mean colour of the cell (r, c) of a 2×2 grid on a square picture. */
  private static int[] cellColour(BufferedImage im, int r, int c) {
    int half = im.getWidth() / 2;
    long red = 0;
    long green = 0;
    long blue = 0;
    for (int y = r * half; y < (r + 1) * half; y++) {
      for (int x = c * half; x < (c + 1) * half; x++) {
        int rgb = im.getRGB(x, y);
        red += (rgb >> 16) & 0xff;
        green += (rgb >> 8) & 0xff;
        blue += rgb & 0xff;
      }
    }
    long n = (long) half * half;
    return new int[] {(int) (red / n), (int) (green / n), (int) (blue / n)};
  }

  @Test
  void drawsTheClassTokensAttentionOverTheImage() throws IOException {
    Path run =
        train(
            """
            - type: patch-embedding
              in_channels: 1
              patch_size: 2
              embed_dim: 8
            - type: transformer-encoder
              num_layers: 1
              nhead: 2
              dim_feedforward: 16
              dropout: 0.0
            - type: sequence-classification-head
              num_classes: 2
              pooling: first
            """);
    Path left = png(tmp.resolve("left.png"), 0, 2, 0);
    Path right = png(tmp.resolve("right.png"), 2, 4, 0);
    Path leftMap = tmp.resolve("maps/left-attention.png");
    Path rightMap = tmp.resolve("maps/right-attention.png");
    Heeds.Result r =
        Heeds.run("predict", run.toString(), left.toString(), "--attention-map", leftMap.toString())
            .expect(0);
    assertEquals("left,right", r.out().strip().split("\n")[0], r.out());
    Heeds.run("predict", run.toString(), right.toString(), "--attention-map", rightMap.toString())
        .expect(0);

    byte[] head = Arrays.copyOf(Files.readAllBytes(leftMap), 8);
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "a PNG file");
    BufferedImage a = ImageIO.read(leftMap.toFile());
    BufferedImage b = ImageIO.read(rightMap.toFile());
    int side = 4 * AttentionOverlay.scale(4, 4);
    assertTrue(side >= AttentionOverlay.MIN_SIDE, "upscaled: " + side);
    assertEquals(side, a.getWidth());
    assertEquals(side, a.getHeight());
    assertEquals(side, b.getWidth());

    // The picture is the class token's attention of this run on this image: the weights the model
    // gives the two probes differ, and each map is what AttentionOverlay draws for its weights.
    double[] wl;
    double[] wr;
    try (Predictor model = Predictor.open(run, null)) {
      wl =
          model
              .attention(List.of(ImageRows.read(left, model.inputNames())), 0)
              .orElseThrow()
              .weights()[0];
      wr =
          model
              .attention(List.of(ImageRows.read(right, model.inputNames())), 0)
              .orElseThrow()
              .weights()[0];
    }
    assertEquals(5, wl.length, "the class token and 4 patches");
    assertFalse(Arrays.equals(wl, wr), "the two images get different attention");
    assertSamePixels(AttentionOverlay.write(left, wl, tmp.resolve("expected-left.png")), a);
    assertSamePixels(AttentionOverlay.write(right, wr, tmp.resolve("expected-right.png")), b);
  }

  private static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertEquals(
            expected.getRGB(x, y) & 0xffffff,
            actual.getRGB(x, y) & 0xffffff,
            "pixel (" + x + ", " + y + ")");
      }
    }
  }

  /**
   * The overlay follows the weights: one image under two weight vectors gives two pictures, and the
   * cell of the largest weight is the yellowest (viridis' top), that of the smallest the darkest.
   */
  @Test
  void theOverlayFollowsTheWeights() throws IOException {
    Path image = png(tmp.resolve("flat.png"), 0, 0, 0); // uniformly dark
    BufferedImage first =
        AttentionOverlay.write(image, new double[] {0.3, 0.4, 0.1, 0.1, 0.1}, tmp.resolve("1.png"));
    BufferedImage second =
        AttentionOverlay.write(image, new double[] {0.3, 0.1, 0.1, 0.1, 0.4}, tmp.resolve("2.png"));
    assertEquals(224, first.getWidth());
    assertEquals(224, first.getHeight());
    // first: top-left cell is the largest weight; second: bottom-right
    assertTrue(cellColour(first, 0, 0)[1] > cellColour(first, 1, 1)[1] + 60, "yellow over violet");
    assertTrue(cellColour(second, 1, 1)[1] > cellColour(second, 0, 0)[1] + 60);
    assertFalse(Arrays.equals(cellColour(first, 0, 0), cellColour(second, 0, 0)));
    // a grid that is not square with a class token is refused
    assertTrue(
        assertThrows(
                BadInputException.class,
                () -> AttentionOverlay.write(image, new double[4], tmp.resolve("3.png")))
            .getMessage()
            .contains("expected a class token and a square grid"));
  }

  @Test
  void refusesAModelWithoutAttentionAndAnInputThatIsNoImage() throws IOException {
    Path run = train("- type: dense\n  units: 2\n");
    Path probe = png(tmp.resolve("probe.png"), 0, 2, 0);
    Path map = tmp.resolve("map.png");
    Heeds.Result bad =
        Heeds.run("predict", run.toString(), probe.toString(), "--attention-map", map.toString())
            .expect(2);
    assertTrue(bad.err().contains("no attention layer"), bad.err());
    assertFalse(Files.exists(map), "no file written");

    Path csv = tmp.resolve("rows.csv");
    Files.writeString(csv, "a\n1\n");
    Heeds.Result notImage =
        Heeds.run("predict", run.toString(), csv.toString(), "--attention-map", map.toString())
            .expect(2);
    assertTrue(notImage.err().contains("expected a PNG or JPEG image"), notImage.err());
  }
}
