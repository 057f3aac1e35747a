package dev.heed.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.TestBackends;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sampling against Hugging Face's logits processors run by PyTorch ({@code
 * make_sampling_fixtures.py}): repetition penalty, temperature, top-k (with a tie), top-p, and all
 * together give the same distributions within 1e-12; and generation from a model directory's
 * generation config.
 */
class SamplingTest {
  private final Backend backend = TestBackends.reference();

  @Test
  void theProcessedDistributionsAreHuggingFaces() throws IOException, URISyntaxException {
    Path file = Path.of(getClass().getResource("/fixtures/sampling.safetensors").toURI());
    Map<String, Tensor> f = SafeTensors.read(file, backend, DType.FLOAT64);
    int cases = 0;
    for (int c = 0; f.containsKey(c + ".logits"); c++) {
      double[] s = f.get(c + ".settings").toDoubleArray();
      Sampling sampling = new Sampling(s[0], (int) s[1], s[2], s[3]);
      double[] actual =
          sampling.probabilities(
              f.get(c + ".logits").toDoubleArray(), f.get(c + ".history").toIntArray());
      double[] expected = f.get(c + ".probs").toDoubleArray();
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-12, "case " + c + " (" + sampling + ") token " + i);
        assertEquals(expected[i] == 0, actual[i] == 0, "case " + c + ": removed tokens");
      }
      cases++;
    }
    assertEquals(9, cases);
  }

  @Test
  void drawsFollowTheCumulativeDistribution() {
    double[] p = {0.0, 0.25, 0.0, 0.5, 0.25};
    assertEquals(1, Sampling.draw(p, 0.0));
    assertEquals(1, Sampling.draw(p, 0.2499));
    assertEquals(3, Sampling.draw(p, 0.25));
    assertEquals(4, Sampling.draw(p, 0.9999999));
    assertThrows(IllegalArgumentException.class, () -> new Sampling(0, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Sampling(1, 0, 0, 1));
  }

  @Test
  void generationFollowsTheDirectorysGenerationConfig() {
    GenerationConfig g = GenerationConfig.read(Fixtures.dir("llama"));
    assertEquals(1, g.bosTokenId());
    assertArrayEquals(new int[] {2}, g.eosTokenIds());
    assertNull(g.padTokenId());
    assertEquals(20, g.maxLength());
    assertEquals(50, g.sampling().topK());
    DecoderModel model =
        (DecoderModel)
            HfModels.load(Fixtures.dir("gpt2"), BuildContext.of(backend, DType.FLOAT32, 1));
    int[] prompt = {5, 17, 59, 3, 64, 12};
    Generation.Options greedy = GenerationConfig.read(Fixtures.dir("gpt2")).options(6, 0);
    assertEquals(14, greedy.maxNewTokens(), "max_length 20 less the prompt");
    List<Integer> streamed = new ArrayList<>();
    int[] tokens = Generation.generate(model, prompt, greedy, streamed::add);
    assertArrayEquals(Generation.greedy(model, prompt, 8, -1), java.util.Arrays.copyOf(tokens, 8));
    assertEquals(streamed, java.util.Arrays.stream(tokens).boxed().toList(), "streamed in order");
    // sampling: the same seed, the same tokens; another seed, other tokens
    Generation.Options sampled =
        new Generation.Options(12, true, new Sampling(1.5, 0, 1, 1), 42, new int[0]);
    int[] a = Generation.generate(model, prompt, sampled, t -> {});
    int[] b = Generation.generate(model, prompt, sampled, t -> {});
    assertArrayEquals(a, b);
    int[] c =
        Generation.generate(
            model,
            prompt,
            new Generation.Options(12, true, new Sampling(1.5, 0, 1, 1), 43, new int[0]),
            t -> {});
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    // top-k 1 samples the greedy tokens; a stop token ends generation after it
    int[] topOne =
        Generation.generate(
            model,
            prompt,
            new Generation.Options(8, true, new Sampling(1, 1, 1, 1), 7, new int[0]),
            t -> {});
    assertArrayEquals(Generation.greedy(model, prompt, 8, -1), topOne);
    int[] stopped = Generation.greedy(model, prompt, 8, topOne[1]);
    assertEquals(2, stopped.length);
    assertTrue(stopped[1] == topOne[1]);
  }
}
