package dev.heed.attention;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.TestBackends;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Heed's units and encoder layers against PyTorch's own modules: the fixtures hold PyTorch's
 * weights (loaded here by their state_dict names), inputs, outputs, attention weights and the
 * gradients of {@code Σ output·R} with respect to inputs and weights. Float64 must agree within
 * 1e-9 and float32 within 1e-4 (relative to {@code max(1, |expected|)}).
 */
@SuppressWarnings("try")
class PyTorchFixtureTest {
  @TempDir Path tmp;

  private static double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-9 : 1e-4;
  }

  private void unit(
      String name,
      AttentionUnitProvider provider,
      Map<String, Object> options,
      int dq,
      int dk,
      int dv,
      boolean self,
      DType dtype) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      AttentionUnit unit =
          provider.create(
              provider.options().resolve(name, options, Plugins.shared()),
              new AttentionSpec(dq, dk, dv),
              BuildContext.of(ref, dtype, 1));
      f.loadInto(unit);
      Tensor q = f.input("query");
      Tensor k = self ? q : f.input("key");
      Tensor v = self ? q : f.input("value");
      int tq = q.dim(1);
      int tk = k.dim(1);
      Tensor mask = AttentionMasks.fromLengths(ref, dtype, f.lengths(), tk);
      if (f.causal()) {
        mask = AttentionMasks.combine(mask, AttentionMasks.causal(ref, dtype, tq, tk));
      }
      AttentionResult r = unit.attend(q, k, v, mask, ForwardContext.inference());
      f.loss(r.output()).backward();
      double tol = tolerance(dtype);
      f.assertClose("output", r.output(), "expected.output", tol);
      f.assertClose("weights", r.weights(), "expected.weights", tol);
      f.assertClose("query gradient", q.grad(), "grad.query", tol);
      if (!self) {
        f.assertClose("key gradient", k.grad(), "grad.key", tol);
        f.assertClose("value gradient", v.grad(), "grad.value", tol);
      }
      f.assertParameterGradients(unit, tol);
    }
  }

  private void encoder(
      String name, LayerProvider provider, Map<String, Object> options, DType dtype) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      Tensor x = f.input("x");
      MaskedLayer layer =
          (MaskedLayer)
              provider.create(
                  provider.options().resolve(name, options, Plugins.shared()),
                  x.dim(2),
                  BuildContext.of(ref, dtype, 1));
      f.loadInto(layer);
      Tensor mask = AttentionMasks.fromLengths(ref, dtype, f.lengths(), x.dim(1));
      Tensor out = layer.forward(x, mask, ForwardContext.training(new dev.heed.core.nn.Seeds(3)));
      f.loss(out).backward();
      double tol = tolerance(dtype);
      f.assertClose("output", out, "expected.output", tol);
      f.assertClose("input gradient", x.grad(), "grad.x", tol);
      f.assertParameterGradients(layer, tol);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void multiHeadSelfAttentionWithPaddingAndCausalMasks(DType dtype) {
    unit(
        "mha_self", new MultiHeadAttentionProvider(), Map.of("num_heads", 2), 8, 8, 8, true, dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void multiHeadCrossAttentionWithKdimVdimAndPerHeadWeights(DType dtype) {
    unit(
        "mha_cross",
        new MultiHeadAttentionProvider(),
        Map.of("num_heads", 4, "average_attn_weights", false),
        8,
        6,
        5,
        false,
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void additive(DType dtype) {
    unit("additive", new AdditiveAttentionProvider(), Map.of("hidden", 6), 4, 5, 3, false, dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void dotWithCausalMask(DType dtype) {
    unit("dot", new DotAttentionProvider(), Map.of(), 4, 4, 3, false, dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void dotGeneral(DType dtype) {
    unit("dot_general", new DotAttentionProvider(), Map.of("general", true), 4, 5, 3, false, dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void scaledDot(DType dtype) {
    unit("scaled_dot", new ScaledDotAttentionProvider(), Map.of(), 4, 4, 3, false, dtype);
  }

  private static Map<String, Object> encoderOptions(boolean normFirst, String activation) {
    return Map.of(
        "nhead",
        2,
        "dim_feedforward",
        16,
        "dropout",
        0.0,
        "norm_first",
        normFirst,
        "activation",
        activation);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void postNormEncoderLayer(DType dtype) {
    encoder(
        "encoder_post",
        new TransformerEncoderLayerProvider(),
        encoderOptions(false, "relu"),
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void preNormEncoderLayerWithGelu(DType dtype) {
    encoder(
        "encoder_pre", new TransformerEncoderLayerProvider(), encoderOptions(true, "gelu"), dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void encoderStackWithFinalNorm(DType dtype) {
    Map<String, Object> o = new java.util.HashMap<>(encoderOptions(true, "relu"));
    o.put("num_layers", 2);
    o.put("final_norm", true);
    encoder("encoder_stack", new TransformerEncoderProvider(), o, dtype);
  }
}
