package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training a small MLP (8 → 16 tanh → 4, MSE, plain SGD written with core operations) on the opencl
 * backend: device memory returns to its level after every step's scope, and the loss curve is the
 * reference backend's.
 */
@SuppressWarnings("try") // try (GradMode g = GradMode.disable()) only switches recording off
class TrainingTest {
  private static final int BATCH = 32;
  private static final int IN = 8;
  private static final int HIDDEN = 16;
  private static final int OUT = 4;

  /** The model, its data and its loss on one backend; close() releases everything. */
  private static final class Run implements AutoCloseable {
    final Sequential model;
    final Tensor x;
    final Tensor y;
    final Loss loss;
    final ForwardContext training = ForwardContext.training(new Seeds(42));

    Run(Backend backend) {
      BuildContext ctx = BuildContext.of(backend, DType.FLOAT32, 42);
      Activation tanh =
          new Activation() {
            @Override
            public Tensor forward(Tensor input, ForwardContext c) {
              return Elementwise.tanh(input);
            }
          };
      model =
          new Sequential(
              List.of(new Dense(IN, HIDDEN, tanh, ctx), new Dense(HIDDEN, OUT, null, ctx)));
      float[] xs = new float[BATCH * IN];
      float[] ys = new float[BATCH * OUT];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (float) Math.sin(0.37 * i);
      }
      for (int r = 0; r < BATCH; r++) {
        for (int o = 0; o < OUT; o++) {
          ys[r * OUT + o] = (float) Math.cos(0.5 * r + o) * 0.5f;
        }
      }
      x = Scope.outside(() -> Tensors.of(backend, DType.FLOAT32, xs, BATCH, IN));
      y = Scope.outside(() -> Tensors.of(backend, DType.FLOAT32, ys, BATCH, OUT));
      var mse = Plugins.shared().losses().get("mse");
      Options defaults = mse.options().defaults("mse");
      loss = mse.create(defaults);
    }

    /** One SGD step; returns the loss before the update. */
    double step(double lr) {
      try (Scope s = Scope.open()) {
        Tensor value = loss.compute(model.forward(x, training), y);
        for (Parameter p : model.parameters()) {
          p.zeroGrad();
        }
        value.backward();
        try (GradMode g = GradMode.disable()) {
          for (Parameter p : model.parameters()) {
            Elementwise.applyInPlace(BinaryOp.SUB, p.value(), p.grad().mul(lr));
          }
        }
        return value.item();
      }
    }

    @Override
    public void close() {
      for (Parameter p : model.parameters()) {
        p.value().close();
      }
      x.close();
      y.close();
    }
  }

  /** 10,000 training steps leave exactly the buffers and bytes that the first step left. */
  @Test
  void deviceMemoryReturnsToBaselineAfterEveryStep() {
    OpenClBackend backend = OpenClTests.backend();
    long before = backend.liveBuffers();
    long beforeBytes = backend.liveBytes();
    try (Run run = new Run(backend)) {
      run.step(0.05);
      long buffers = backend.liveBuffers();
      long bytes = backend.liveBytes();
      assertTrue(buffers > before, "the model's buffers are counted");
      for (int i = 0; i < 10_000; i++) {
        run.step(0.05);
        if (backend.liveBuffers() != buffers || backend.liveBytes() != bytes) {
          throw new AssertionError(
              "after step "
                  + (i + 2)
                  + ": "
                  + backend.liveBuffers()
                  + " live buffers ("
                  + backend.liveBytes()
                  + " bytes), expected "
                  + buffers
                  + " ("
                  + bytes
                  + " bytes) as after the first step");
        }
      }
      run.model.parameters().forEach(Parameter::zeroGrad);
    }
    assertEquals(before, backend.liveBuffers(), "live buffers after releasing the model");
    assertEquals(beforeBytes, backend.liveBytes(), "live bytes after releasing the model");
  }

  /** The loss of every step of 200 agrees with the reference backend's to 1e-4 relative. */
  @Test
  void lossCurveMatchesReference() {
    OpenClBackend backend = OpenClTests.backend();
    double[] cpu = new double[200];
    double[] cl = new double[200];
    try (Run run = new Run(TestBackends.reference())) {
      for (int i = 0; i < cpu.length; i++) {
        cpu[i] = run.step(0.5);
      }
    }
    try (Run run = new Run(backend)) {
      for (int i = 0; i < cl.length; i++) {
        cl[i] = run.step(0.5);
      }
    }
    assertTrue(
        cpu[199] < 0.7 * cpu[0], "the reference run does not learn: " + cpu[0] + " → " + cpu[199]);
    for (int i = 0; i < cpu.length; i++) {
      double tol = 1e-4 * Math.abs(cpu[i]) + 1e-6;
      if (Math.abs(cl[i] - cpu[i]) > tol) {
        throw new AssertionError(
            "loss at step "
                + i
                + ": opencl "
                + cl[i]
                + ", reference "
                + cpu[i]
                + " (tolerance "
                + tol
                + ")");
      }
    }
  }
}
