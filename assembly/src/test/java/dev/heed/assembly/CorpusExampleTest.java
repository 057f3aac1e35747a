package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/licenses-language-model.yaml}, CI-sized: a character model of the GPL-3 text that
 * Debian's base-files installs, streamed by the {@code corpus} data set, reaches a held-out
 * perplexity per character well below the text's unigram perplexity (23.8), and samples text.
 */
class CorpusExampleTest {
  private static final Path EXAMPLE = Path.of("../examples/licenses-language-model.yaml");
  private static final Path GPL = Path.of("/usr/share/common-licenses/GPL-3");

  @TempDir Path tmp;

  @Test
  void licenceModelBeatsTheUnigramPerplexityAndSamples() throws IOException {
    assumeTrue(Files.isRegularFile(GPL), GPL + " is installed by Debian's base-files");
    List<String> overrides =
        List.of(
            "backend=cpu",
            "data.paths=[" + GPL + "]",
            "data.length=32",
            "model.layers[0].embedding_dim=64",
            "model.layers[2].num_layers=1",
            "model.layers[2].dim_feedforward=128",
            "optimizer.lr=0.005",
            "training.epochs=5");
    TrainResult r;
    try (Assembly a = Heed.assemble(Heed.loadConfig(EXAMPLE, overrides), null)) {
      r = a.train(tmp.resolve("gpl-lm"), null);
    }
    double best = Double.POSITIVE_INFINITY;
    for (EpochEvent e : r.history()) {
      best = Math.min(best, e.validationLoss());
    }
    double perplexity = Math.exp(best);
    assertTrue(
        perplexity < 12,
        "held-out perplexity per character " + perplexity + ", expected < 12 (unigram: 23.8)");
    try (TrainedModel m = Heed.open(r.runDir(), null)) {
      String s = m.sample("This License ", 40, 1.0, 5);
      assertTrue(s.startsWith("This License "), s);
      assertEquals(53, s.codePointCount(0, s.length()), s);
    }
  }
}
