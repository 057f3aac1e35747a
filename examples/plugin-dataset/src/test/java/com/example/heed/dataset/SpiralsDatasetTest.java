package com.example.heed.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionsException;
import dev.heed.testkit.DatasetContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spirals data set meets Heed's data set contract (names and sizes as declared, one-hot
 * classes, the same rows per pass and per seed and other rows for another seed, the recorded
 * options making the same data set, registration and options), lies on its spirals, and refuses
 * options that do not fit.
 */
class SpiralsDatasetTest extends DatasetContract {
  @Override
  protected DatasetProvider provider() {
    return new SpiralsDatasetProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("examples", 300, "arms", 3, "noise", 0.05);
  }

  private Dataset make(Map<String, Object> raw) throws IOException {
    DataContext ctx = new DataContext(Path.of("."), 9, false);
    return provider().create(provider().options().resolve("data set 'spirals'", raw), ctx);
  }

  /** Without noise every point is on its arm: θ = 2π·(turns·r + k/arms) modulo 2π, r in (0, 1]. */
  @Test
  void pointsLieOnTheirArms() throws IOException {
    double turns = 1.25;
    int arms = 4;
    Dataset d = make(Map.of("examples", 400, "arms", arms, "turns", turns, "noise", 0.0));
    float[] row = new float[2 + arms];
    int[] perArm = new int[arms];
    try (Dataset.RowReader reader = d.open()) {
      for (int i = 0; reader.next(row); i++) {
        int arm = i % arms;
        assertEquals(1f, row[2 + arm], "row " + i + " class");
        perArm[arm]++;
        double r = Math.hypot(row[0], row[1]);
        assertTrue(r > 0 && r <= 1 + 1e-6, "row " + i + " radius " + r);
        double expected = 2 * Math.PI * (turns * r + arm / (double) arms);
        double off = Math.IEEEremainder(Math.atan2(row[1], row[0]) - expected, 2 * Math.PI);
        assertEquals(0, off, 1e-5 / r, "row " + i + " angle off its arm by " + off);
      }
    }
    assertEquals(100, perArm[0]);
    assertEquals(100, perArm[arms - 1]);
  }

  @Test
  void fewerExamplesThanArmsAreRefused() {
    OptionsException e =
        assertThrows(OptionsException.class, () -> make(Map.of("examples", 2, "arms", 3)));
    assertEquals("examples", e.option());
    assertTrue(e.getMessage().contains("at least one example per arm"), e.getMessage());
  }

  @Test
  void optionsOutsideTheSchemaAreRefusedByName() {
    OptionsException e = assertThrows(OptionsException.class, () -> make(Map.of("arms", 1)));
    assertEquals("arms", e.option());
    e = assertThrows(OptionsException.class, () -> make(Map.of("armz", 3)));
    assertTrue(e.getMessage().contains("armz"), e.getMessage());
  }
}
