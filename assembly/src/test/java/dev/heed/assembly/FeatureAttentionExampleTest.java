package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.data.GeneratedDatasets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureAttentionExampleTest {
  @TempDir Path tmp;

  @Test
  void attentionGathersOnTheFeaturesThatMatter() throws IOException {
    TrainResult r;
    try (Assembly a =
        Heed.assemble(
            Heed.loadConfig(
                Path.of("../examples/feature-attention.yaml"),
                List.of("backend=cpu", "data.examples=1000", "training.epochs=30")),
            null)) {
      r = a.train(tmp.resolve("run"), null);
    }
    AttentionSample s = r.attention().orElseThrow();
    double[] mean = new double[s.positionLabels().size()];
    for (double[] row : s.weights()) {
      for (int k = 0; k < mean.length; k++) {
        mean[k] += row[k] / s.weights().length;
      }
    }
    double relevant = 0;
    for (int k : GeneratedDatasets.RELEVANT) {
      relevant += mean[k];
    }
    assertTrue(relevant > 0.5, "x1, x4 and x7 hold " + relevant + " of the attention");
  }
}
