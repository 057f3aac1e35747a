package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attention learns marked-token recall: a learned query attends over the embedded tokens (keys) and
 * reads the embedding of each token's successor (values), so it must put its weight on the marker
 * to answer. Sequences have variable lengths (padding masked). Target: at least 99% validation
 * accuracy with {@code additive} and with {@code multi-head}, and the marker receives most of the
 * attention.
 */
class MarkedTokenRecallTest {
  private static final int DIM = 16;
  private static final int BATCH = 32;
  private static final int MAX_STEPS = 600;
  private static final MarkedTokenRecall TASK = new MarkedTokenRecall(4, 10);

  /** The model: embedding, a learned query, the unit under test, a linear classifier. */
  private static final class Model {
    final Embedding embedding;
    final Parameter query;
    final AttentionUnit unit;
    final Dense classifier;
    Tensor lastWeights;

    Model(AttentionUnitProvider provider, Map<String, Object> options, BuildContext ctx) {
      embedding = new Embedding(MarkedTokenRecall.VOCABULARY, DIM, false, ctx);
      query = Parameter.create(ctx, Shape.of(1, 1, DIM), Inits.normal(1.0), null);
      unit =
          provider.create(
              provider.options().resolve("recall", options, Plugins.shared()),
              AttentionSpec.self(DIM),
              ctx);
      classifier = new Dense(DIM, MarkedTokenRecall.CONTENT, null, ctx);
    }

    Tensor logits(Backend backend, MarkedTokenRecall.Batch b, ForwardContext ctx) {
      int n = b.size();
      Tensor keys = embedding.forward(Tensors.indices(backend, b.tokens(), n, b.time()), ctx);
      Tensor values = embedding.forward(Tensors.indices(backend, b.next(), n, b.time()), ctx);
      Tensor q = Shapes.expand(query.value(), Shape.of(n, 1, DIM));
      Tensor mask = AttentionMasks.fromLengths(backend, DType.FLOAT32, b.lengths(), b.time());
      AttentionResult r = unit.attend(q, keys, values, mask, ctx);
      lastWeights = r.weights();
      return classifier.forward(Shapes.reshape(r.output(), n, DIM), ctx);
    }

    List<Parameter> parameters() {
      List<Parameter> l = new ArrayList<>();
      l.add(embedding.namedParameters().get("weight"));
      l.add(query);
      l.addAll(unit.parameters());
      l.addAll(classifier.parameters());
      return l;
    }
  }

  @SuppressWarnings("try")
  private static void learns(String unitName, Map<String, Object> options) {
    Backend cpu = TestBackends.reference();
    AttentionUnitProvider provider = Plugins.shared().attentionUnits().get(unitName);
    LossProvider ce = Plugins.shared().losses().get("cross-entropy");
    Loss loss = ce.create(ce.options().defaults("cross-entropy"));
    Model model = new Model(provider, options, BuildContext.of(cpu, DType.FLOAT32, 11));
    Adam adam = new Adam(model.parameters(), 0.01);
    ForwardContext training = ForwardContext.training(new Seeds(5));
    MarkedTokenRecall.Batch validation = TASK.batch(1000, 999_999);
    double accuracy = 0;
    int step = 0;
    while (step < MAX_STEPS) {
      for (int k = 0; k < 50; k++, step++) {
        try (Scope s = Scope.open()) {
          MarkedTokenRecall.Batch b = TASK.batch(BATCH, step);
          Tensor value =
              loss.compute(
                  model.logits(cpu, b, training), Tensors.indices(cpu, b.answers(), b.size()));
          adam.zeroGrad();
          value.backward();
          adam.step();
        }
      }
      accuracy = accuracy(model, cpu, validation);
      if (accuracy >= 0.995) {
        break;
      }
    }
    assertTrue(
        accuracy >= 0.99,
        unitName
            + ": validation accuracy "
            + accuracy
            + " after "
            + step
            + " steps, expected >= 0.99");
    // the marker gets most of the attention
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      model.logits(cpu, validation, ForwardContext.inference());
      double[] w = model.lastWeights.toDoubleArray();
      double onMarker = 0;
      for (int b = 0; b < validation.size(); b++) {
        onMarker += w[b * validation.time() + validation.markers()[b]];
      }
      onMarker /= validation.size();
      assertTrue(
          onMarker > 0.5,
          unitName + ": mean attention weight on the marker " + onMarker + ", expected > 0.5");
    }
  }

  @SuppressWarnings("try")
  private static double accuracy(Model model, Backend cpu, MarkedTokenRecall.Batch b) {
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      int[] predicted =
          Reductions.argmax(model.logits(cpu, b, ForwardContext.inference()), 1).toIntArray();
      int right = 0;
      for (int i = 0; i < predicted.length; i++) {
        right += predicted[i] == b.answers()[i] ? 1 : 0;
      }
      return (double) right / predicted.length;
    }
  }

  @Test
  void additiveAttentionLearnsRecall() {
    learns("additive", Map.of());
  }

  @Test
  void multiHeadAttentionLearnsRecall() {
    learns("multi-head", Map.of("num_heads", 2));
  }
}
