package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The "Using the library" example of the repository's README.md, compiled and run, and a check that
 * the README shows exactly the lines between the {@code README:begin} and {@code README:end}
 * markers below.
 */
class ReadmeExampleTest {
  private static final String BEGIN = "// README:begin";
  private static final String END = "// README:end";

  @Test
  @SuppressWarnings("try")
  void theReadmeExampleTrains() {
    Training.Dataset data = teacherData();
    float[] inputs = data.x();
    float[] targets = data.y();

    // README:begin
    Plugins plugins = Plugins.shared();
    BackendProvider cpuProvider = plugins.backends().get("cpu");
    ActivationProvider tanh = plugins.activations().get("tanh");
    LossProvider mse = plugins.losses().get("mse");
    OptimizerProvider sgd = plugins.optimizers().get("sgd");

    // inputs: float[32 * 10], targets: float[32 * 5], row-major
    double first = Double.NaN;
    double last = Double.NaN;
    List<String> names = List.of();
    try (Backend cpu = cpuProvider.create(cpuProvider.options().defaults("backend 'cpu'"));
        Tensor x = Tensors.of(cpu, DType.FLOAT32, inputs, 32, 10);
        Tensor y = Tensors.of(cpu, DType.FLOAT32, targets, 32, 5)) {
      BuildContext ctx = BuildContext.of(cpu, DType.FLOAT32, 42); // seeds the initialisers
      Sequential model =
          new Sequential(
              List.of(
                  new Dense(10, 10, null, ctx),
                  tanh.create(tanh.options().defaults("tanh"), ctx),
                  new Dense(10, 5, null, ctx)));
      // PyTorch's names for Sequential(Linear(10, 10), Tanh(), Linear(10, 5)), so its state_dict
      // loads as it is: [0.weight, 0.bias, 2.weight, 2.bias]
      names = List.copyOf(model.namedParameters().keySet());
      Loss loss = mse.create(mse.options().defaults("mse"));
      Optimizer optimizer =
          sgd.create(
              sgd.options().resolve("sgd", Map.of("lr", 0.01)),
              List.of(ParameterGroup.of(model.namedParameters())));
      ForwardContext training = ForwardContext.training(new Seeds(42));
      for (int step = 0; step < 2000; step++) {
        try (Scope s = Scope.open()) { // frees this step's intermediates when it closes
          Tensor value = loss.compute(model.forward(x, training), y);
          optimizer.zeroGrad();
          value.backward(); // every gradient comes from the tape
          optimizer.step();
          last = value.item();
        }
        if (step == 0) {
          first = last;
        }
      }
    }
    // README:end

    assertTrue(last < 0.2 * first, "the README example should learn: MSE " + first + " -> " + last);
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), names);
  }

  @Test
  void theReadmeShowsThisExample() throws IOException {
    Path module = Path.of(System.getProperty("basedir", "."));
    Path source =
        module.resolve("src/test/java/dev/heed/integration/ReadmeExampleTest.java").normalize();
    Path readme = module.resolve("../README.md").normalize();
    List<String> example = codeLines(Files.readAllLines(source), BEGIN, END);
    List<String> shown = codeLines(Files.readAllLines(readme), "```java", "```");
    assertTrue(example.size() > 10, "no example found between the markers in " + source);
    assertEquals(
        String.join("\n", example),
        String.join("\n", shown),
        readme + ": the first java block should be the example in " + source);
  }

  /** The stripped, non-blank lines after the line {@code begin} up to the line {@code end}. */
  private static List<String> codeLines(List<String> lines, String begin, String end) {
    List<String> code = new ArrayList<>();
    boolean inside = false;
    for (String line : lines) {
      String t = line.strip();
      if (!inside && t.equals(begin)) {
        inside = true;
      } else if (inside && t.equals(end)) {
        break;
      } else if (inside && !t.isEmpty()) {
        code.add(t);
      }
    }
    return code;
  }

  /** 32 examples of the seed task: 10 normal inputs, targets {@code tanh(x·A)·B}. */
  private static Training.Dataset teacherData() {
    double[][] a = Training.normalMatrix(10, 10, 1 / Math.sqrt(10), 21);
    double[][] b = Training.normalMatrix(10, 5, 1 / Math.sqrt(10), 22);
    double[][] x = Training.normalInputs(32, 10, 23);
    double[][] h = Training.matmul(x, a);
    for (double[] row : h) {
      for (int j = 0; j < row.length; j++) {
        row[j] = Math.tanh(row[j]);
      }
    }
    return new Training.Dataset(
        Training.flatten(x), Training.flatten(Training.matmul(h, b)), 32, 10, 5);
  }
}
