package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensors;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimizers' real Adam on the device: its update is one fused program whose learning rate and
 * bias corrections change every step as run-time parameters, so 100 steps under a changing learning
 * rate compile its OpenCL program once.
 */
class AdamOnDeviceTest {

  @Test
  @SuppressWarnings("try")
  void hundredAdamStepsCompileOneProgram() {
    OpenClTests.assumePlatform();
    BackendProvider p = Plugins.shared().backends().get("opencl");
    try (OpenClBackend cl = (OpenClBackend) p.create(p.options().defaults("opencl"))) {
      ClFused fused = (ClFused) cl.capability(FusedElementwise.class).orElseThrow();
      BuildContext ctx = BuildContext.of(cl, DType.FLOAT32, 7);
      Parameter w =
          Parameter.create(
              ctx,
              Shape.of(64, 32),
              (t, fan, seed) ->
                  Tensors.fillRandom(t, dev.heed.core.backend.Distribution.NORMAL, 0, 1, seed),
              new Fan(32, 64));
      OptimizerProvider adam = Plugins.shared().optimizers().get("adam");
      Optimizer optimizer =
          adam.create(
              adam.options().resolve("adam", Map.of("lr", 0.01)),
              java.util.List.of(ParameterGroup.of(Map.of("w", w))));
      long afterFirst = 0;
      double first = Double.NaN;
      double last = Double.NaN;
      for (int step = 0; step < 100; step++) {
        optimizer.setLearningRate(0, 0.01 * (1 - step / 200.0));
        try (Scope s = Scope.open()) {
          var loss = Reductions.sum(w.value().square());
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          last = loss.item();
        }
        if (step == 0) {
          first = last;
          // the first step builds Adam's update and the square's derivative, once each
          afterFirst = fused.builds();
        }
      }
      assertEquals(2L, afterFirst, "programs built by the first step");
      assertEquals(
          afterFirst,
          fused.builds(),
          "no program built in the 99 steps after the first, while lr and the bias corrections"
              + " changed every step");
      assertTrue(last < first, "the loss went down: " + first + " -> " + last);
    }
  }
}
