package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.ProviderInfo;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every activation, attention unit and optimizer in the build (activations and units forward and
 * backward, optimizers over several steps), on every available backend in the build (simd, opencl
 * on PoCL in CI, …) against the reference backend: the "composed from core operations, so it runs
 * on every backend" promise, checked across modules. Tolerance: 1e-4 relative to max(1,
 * |reference|), the float32 tolerance of the contracts.
 */
class EveryPluginOnEveryBackendTest {
  private static final double TOLERANCE = 1e-4;
  private final Plugins plugins = Plugins.shared();

  private List<String> otherBackends() {
    List<String> names = new ArrayList<>();
    for (ProviderInfo info : plugins.backends().infos()) {
      if (!info.name().equals(TestBackends.REFERENCE) && info.availability().isAvailable()) {
        names.add(info.name());
      }
    }
    return names;
  }

  @TestFactory
  Stream<DynamicTest> activationsAgreeWithTheReference() {
    assertTrue(plugins.activations().all().size() >= 30, "the catalogue is on the path");
    List<DynamicTest> tests = new ArrayList<>();
    for (String backend : otherBackends()) {
      for (ActivationProvider a : plugins.activations().all()) {
        tests.add(
            DynamicTest.dynamicTest(
                a.name() + " on " + backend,
                () ->
                    compare(run(a, TestBackends.reference()), run(a, TestBackends.open(backend)))));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> attentionUnitsAgreeWithTheReference() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String backend : otherBackends()) {
      for (AttentionUnitProvider u : plugins.attentionUnits().all()) {
        tests.add(
            DynamicTest.dynamicTest(
                u.name() + " on " + backend,
                () ->
                    compare(run(u, TestBackends.reference()), run(u, TestBackends.open(backend)))));
      }
    }
    return tests.stream();
  }

  /**
   * Every optimizer, with its defaults and with each of {@code maximize}, {@code weight_decay} and
   * {@code amsgrad} it declares switched on, for 15 steps on a 1,003-element parameter (not a
   * multiple of a vector, across the chunks of fused updates) against the reference backend.
   */
  @TestFactory
  Stream<DynamicTest> optimizersAgreeWithTheReference() {
    assertTrue(plugins.optimizers().all().size() >= 10, "the optimizers are on the path");
    List<DynamicTest> tests = new ArrayList<>();
    for (String backend : otherBackends()) {
      for (OptimizerProvider o : plugins.optimizers().all()) {
        List<Map<String, Object>> variants = new ArrayList<>();
        variants.add(Map.of());
        if (o.options().find("maximize") != null) {
          variants.add(Map.of("maximize", true));
        }
        if (o.options().find("weight_decay") != null) {
          variants.add(Map.of("weight_decay", 0.1));
        }
        if (o.options().find("amsgrad") != null) {
          variants.add(Map.of("amsgrad", true));
        }
        if (o.name().equals("sgd")) {
          variants.add(Map.of("momentum", 0.9));
        }
        for (Map<String, Object> raw : variants) {
          tests.add(
              DynamicTest.dynamicTest(
                  o.name() + " " + raw + " on " + backend,
                  () ->
                      compare(
                          List.of(run(o, raw, TestBackends.reference())),
                          List.of(run(o, raw, TestBackends.open(backend))))));
        }
      }
    }
    return tests.stream();
  }

  /** The parameter after 15 steps on {@code sum(c·(p - t)²)}. */
  @SuppressWarnings("try")
  private float[] run(OptimizerProvider provider, Map<String, Object> raw, Backend backend) {
    int n = 1003;
    Options o = provider.options().resolve("optimizer '" + provider.name() + "'", raw);
    Parameter p =
        new Parameter(Scope.outside(() -> Tensors.of(backend, DType.FLOAT32, sample(n), n)));
    Tensor target =
        Scope.outside(() -> Tensors.uniform(backend, Shape.of(n), DType.FLOAT32, -1, 1, 3));
    Tensor c = Scope.outside(() -> Tensors.uniform(backend, Shape.of(n), DType.FLOAT32, 0.5, 2, 5));
    Optimizer opt = provider.create(o, List.of(ParameterGroup.of(Map.of("p", p))));
    for (int step = 0; step < 15; step++) {
      opt.zeroGrad();
      try (Scope s = Scope.open()) {
        Elementwise.sub(p.value(), target).square().mul(c).sum().backward();
        opt.step();
      }
    }
    float[] out = p.value().toFloatArray();
    p.zeroGrad();
    p.value().close();
    target.close();
    c.close();
    return out;
  }

  private static float[] sample(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (-2.95 + 5.9 * ((i * 0.618034) % 1.0)); // spread over [-2.95, 2.95)
    }
    return v;
  }

  /** Output and input gradient of sum(out · r) for a [3, 8] input. */
  @SuppressWarnings("try")
  private List<float[]> run(ActivationProvider a, Backend backend) {
    Map<String, Object> raw =
        a.name().equals("threshold") ? Map.of("threshold", 0.5, "value", -1.0) : Map.of();
    Options o = a.options().resolve("activation '" + a.name() + "'", raw);
    try (Scope s = Scope.open()) {
      Activation act = a.create(o, BuildContext.of(backend, DType.FLOAT32, 7));
      Tensor x = Tensors.of(backend, DType.FLOAT32, sample(24), 3, 8).requiresGrad(true);
      Tensor y = act.forward(x, ForwardContext.inference());
      Tensor r = Tensors.uniform(backend, y.shape(), DType.FLOAT32, -1, 1, 11);
      y.mul(r).sum().backward();
      List<float[]> out = List.of(y.toFloatArray(), x.grad().toFloatArray());
      x.clearGrad();
      return out;
    }
  }

  /** Output, weights and query gradient of a self-attention call. */
  @SuppressWarnings("try")
  private List<float[]> run(AttentionUnitProvider u, Backend backend) {
    boolean flat = u.name().equals("feature");
    Map<String, Object> raw = u.name().equals("multi-head") ? Map.of("num_heads", 2) : Map.of();
    Options o = u.options().resolve("attention '" + u.name() + "'", raw);
    try (Scope s = Scope.open()) {
      AttentionUnit unit =
          u.create(o, AttentionSpec.self(8), BuildContext.of(backend, DType.FLOAT32, 7));
      Tensor q =
          flat
              ? Tensors.of(backend, DType.FLOAT32, sample(16), 2, 8)
              : Tensors.of(backend, DType.FLOAT32, sample(80), 2, 5, 8);
      q.requiresGrad(true);
      AttentionResult r = unit.attend(q, q, q, null, ForwardContext.inference());
      Tensor w = Tensors.uniform(backend, r.output().shape(), DType.FLOAT32, -1, 1, 11);
      r.output().mul(w).sum().backward();
      List<float[]> out =
          List.of(r.output().toFloatArray(), r.weights().toFloatArray(), q.grad().toFloatArray());
      q.clearGrad();
      return out;
    }
  }

  private static void compare(List<float[]> expected, List<float[]> actual) {
    String[] what = {"output", "second output", "gradient"};
    for (int k = 0; k < expected.size(); k++) {
      float[] e = expected.get(k);
      float[] a = actual.get(k);
      assertEquals(e.length, a.length, what[k] + " size");
      for (int i = 0; i < e.length; i++) {
        double allowed = TOLERANCE * Math.max(1, Math.abs(e[i]));
        boolean same = Float.isNaN(e[i]) ? Float.isNaN(a[i]) : Math.abs(e[i] - a[i]) <= allowed;
        assertTrue(same, what[k] + " element " + i + ": reference " + e[i] + ", got " + a[i]);
      }
    }
  }
}
