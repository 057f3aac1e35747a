package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A small transformer encoder assembled from the blocks by name ({@code embedding}, {@code
 * learned-positional-encoding}, {@code transformer-encoder}, {@code lm-head}) learns to reverse and
 * to sort sequences of 6 digits: at least 99% of validation positions right.
 */
class DigitSequenceTest {
  private static final int LENGTH = 6;
  private static final int DIM = 32;
  private static final int MAX_STEPS = 1500;

  private static Layer block(String name, Map<String, Object> options, int in, BuildContext ctx) {
    LayerProvider p = Plugins.shared().layers().get(name);
    return p.create(p.options().resolve(name, options, Plugins.shared()), in, ctx);
  }

  @SuppressWarnings("try")
  @ParameterizedTest
  @EnumSource(DigitSequences.Task.class)
  void encoderLearnsTheTask(DigitSequences.Task task) {
    Backend cpu = TestBackends.reference();
    BuildContext ctx = BuildContext.of(cpu, DType.FLOAT32, 21);
    Sequential model =
        new Sequential(
            List.of(
                block("embedding", Map.of("embedding_dim", DIM), DigitSequences.DIGITS, ctx),
                block(
                    "learned-positional-encoding",
                    Map.of("max_len", LENGTH, "init_std", 1.0),
                    DIM,
                    ctx),
                block(
                    "transformer-encoder",
                    Map.of(
                        "num_layers",
                        2,
                        "nhead",
                        4,
                        "dim_feedforward",
                        64,
                        "dropout",
                        0.0,
                        "norm_first",
                        true,
                        "final_norm",
                        true),
                    DIM,
                    ctx),
                block("lm-head", Map.of("vocab_size", DigitSequences.DIGITS), DIM, ctx)));
    LossProvider ce = Plugins.shared().losses().get("cross-entropy");
    Loss loss = ce.create(ce.options().defaults("cross-entropy"));
    List<Parameter> params = new ArrayList<>(model.parameters());
    Adam adam = new Adam(params, 3e-3);
    DigitSequences data = new DigitSequences(task, LENGTH);
    DigitSequences.Batch validation = data.batch(500, 424_242);
    ForwardContext training = ForwardContext.training(new Seeds(1));
    double accuracy = 0;
    int step = 0;
    while (step < MAX_STEPS && accuracy < 0.995) {
      for (int k = 0; k < 100; k++, step++) {
        try (Scope s = Scope.open()) {
          DigitSequences.Batch b = data.batch(64, step);
          Tensor logits =
              model.forward(Tensors.indices(cpu, b.inputs(), b.size(), LENGTH), training);
          Tensor value =
              loss.compute(
                  Shapes.reshape(logits, b.size() * LENGTH, DigitSequences.DIGITS),
                  Tensors.indices(cpu, b.targets(), b.size() * LENGTH));
          adam.zeroGrad();
          value.backward();
          adam.step();
        }
      }
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor logits =
            model.forward(
                Tensors.indices(cpu, validation.inputs(), validation.size(), LENGTH),
                ForwardContext.inference());
        int[] predicted = Reductions.argmax(logits, -1).toIntArray();
        int right = 0;
        for (int i = 0; i < predicted.length; i++) {
          right += predicted[i] == validation.targets()[i] ? 1 : 0;
        }
        accuracy = (double) right / predicted.length;
      }
    }
    assertTrue(
        accuracy >= 0.99,
        task + ": validation accuracy " + accuracy + " after " + step + " steps, expected >= 0.99");
  }
}
