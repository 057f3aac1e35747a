package dev.heed.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.pretrained.blocks.GroupedQueryAttention;
import dev.heed.pretrained.blocks.RmsNorm;
import dev.heed.pretrained.blocks.RopeFrequencies;
import dev.heed.pretrained.blocks.Rotary;
import dev.heed.pretrained.blocks.SwiGlu;
import dev.heed.testkit.GradientChecker;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The blocks' gradients against central differences (testkit's gradient checker, FLOAT64), and a
 * pretrained model's gradients reaching every parameter, so the families can be fine-tuned.
 */
class BlocksGradientTest {
  private final Backend backend = TestBackends.reference();

  private Tensor random(long seed, int... shape) {
    return Tensors.normal(backend, Shape.of(shape), DType.FLOAT64, 0, 1, seed).requiresGrad(true);
  }

  @Test
  void rmsNorm() {
    GradientChecker.assertGradients(
        in -> RmsNorm.apply(in.get(0), in.get(1), 1e-5), List.of(random(1, 2, 3, 6), random(2, 6)));
  }

  @Test
  void rotaryPositions() {
    Rotary rotary =
        new Rotary(RopeFrequencies.llama3(500000, 6, 8, 1, 4, 8), 16, backend, DType.FLOAT64);
    GradientChecker.assertGradients(
        in -> rotary.apply(in.get(0), 3), List.of(random(3, 2, 2, 5, 6)));
    // and with cos and sin as inputs too: the operation is linear in each
    GradientChecker.assertGradients(
        in -> Rotary.apply(in.get(0), in.get(1), in.get(2)),
        List.of(random(4, 1, 2, 3, 4), random(5, 3, 4), random(6, 3, 4)));
  }

  @Test
  void swiGluGate() {
    GradientChecker.assertGradients(
        in -> SwiGlu.gated(in.get(0), in.get(1)), List.of(random(7, 3, 5), random(8, 3, 5)));
  }

  @Test
  void activations() {
    GradientChecker.assertGradients(in -> Activations.gelu(in.get(0)), List.of(random(9, 4, 5)));
    GradientChecker.assertGradients(
        in -> Activations.geluTanh(in.get(0)), List.of(random(10, 4, 5)));
  }

  @Test
  void groupedQueryAttentionParameters() {
    BuildContext ctx = BuildContext.of(backend, DType.FLOAT64, 1);
    GroupedQueryAttention gqa = new GroupedQueryAttention(8, 4, 2, 2, true, ctx);
    Map<String, Tensor> weights = new LinkedHashMap<>();
    long seed = 20;
    for (var e : gqa.namedParameters().entrySet()) {
      Shape s = e.getValue().shape();
      long sd = seed++;
      weights.put(
          e.getKey(), Scope.outside(() -> Tensors.normal(backend, s, DType.FLOAT64, 0, 0.5, sd)));
    }
    StateDicts.load(gqa, weights);
    Rotary rotary = new Rotary(RopeFrequencies.standard(10000, 2), 8, backend, DType.FLOAT64);
    Tensor x =
        Scope.outside(() -> Tensors.normal(backend, Shape.of(2, 3, 8), DType.FLOAT64, 0, 1, 3));
    GradientChecker.assertParameterGradients(() -> gqa.forward(x, rotary).sum(), gqa.parameters());
  }

  @Test
  @SuppressWarnings("try")
  void bertFineTuningGradientsReachEveryParameter() {
    Bert bert =
        (Bert) HfModels.load(Fixtures.dir("bert-cls"), BuildContext.of(backend, DType.FLOAT32, 1));
    Map<String, Tensor> ref = Fixtures.reference("bert-cls", backend);
    try (Scope s = Scope.open()) {
      Tensor logits =
          bert.forward(
                  ref.get("0.input_ids"),
                  ref.get("0.attention_mask"),
                  ref.get("0.token_type_ids"),
                  new ForwardContext(true, new dev.heed.core.nn.Seeds(5)))
              .logits();
      Tensor labels = Tensors.indices(backend, new int[] {2, 0}, 2);
      Tensor loss =
          Reductions.mean(
                  NeuralOps.logSoftmax(logits, -1).mul(NeuralOps.oneHot(labels, 3, DType.FLOAT32)))
              .neg();
      loss.backward();
    }
    int withGrad = 0;
    for (var e : bert.namedParameters().entrySet()) {
      Parameter p = e.getValue();
      assertNotNull(p.grad(), e.getKey() + " got no gradient");
      withGrad++;
    }
    assertEquals(bert.namedParameters().size(), withGrad);
  }

  @Test
  @SuppressWarnings("try")
  void aBertClassifierFineTunesWithDropoutOn() {
    Bert bert =
        HfModels.bertForSequenceClassification(
            Fixtures.dir("bert-mlm"), 2, BuildContext.of(backend, DType.FLOAT32, 3));
    Map<String, Tensor> ref = Fixtures.reference("bert-mlm", backend);
    Tensor labels = Tensors.indices(backend, new int[] {1, 0}, 2);
    dev.heed.core.nn.Seeds seeds = new dev.heed.core.nn.Seeds(11);
    double first = 0;
    double last = 0;
    for (int step = 0; step < 40; step++) {
      try (Scope s = Scope.open()) {
        Tensor logits =
            bert.forward(
                    ref.get("0.input_ids"),
                    ref.get("0.attention_mask"),
                    ref.get("0.token_type_ids"),
                    new ForwardContext(true, seeds))
                .logits();
        Tensor loss =
            Reductions.mean(
                    NeuralOps.logSoftmax(logits, -1)
                        .mul(NeuralOps.oneHot(labels, 2, DType.FLOAT32)))
                .mul(-2);
        loss.backward();
        last = loss.item();
        if (step == 0) {
          first = last;
        }
        try (dev.heed.core.tensor.GradMode off = dev.heed.core.tensor.GradMode.disable()) {
          for (Parameter p : bert.parameters()) {
            if (p.grad() != null) {
              dev.heed.core.tensor.Elementwise.assign(p.value(), p.value().sub(p.grad().mul(0.5)));
              p.zeroGrad();
            }
          }
        }
      }
    }
    assertTrue(last < 0.3 * first, "cross-entropy from " + first + " to " + last);
  }
}
