package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Seeds;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The block providers are registered and declare their options; parameter names follow PyTorch; bad
 * options and shapes are rejected with messages that say what would be right; the mask builders and
 * dropout behave.
 */
@SuppressWarnings("try")
class ProvidersTest {
  static final List<LayerProvider> BLOCKS =
      List.of(
          new EmbeddingProvider(),
          new SinusoidalPositionalEncodingProvider(),
          new LearnedPositionalEncodingProvider(),
          new LayerNormProvider(),
          new DropoutProvider(),
          new ResidualProvider(),
          new SelfAttentionProvider(),
          new FeedForwardProvider(),
          new TransformerEncoderLayerProvider(),
          new TransformerEncoderProvider(),
          new SequenceClassificationHeadProvider(),
          new LanguageModelHeadProvider());

  @Test
  void everyBlockIsFoundByNameAndDeclaresItsOptions() {
    for (LayerProvider p : BLOCKS) {
      LayerProvider found = Plugins.shared().layers().get(p.name());
      assertSame(p.getClass(), found.getClass(), p.name());
      assertTrue(p.name().matches("[a-z][a-z0-9-]*"), p.name());
      assertFalse(p.description().isBlank(), p.name() + ": description");
      for (OptionSpec o : p.options().options()) {
        assertFalse(o.description().isBlank(), p.name() + " option " + o.name());
        assertTrue(
            !o.required(), p.name() + " option " + o.name() + " has a default or is optional");
      }
      Options defaults = p.options().resolve(p.name(), Map.of(), Plugins.shared());
      assertTrue(p.outputFeatures(defaults, 16) > 0, p.name());
    }
  }

  @Test
  void encoderLayerHasPyTorchNames() {
    TransformerEncoderProvider p = new TransformerEncoderProvider();
    Layer l =
        p.create(
            p.options()
                .resolve(
                    "t",
                    Map.of("nhead", 2, "dim_feedforward", 8, "num_layers", 2),
                    Plugins.shared()),
            4,
            BuildContext.of(TestBackends.reference(), DType.FLOAT32, 1));
    assertEquals(
        List.of(
            "layers.0.self_attn.in_proj_weight",
            "layers.0.self_attn.in_proj_bias",
            "layers.0.self_attn.out_proj.weight",
            "layers.0.self_attn.out_proj.bias",
            "layers.0.linear1.weight",
            "layers.0.linear1.bias",
            "layers.0.linear2.weight",
            "layers.0.linear2.bias",
            "layers.0.norm1.weight",
            "layers.0.norm1.bias",
            "layers.0.norm2.weight",
            "layers.0.norm2.bias"),
        l.namedParameters().keySet().stream().filter(k -> k.startsWith("layers.0.")).toList());
    assertEquals(24, l.namedParameters().size());
    assertEquals(
        Shape.of(12, 4), l.namedParameters().get("layers.1.self_attn.in_proj_weight").shape());
  }

  @Test
  void unitsHavePyTorchNames() {
    Backend b = TestBackends.reference();
    BuildContext ctx = BuildContext.of(b, DType.FLOAT32, 1);
    var mha = new MultiHeadAttentionProvider();
    assertEquals(
        Set.of(
            "q_proj_weight",
            "k_proj_weight",
            "v_proj_weight",
            "in_proj_bias",
            "out_proj.weight",
            "out_proj.bias"),
        mha.create(
                mha.options().resolve("m", Map.of("num_heads", 2), Plugins.shared()),
                new AttentionSpec(4, 3, 5),
                ctx)
            .namedParameters()
            .keySet());
    assertEquals(
        List.of("in_proj_weight", "out_proj.weight"),
        List.copyOf(
            mha.create(
                    mha.options().resolve("m", Map.of("bias", false), Plugins.shared()),
                    AttentionSpec.self(4),
                    ctx)
                .namedParameters()
                .keySet()));
    var add = new AdditiveAttentionProvider();
    AttentionUnit a =
        add.create(
            add.options().resolve("a", Map.of("hidden", 7), Plugins.shared()),
            new AttentionSpec(2, 3, 5),
            ctx);
    assertEquals(
        List.of(
            "query_proj.weight", "query_proj.bias", "key_proj.weight", "key_proj.bias", "v.weight"),
        List.copyOf(a.namedParameters().keySet()));
    assertEquals(Shape.of(7, 3), a.namedParameters().get("key_proj.weight").shape());
    assertEquals(Shape.of(1, 7), a.namedParameters().get("v.weight").shape());
    assertTrue(
        Plugins.shared()
            .attentionUnits()
            .configure("scaled-dot")
            .provider()
            .create(
                Plugins.shared().attentionUnits().configure("scaled-dot").options(),
                AttentionSpec.self(4),
                ctx)
            .namedParameters()
            .isEmpty());
  }

