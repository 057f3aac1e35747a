package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.attention.blocks.RmsNorm;
import dev.heed.attention.blocks.RotaryEmbedding;
import dev.heed.attention.blocks.SwiGlu;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.GradientChecker;
import dev.heed.testkit.TestBackends;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Llama-style blocks (rms-norm, swiglu, grouped-query-attention with rotary positions) against
 * PyTorch ({@code make_block_fixtures.py}: {@code nn.RMSNorm}, {@code scaled_dot_product_attention}
 * with {@code enable_gqa}): outputs and the gradients of {@code Σ output·R} with respect to the
 * input and every parameter, within 1e-9 in FLOAT64 and 1e-4 in FLOAT32; and the blocks' own
 * operations through testkit's gradient checker.
 */
@SuppressWarnings("try")
class LlamaBlocksFixtureTest {
  @TempDir Path tmp;

  private final Backend ref = TestBackends.reference();

  private static double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-9 : 1e-4;
  }

  private void check(
      String name, LayerProvider provider, Map<String, Object> options, int features, DType dtype) {
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      Layer layer =
          provider.create(
              provider.options().resolve(name, options), features, BuildContext.of(ref, dtype, 1));
      f.loadInto(layer);
      Tensor x = f.input("x");
      Tensor out;
      if (layer instanceof MaskedLayer m && f.tensors.containsKey("input.lengths")) {
        Tensor mask = AttentionMasks.fromLengths(ref, dtype, f.lengths(), x.dim(1));
        out = m.forward(x, mask, ForwardContext.inference());
      } else {
        out = layer.forward(x, ForwardContext.inference());
      }
      f.loss(out).backward();
      double tol = tolerance(dtype);
      f.assertClose("output", out, "expected.output", tol);
      f.assertClose("input gradient", x.grad(), "grad.x", tol);
      f.assertParameterGradients(layer, tol);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT32", "FLOAT64"})
  void rmsNorm(DType dtype) {
    check("rms_norm", new RmsNormProvider(), Map.of("eps", 1e-6), 8, dtype);
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT32", "FLOAT64"})
  void swiGlu(DType dtype) {
    check("swiglu", new SwiGluProvider(), Map.of("hidden", 12), 8, dtype);
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT32", "FLOAT64"})
  void groupedQueryAttentionWithRotaryPositionsAndPadding(DType dtype) {
    check(
        "gqa_rotary",
        new GroupedQueryAttentionProvider(),
        Map.of(
            "num_heads", 4, "num_kv_heads", 2, "head_dim", 4, "rope_theta", 10000.0, "bias", true),
        12,
        dtype);
  }

  private Tensor random(long seed, int... shape) {
    return Tensors.normal(ref, Shape.of(shape), DType.FLOAT64, 0, 1, seed).requiresGrad(true);
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64"})
  void theOperationsPassTheGradientChecker(DType dtype) {
    GradientChecker.assertGradients(
        in -> RmsNorm.apply(in.get(0), in.get(1), 1e-6), List.of(random(1, 2, 3, 6), random(2, 6)));
    GradientChecker.assertGradients(
        in -> SwiGlu.gated(in.get(0), in.get(1)), List.of(random(3, 3, 5), random(4, 3, 5)));
    RotaryEmbedding rotary = new RotaryEmbedding(6, 10000, 12, ref, dtype);
    GradientChecker.assertGradients(
        in -> rotary.apply(in.get(0), 2), List.of(random(5, 2, 2, 4, 6)));
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT64"})
  void badOptionsAreRefusedWithTheOwner(DType dtype) {
    BuildContext ctx = BuildContext.of(ref, dtype, 1);
    GroupedQueryAttentionProvider p = new GroupedQueryAttentionProvider();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                p.create(
                    p.options().resolve("t", Map.of("num_heads", 4, "num_kv_heads", 3)), 8, ctx));
    assertEquals(
        "layer 'grouped-query-attention': num_kv_heads 3 must divide num_heads 4", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.create(p.options().resolve("t", Map.of("num_heads", 3)), 8, ctx));
    assertTrue(e.getMessage().contains("8 features do not split into 3 heads"), e.getMessage());
    // without rotary positions and with one key/value head: multi-query attention
    Layer mqa =
        p.create(
            p.options().resolve("t", Map.of("num_heads", 4, "num_kv_heads", 1, "rope_theta", 0.0)),
            8,
            ctx);
    assertEquals(Shape.of(2, 8), mqa.namedParameters().get("k_proj.weight").shape());
  }
}
