package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code heed train --engine …}: without the heed-spark bridge and Spark on the class path (as in
 * the default distribution and these tests) {@code --engine spark} says what to set; other engines
 * and a stray {@code --master} are refused. The Spark runs themselves are heed-spark's tests.
 */
class SparkEngineTest {
  private static final String CONFIG = Heeds.ROOT.resolve("examples/seed-simple.yaml").toString();

  @Test
  void sparkWithoutTheBridgeSaysWhatToSet() {
    Heeds.Result r =
        Heeds.run("train", CONFIG, "--engine", "spark", "--master", "local[2]")
            .expect(2)
            .noStackTrace();
    assertTrue(r.err().contains("--engine spark needs the heed-spark bridge"), r.err());
    assertTrue(r.err().contains("SPARK_HOME"), r.err());
  }

  @Test
  void anUnknownEngineIsRefused() {
    Heeds.Result r = Heeds.run("train", CONFIG, "--engine", "mpi").expect(2).noStackTrace();
    assertTrue(r.err().contains("--engine: found 'mpi', expected local or spark"), r.err());
  }

  @Test
  void masterWithoutSparkIsRefused() {
    Heeds.Result r = Heeds.run("train", CONFIG, "--master", "local[2]").expect(2).noStackTrace();
    assertTrue(r.err().contains("--master applies to --engine spark only"), r.err());
  }
}
