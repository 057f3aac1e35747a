package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heed predict} on a PNG file: a model trained on a folder of dark and light 4×4 images
 * (data set image-folder) classifies a new light image, and an image of another size is refused
 * with a message naming it.
 */
class ImagePredictTest {
  @TempDir Path tmp;

  private static Path png(Path file, int w, int h, int level) throws IOException {
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        im.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, level + 7 * ((x + y) % 3))));
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(im, "png", file.toFile());
    return file;
  }

  @Test
  void predictReadsAPngAsOneRow() throws IOException {
    for (int i = 0; i < 6; i++) {
      png(tmp.resolve("images/dark/d" + i + ".png"), 4, 4, 10 + 5 * i);
      png(tmp.resolve("images/light/l" + i + ".png"), 4, 4, 200 + 5 * i);
    }
    Path config = tmp.resolve("images.yaml");
    Files.writeString(
        config,
        """
        seed: 1
        backend: cpu
        data:
          type: image-folder
          path: images
          channels: "1"
        model:
          layers:
            - type: dense
              units: 2
        loss: cross-entropy
        optimizer:
          name: adam
          lr: 0.1
        training:
          epochs: 30
          batch_size: 4
          validation_split: 0
        """);
    Path run = tmp.resolve("run");
    Heeds.run("train", config.toString(), "--out", run.toString()).expect(0);
    Path probe = png(tmp.resolve("probe.png"), 4, 4, 230);
    Heeds.Result r = Heeds.run("predict", run.toString(), probe.toString()).expect(0);
    String[] lines = r.out().strip().split("\n");
    assertEquals("dark,light", lines[0]);
    assertEquals(2, lines.length, r.out());
    String[] p = lines[1].split(",");
    assertTrue(Double.parseDouble(p[1]) > 0.9, "the light probe is light: " + lines[1]);

    Path wrong = png(tmp.resolve("wrong.png"), 5, 4, 100);
    Heeds.Result bad = Heeds.run("predict", run.toString(), wrong.toString()).expect(2);
    assertTrue(
        bad.err().contains(wrong + ": the image is 5×4 pixels") && bad.err().contains("16"),
        bad.err());
  }
}
