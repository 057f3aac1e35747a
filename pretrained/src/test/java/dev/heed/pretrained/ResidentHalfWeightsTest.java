package dev.heed.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.TestBackends;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Layer matrices kept resident in BFLOAT16 or FLOAT16 ({@code HfModels.load(dir, ctx, type)}):
 * every {@code Linear}/{@code Conv1D} matrix is held in 16 bits (half its bytes), everything else
 * in FLOAT32, and the model computes what the FLOAT32 model computes with the same rounded weights
 * — hidden states and logits equal (bit for bit: both backends widen the weights exactly and run
 * the same arithmetic), greedy tokens identical, and on the BF16 fixtures (whose weights are BF16
 * already) PyTorch's greedy tokens.
 */
@SuppressWarnings("try")
class ResidentHalfWeightsTest {

  /**
   * Loads {@code fixture} twice, widened and with matrices resident in {@code type}, and gives the
   * widened model the resident one's rounded values (nothing changes for a BF16 fixture read as
   * BF16).
   */
  private static PretrainedModel[] pair(Backend backend, String fixture, DType type) {
    BuildContext ctx = BuildContext.of(backend, DType.FLOAT32, 1);
    PretrainedModel wide = HfModels.load(Fixtures.dir(fixture), ctx);
    PretrainedModel resident = HfModels.load(Fixtures.dir(fixture), ctx, type);
    Map<String, Parameter> w = wide.namedParameters();
    long wideBytes = 0;
    long residentBytes = 0;
    int halves = 0;
    try (GradMode off = GradMode.disable()) {
      for (var e : resident.namedParameters().entrySet()) {
        Tensor r = e.getValue().value();
        Tensor f = w.get(e.getKey()).value();
        wideBytes += f.size() * f.dtype().byteSize();
        residentBytes += r.size() * r.dtype().byteSize();
        if (r.dtype() == type) {
          halves++;
          assertEquals(2, r.rank(), e.getKey());
          assertFalse(r.requiresGrad(), e.getKey());
          try (Scope s = Scope.open()) {
            Elementwise.assign(f, r.to(DType.FLOAT32));
          }
        } else {
          assertEquals(DType.FLOAT32, r.dtype(), e.getKey());
          assertFalse(
              e.getKey().endsWith(".c_attn.weight") || e.getKey().endsWith("q_proj.weight"));
        }
      }
    }
    assertTrue(halves > 0, fixture + ": no matrix held in " + type);
    assertTrue(residentBytes < wideBytes, wideBytes + " bytes against " + residentBytes);
    return new PretrainedModel[] {wide, resident};
  }

  @ParameterizedTest
  @CsvSource({
    "cpu, gpt2-bf16, BFLOAT16",
    "cpu, llama-bf16, BFLOAT16",
    "simd, gpt2-bf16, BFLOAT16",
    "simd, llama-bf16, BFLOAT16",
    "simd, llama-tied, BFLOAT16",
    "simd, gpt2, FLOAT16",
    "cpu, llama, FLOAT16"
  })
  void decodersComputeWhatTheWidenedModelComputes(String backendName, String fixture, DType type) {
    Backend backend = TestBackends.open(backendName);
    Map<String, Tensor> ref = Fixtures.reference(fixture, backend);
    PretrainedModel[] p = pair(backend, fixture, type);
    DecoderModel wide = (DecoderModel) p[0];
    DecoderModel resident = (DecoderModel) p[1];
    int greedy = 0;
    for (int c = 0; ref.containsKey(c + ".input_ids"); c++) {
      Tensor ids = ref.get(c + ".input_ids");
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        DecoderModel.Output a = wide.forward(ids, null, ForwardContext.inference());
        DecoderModel.Output b = resident.forward(ids, null, ForwardContext.inference());
        assertEquals(0.0, Fixtures.maxAbsDiff(a.hidden(), b.hidden()), fixture + " hidden " + c);
        assertEquals(0.0, Fixtures.maxAbsDiff(a.logits(), b.logits()), fixture + " logits " + c);
      }
      Tensor expected = ref.get(c + ".greedy");
      if (expected != null) {
        int[] prompt = ids.toIntArray();
        int[] tokens = Generation.greedy(resident, prompt, expected.dim(0), -1);
        assertArrayEquals(Generation.greedy(wide, prompt, expected.dim(0), -1), tokens);
        if (fixture.endsWith("-bf16") && type == DType.BFLOAT16) {
          // the checkpoint's own weights: PyTorch's tokens
          assertArrayEquals(expected.toIntArray(), tokens, fixture + " case " + c);
        }
        greedy++;
      }
    }
    assertTrue(greedy >= 2, "greedy cases in " + fixture);
  }

  @ParameterizedTest
  @CsvSource({"cpu, bert-cls", "simd, bert-mlm"})
  void bertComputesWhatTheWidenedModelComputes(String backendName, String fixture) {
    Backend backend = TestBackends.open(backendName);
    Map<String, Tensor> ref = Fixtures.reference(fixture, backend);
    PretrainedModel[] p = pair(backend, fixture, DType.BFLOAT16);
    Bert wide = (Bert) p[0];
    Bert resident = (Bert) p[1];
    for (int c = 0; ref.containsKey(c + ".input_ids"); c++) {
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor ids = ref.get(c + ".input_ids");
        Tensor mask = ref.get(c + ".attention_mask");
        Tensor types = ref.get(c + ".token_type_ids");
        Bert.Output a = wide.forward(ids, mask, types, ForwardContext.inference());
        Bert.Output b = resident.forward(ids, mask, types, ForwardContext.inference());
        assertEquals(0.0, Fixtures.maxAbsDiff(a.hidden(), b.hidden()), fixture + " case " + c);
        if (a.logits() != null) {
          assertEquals(0.0, Fixtures.maxAbsDiff(a.logits(), b.logits()), fixture + " case " + c);
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"cpu, gpt2-bf16"})
  void aFloat64ModelIgnoresTheOption(String backendName, String fixture) {
    Backend backend = TestBackends.open(backendName);
    PretrainedModel m =
        HfModels.load(
            Fixtures.dir(fixture), BuildContext.of(backend, DType.FLOAT64, 1), DType.BFLOAT16);
    for (Parameter p : m.namedParameters().values()) {
      assertEquals(DType.FLOAT64, p.value().dtype());
    }
  }
}
