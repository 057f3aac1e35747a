package com.example.heedlib;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.StateDicts;
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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fits {@code y = sin(x0) + x1·x2} with PyTorch's {@code Sequential(Linear(3, 16), Tanh(),
 * Linear(16, 1))} built from core's types, saves it as safetensors under PyTorch's names ({@code
 * 0.*}, {@code 2.*}), loads the file into a second network and checks that both predict the same:
 * {@code FitAndSave OUT.safetensors}. Exits 1 when the loss did not fall or the copy differs.
 */
public final class FitAndSave {
  private FitAndSave() {}

  @SuppressWarnings("try") // the scopes are opened for their close only
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: FitAndSave OUT.safetensors");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int n = 256;
    float[] x = new float[n * 3];
    float[] y = new float[n];
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x[3 * i + j] = (float) random.nextDouble(-1, 1);
      }
      y[i] = (float) (Math.sin(x[3 * i]) + x[3 * i + 1] * x[3 * i + 2]);
    }
    Plugins plugins = Plugins.shared();
    BackendProvider cpuProvider = plugins.backends().get("cpu");
    ActivationProvider tanh = plugins.activations().get("tanh");
    LossProvider mse = plugins.losses().get("mse");
    OptimizerProvider adam = plugins.optimizers().get("adam");
    try (Backend cpu = cpuProvider.create(cpuProvider.options().defaults("backend 'cpu'"))) {
      Sequential model = network(cpu, tanh, 1);
      Loss loss = mse.create(mse.options().defaults("mse"));
      Optimizer optimizer =
          adam.create(
              adam.options().resolve("adam", Map.of("lr", 0.01)),
              List.of(ParameterGroup.of(model.namedParameters())));
      ForwardContext training = ForwardContext.training(new Seeds(1));
      double first = Double.NaN;
      double last = Double.NaN;
      try (Tensor inputs = Tensors.of(cpu, DType.FLOAT32, x, n, 3);
          Tensor targets = Tensors.of(cpu, DType.FLOAT32, y, n, 1)) {
        for (int step = 0; step < 500; step++) {
          try (Scope perStep = Scope.open()) { // frees this step's intermediates
            Tensor value = loss.compute(model.forward(inputs, training), targets);
            optimizer.zeroGrad();
            value.backward();
            optimizer.step();
            last = value.item();
          }
          if (step == 0) {
            first = last;
          }
        }
        System.out.printf("mse %.5f -> %.5f after 500 Adam steps%n", first, last);
        StateDicts.save(model, out, Map.of("example", "FitAndSave"));
        System.out.println("saved " + SafeTensors.entries(out).size() + " tensors to " + out);

        Sequential copy = network(cpu, tanh, 2);
        StateDicts.load(copy, SafeTensors.read(out, cpu));
        ForwardContext inference = ForwardContext.inference();
        float[] a;
        float[] b;
        try (Scope scope = Scope.open()) {
          a = model.forward(inputs, inference).toFloatArray();
          b = copy.forward(inputs, inference).toFloatArray();
        }
        System.out.println("parameters: " + copy.namedParameters().keySet());
        if (!(last < 0.2 * first) || !Arrays.equals(a, b)) {
          System.err.println("the fit failed or the loaded copy predicts differently");
          System.exit(1);
        }
      }
    }
  }

  /** Sequential(Linear(3, 16), Tanh(), Linear(16, 1)), initialised from {@code seed}. */
  private static Sequential network(Backend cpu, ActivationProvider tanh, long seed) {
    BuildContext ctx = BuildContext.of(cpu, DType.FLOAT32, seed);
    return new Sequential(
        List.of(
            new Dense(3, 16, null, ctx),
            tanh.create(tanh.options().defaults("tanh"), ctx),
            new Dense(16, 1, null, ctx)));
  }
}
