package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  @TempDir Path dir;

  @Test
  void lossCurveIsAPng() throws Exception {
    List<EpochEvent> history = new ArrayList<>();
    for (int e = 1; e <= 50; e++) {
      history.add(new EpochEvent(e, 1.0 / (e * e), 1.2 / (e * e), Map.of(), e * 10L));
    }
    Path png =
        Charts.writeLoss(dir, new TrainResult(dir, 50, "max epochs", history, Optional.empty()));
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "not a readable PNG");
    assertEquals(900, image.getWidth());
    assertEquals(560, image.getHeight());
    assertTrue(distinctColours(image) > 10, "the picture is blank");
    try (var files = Files.list(dir)) {
      assertEquals(List.of(png), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void lossCurveWithoutValidationOrWithOneEpoch() throws Exception {
    List<EpochEvent> history = List.of(new EpochEvent(1, 0.5, Double.NaN, Map.of(), 10));
    Path png = Charts.writeLoss(dir, new TrainResult(dir, 1, "x", history, Optional.empty()));
    assertNotNull(ImageIO.read(png.toFile()));
  }

  @Test
  void attentionHeatmapIsAPngWithAColourPerWeight() throws Exception {
    double[][] w = new double[6][10];
    for (double[] row : w) {
      for (int j = 0; j < 10; j++) {
        row[j] = j < 3 ? 0.3 : 0.1 / 7;
      }
    }
    List<String> positions = new ArrayList<>();
    for (int j = 0; j < 10; j++) {
      positions.add("x" + j);
    }
    Path png =
        Charts.writeAttention(
            dir,
            new AttentionSample(
                w, positions, List.of("a", "b", "c", "d", "e", "f"), "feature attention"));
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image);
    assertTrue(image.getWidth() >= 700 && image.getHeight() >= 420);
    assertTrue(distinctColours(image) > 20, "the colour scale is missing");
  }

  @Test
  void raggedAttentionIsRejected() {
    AttentionSample bad =
        new AttentionSample(new double[][] {{1, 0}, {1}}, List.of("a", "b"), List.of(), "t");
    assertThrows(IllegalArgumentException.class, () -> Charts.heatmap(bad));
  }

  private static long distinctColours(BufferedImage image) {
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }
}