  @Test
  void badOptionsAndShapesSayWhatWouldBeRight() {
    BuildContext ctx = BuildContext.of(TestBackends.reference(), DType.FLOAT32, 1);
    var mha = new MultiHeadAttentionProvider();
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                mha.create(
                    mha.options().resolve("m", Map.of("num_heads", 3), Plugins.shared()),
                    AttentionSpec.self(8),
                    ctx));
    assertTrue(e.getMessage().contains("does not divide embed_dim"), e.getMessage());
    var dot = new DotAttentionProvider();
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> dot.create(dot.options().defaults("dot"), new AttentionSpec(4, 5, 3), ctx));
    assertTrue(e.getMessage().contains("general: true"), e.getMessage());
    var enc = new TransformerEncoderLayerProvider();
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                enc.create(
                    enc.options().resolve("e", Map.of("dropout", 1.0), Plugins.shared()), 8, ctx));
    assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
    try (Scope s = Scope.open()) {
      AttentionUnit u =
          Plugins.shared()
              .attentionUnits()
              .configure("additive")
              .provider()
              .create(
                  Plugins.shared().attentionUnits().configure("additive").options(),
                  AttentionSpec.self(4),
                  ctx);
      Tensor x = Tensors.zeros(ctx.backend(), Shape.of(2, 3, 4), DType.FLOAT32);
      Tensor wrong = Tensors.zeros(ctx.backend(), Shape.of(2, 3, 5), DType.FLOAT32);
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> u.attend(x, wrong, x, null, ForwardContext.inference()));
      assertTrue(e.getMessage().contains("expected keys [batch = 2, keys, 4]"), e.getMessage());
      Tensor badMask = Tensors.zeros(ctx.backend(), Shape.of(2, 1, 4), DType.FLOAT32);
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> u.attend(x, x, x, badMask, ForwardContext.inference()));
      assertTrue(e.getMessage().contains("must broadcast to the scores"), e.getMessage());
    }
  }

  @Test
  void maskBuildersFollowPyTorchConventions() {
    Backend b = TestBackends.reference();
    double inf = Double.NEGATIVE_INFINITY;
    try (Scope s = Scope.open()) {
      Tensor fromInts =
          AttentionMasks.keyPadding(
              Tensors.indices(b, new int[] {0, 0, 1, 0, 1, 1}, 2, 3), DType.FLOAT32);
      assertEquals(Shape.of(2, 1, 3), fromInts.shape());
      assertArrayEquals(new double[] {0, 0, inf, 0, inf, inf}, fromInts.toDoubleArray());
      Tensor fromFloats =
          AttentionMasks.keyPadding(
              Tensors.of(b, DType.FLOAT64, new double[] {0, 0, 1, 0, 1, 1}, 2, 3), DType.FLOAT64);
      assertArrayEquals(fromInts.toDoubleArray(), fromFloats.toDoubleArray());
      assertArrayEquals(
          fromInts.toDoubleArray(),
          AttentionMasks.fromLengths(b, DType.FLOAT32, new int[] {2, 1}, 3).toDoubleArray());
      assertArrayEquals(
          new double[] {0, inf, inf, 0, 0, inf},
          AttentionMasks.causal(b, DType.FLOAT32, 2, 3).toDoubleArray());
      assertArrayEquals(
          new double[] {0, inf, 0, inf},
          AttentionMasks.fromBoolean(
                  Tensors.indices(b, new int[] {0, 3, 0, -1}, 2, 2), DType.FLOAT32)
              .toDoubleArray());
      assertThrows(
          IllegalArgumentException.class,
          () -> AttentionMasks.fromLengths(b, DType.FLOAT32, new int[] {0}, 3));
    }
  }

  @Test
  void attentionDropoutActsInTrainingOnlyAndFollowsTheSeed() {
    Backend b = TestBackends.reference();
    BuildContext ctx = BuildContext.of(b, DType.FLOAT64, 1);
    for (String name : List.of("additive", "dot", "scaled-dot", "multi-head")) {
      var p = Plugins.shared().attentionUnits().get(name);
      AttentionUnit u =
          p.create(
              p.options().resolve(name, Map.of("dropout", 0.5), Plugins.shared()),
              AttentionSpec.self(4),
              ctx);
      try (Scope s = Scope.open()) {
        Tensor x = Tensors.normal(b, Shape.of(2, 6, 4), DType.FLOAT64, 0, 1, 5);
        AttentionResult eval1 = u.attend(x, x, x, null, ForwardContext.inference());
        AttentionResult eval2 = u.attend(x, x, x, null, ForwardContext.inference());
        assertArrayEquals(eval1.output().toDoubleArray(), eval2.output().toDoubleArray(), name);
        double[] t1 =
            u.attend(x, x, x, null, ForwardContext.training(new Seeds(4))).output().toDoubleArray();
        double[] t2 =
            u.attend(x, x, x, null, ForwardContext.training(new Seeds(4))).output().toDoubleArray();
        double[] t3 =
            u.attend(x, x, x, null, ForwardContext.training(new Seeds(8))).output().toDoubleArray();
        assertArrayEquals(t1, t2, name + ": same seed, same dropout");
        assertFalse(java.util.Arrays.equals(t1, t3), name + ": another seed, another dropout");
        assertFalse(
            java.util.Arrays.equals(t1, eval1.output().toDoubleArray()),
            name + ": dropout in training");
      }
    }
  }
}
