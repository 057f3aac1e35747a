package dev.heed.attention;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.nn.Seeds;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.TestBackends;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decoder blocks against PyTorch's {@code nn.TransformerDecoderLayer}, {@code
 * nn.TransformerDecoder} and {@code nn.Transformer} (fixtures by {@code make_decoder_fixtures.py}):
 * PyTorch's weights loaded by their state_dict names, a causal target mask with target padding and
 * memory padding; the output and the gradients of {@code Σ output·R} with respect to the target,
 * the memory (or source) and every weight. Float64 within 1e-9, float32 within 1e-4 (relative to
 * {@code max(1, |expected|)}).
 */
@SuppressWarnings("try")
class DecoderFixtureTest {
  @TempDir Path tmp;

  private void check(
      String name,
      LayerProvider provider,
      Map<String, Object> options,
      String memoryKey,
      DType dtype) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      Tensor tgt = f.input("tgt");
      Tensor memory = f.input(memoryKey);
      MemoryLayer layer =
          (MemoryLayer)
              provider.create(
                  provider.options().resolve(name, options, Plugins.shared()),
                  tgt.dim(2),
                  BuildContext.of(ref, dtype, 1));
      f.loadInto(layer);
      String memoryLengths = memoryKey.equals("src") ? "src_lengths" : "memory_lengths";
      Tensor tgtMask =
          AttentionMasks.fromLengths(
              ref, dtype, f.get("input.tgt_lengths").toIntArray(), tgt.dim(1));
      Tensor memoryMask =
          AttentionMasks.fromLengths(
              ref, dtype, f.get("input." + memoryLengths).toIntArray(), memory.dim(1));
      Tensor out =
          layer.forward(tgt, memory, tgtMask, memoryMask, ForwardContext.training(new Seeds(3)));
      f.loss(out).backward();
      double tol = dtype == DType.FLOAT64 ? 1e-9 : 1e-4;
      f.assertClose("output", out, "expected.output", tol);
      f.assertClose("target gradient", tgt.grad(), "grad.tgt", tol);
      f.assertClose("memory gradient", memory.grad(), "grad." + memoryKey, tol);
      f.assertParameterGradients(layer, tol);
    }
  }

  private static Map<String, Object> options(boolean normFirst, String activation) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("nhead", 2);
    o.put("dim_feedforward", 16);
    o.put("dropout", 0.0);
    o.put("norm_first", normFirst);
    o.put("activation", activation);
    return o;
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void postNormDecoderLayer(DType dtype) {
    check(
        "decoder_post",
        new TransformerDecoderLayerProvider(),
        options(false, "relu"),
        "memory",
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void preNormDecoderLayerWithGelu(DType dtype) {
    check(
        "decoder_pre",
        new TransformerDecoderLayerProvider(),
        options(true, "gelu"),
        "memory",
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void decoderStackWithFinalNorm(DType dtype) {
    Map<String, Object> o = options(true, "relu");
    o.put("num_layers", 2);
    o.put("final_norm", true);
    check("decoder_stack", new TransformerDecoderProvider(), o, "memory", dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void encoderDecoderTransformer(DType dtype) {
    Map<String, Object> o = options(false, "relu");
    o.put("num_encoder_layers", 2);
    o.put("num_decoder_layers", 1);
    check("transformer", new TransformerProvider(), o, "src", dtype);
  }
}
