package dev.heed.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A left-padded batch computes what each prompt computes alone: the padded forward pass gives
 * PyTorch's logits (of the unpadded prompt) at the real positions, and batched greedy generation
 * gives each prompt PyTorch's greedy tokens.
 */
class BatchGenerationTest {

  @ParameterizedTest
  @CsvSource({
    "cpu, gpt2, FLOAT32, f32, 1e-4",
    "cpu, llama, FLOAT64, f64, 1e-9",
    "cpu, llama-tied, FLOAT32, f32, 1e-4",
    "simd, llama, FLOAT32, f32, 1e-4"
  })
  @SuppressWarnings("try")
  void aPaddedRowGivesTheLogitsOfItsPromptAlone(
      String backendName, String fixture, DType dtype, String suffix, double tol) {
    Backend backend = TestBackends.open(backendName);
    Map<String, Tensor> ref = Fixtures.reference(fixture, backend);
    DecoderModel model =
        (DecoderModel) HfModels.load(Fixtures.dir(fixture), BuildContext.of(backend, dtype, 1));
    int[] a = ref.get("0.input_ids").toIntArray(); // 6 tokens
    int[] b = ref.get("1.input_ids").toIntArray(); // 3 tokens, padded on the left by 3
    int[] ids = new int[12];
    int[] mask = new int[12];
    for (int j = 0; j < 6; j++) {
      ids[j] = a[j];
      mask[j] = 1;
      ids[6 + j] = j < 3 ? 0 : b[j - 3];
      mask[6 + j] = j < 3 ? 0 : 1;
    }
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      Tensor logits =
          model
              .forward(
                  Tensors.indices(backend, ids, 2, 6),
                  Tensors.indices(backend, mask, 2, 6),
                  null,
                  ForwardContext.inference())
              .logits();
      double first =
          Fixtures.maxAbsDiff(ref.get("0.logits." + suffix), Shapes.slice(logits, 0, 0, 1));
      Tensor second = Shapes.slice(Shapes.slice(logits, 0, 1, 2), 1, 3, 6);
      double padded = Fixtures.maxAbsDiff(ref.get("1.logits." + suffix), second);
      assertTrue(first <= tol && padded <= tol, fixture + ": " + first + ", " + padded);
    }
  }

  @ParameterizedTest
  @CsvSource({"cpu, gpt2", "cpu, llama", "cpu, llama-tied", "simd, gpt2"})
  void batchedGreedyGenerationGivesEachPromptPyTorchsTokens(String backendName, String fixture) {
    Backend backend = TestBackends.open(backendName);
    Map<String, Tensor> ref = Fixtures.reference(fixture, backend);
    DecoderModel model =
        (DecoderModel)
            HfModels.load(Fixtures.dir(fixture), BuildContext.of(backend, DType.FLOAT32, 1));
    int[][] prompts = {ref.get("0.input_ids").toIntArray(), ref.get("1.input_ids").toIntArray()};
    List<String> streamed = new ArrayList<>();
    int[][] out =
        Generation.generate(
            model, prompts, 0, Generation.Options.greedy(8), (r, t) -> streamed.add(r + ":" + t));
    assertArrayEquals(ref.get("0.greedy").toIntArray(), out[0], fixture + " row 0");
    assertArrayEquals(ref.get("1.greedy").toIntArray(), out[1], fixture + " row 1");
    assertEquals(16, streamed.size());
    // a row stops at its stop token while the other goes on
    int stop = out[1][2];
    int[][] stopped =
        Generation.generate(
            model,
            prompts,
            0,
            new Generation.Options(8, false, Sampling.plain(), 0, new int[] {stop}),
            (r, t) -> {});
    int firstStop = 0;
    while (out[1][firstStop] != stop) {
      firstStop++;
    }
    assertEquals(firstStop + 1, stopped[1].length);
    boolean rowZeroHasIt = false;
    for (int t : out[0]) {
      rowZeroHasIt |= t == stop;
    }
    if (!rowZeroHasIt) {
      assertArrayEquals(out[0], stopped[0]);
    }
  }
}
