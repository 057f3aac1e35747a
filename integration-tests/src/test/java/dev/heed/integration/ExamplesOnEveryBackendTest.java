package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.core.Plugins;
import dev.heed.core.plugin.ProviderInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example configs trained through the assembly on every available backend give the loss curves
 * of the reference backend: every train and validation loss of the first epochs within 1e-3
 * relative (float32 sums in another order drift slowly over the epochs).
 */
class ExamplesOnEveryBackendTest {
  private static final double TOLERANCE = 1e-3;

  @TempDir Path tmp;
  private int runs;

  @TestFactory
  Stream<DynamicTest> examplesTrainAlikeOnEveryBackend() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ProviderInfo b : Plugins.shared().backends().infos()) {
      if (b.name().equals("cpu") || !b.availability().isAvailable()) {
        continue;
      }
      for (String example : List.of("seed-simple", "seed-deep", "feature-attention")) {
        tests.add(
            DynamicTest.dynamicTest(
                example + " on " + b.name(),
                () -> compare(losses(example, "cpu"), losses(example, b.name()), b.name())));
      }
    }
    return tests.stream();
  }

  private List<Double> losses(String example, String backend) throws IOException {
    Path config = Path.of("../examples/" + example + ".yaml");
    List<String> overrides =
        List.of(
            "training.epochs=4",
            "training.stop.patience=0",
            "training.stop.target_loss=null",
            "backend=" + backend);
    TrainResult r;
    try (Assembly a = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
      assertEquals(backend, a.backendName());
      r = a.train(tmp.resolve(example + "-" + backend + "-" + runs++), null);
    }
    List<Double> l = new ArrayList<>();
    for (EpochEvent e : r.history()) {
      l.add(e.trainLoss());
      l.add(e.validationLoss());
    }
    return l;
  }

  private static void compare(List<Double> reference, List<Double> other, String backend) {
    assertEquals(reference.size(), other.size());
    for (int i = 0; i < reference.size(); i++) {
      double e = reference.get(i);
      double a = other.get(i);
      assertTrue(
          Math.abs(e - a) <= TOLERANCE * Math.max(Math.abs(e), 1e-3),
          backend
              + ": loss "
              + i
              + " is "
              + a
              + ", the reference gives "
              + e
              + "; curves "
              + other
              + " vs "
              + reference);
    }
  }
}
