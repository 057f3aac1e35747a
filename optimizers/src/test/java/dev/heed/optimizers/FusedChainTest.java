package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizers whose update is one fused chain (Adam, AdamW, SGD without momentum) build one
 * program per structure and reuse it from step to step while the learning rate, betas, eps, weight
 * decay and bias corrections travel as run-time parameters; and what they compute is, bit for bit,
 * what the chain with those values as constants ({@link ConstantChains}, one program per step)
 * computes.
 *
 * <p>The problem: group 0 holds {@code w} [3,4] and {@code u} [5], group 1 holds {@code b} [4] with
 * the case's overrides; the loss is {@code Σ G·p} over the parameters, so each parameter's gradient
 * is a chosen {@code G}, drawn afresh every step, with signed zeros and extreme magnitudes among
 * its elements (and among the starting values).
 */
@SuppressWarnings("try") // scopes opened only to free intermediates
class FusedChainTest {
  private static final int STEPS = 100;

  /**
   * One configuration.
   *
   * @param structures the distinct program structures among its groups
   */
  record Config(
      String optimizer,
      Map<String, Object> options,
      Map<String, Object> group1,
      int structures,
      String label) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Config> configs() {
    return Stream.of(
        new Config("adam", Map.of("lr", 0.01), Map.of("lr", 0.02), 1, "adam"),
        new Config(
            "adam",
            Map.of("lr", 0.02, "betas", "0.8,0.99", "amsgrad", true, "weight_decay", 0.01),
            Map.of("weight_decay", 0.0),
            2,
            "adam amsgrad, L2 decay in one group"),
        new Config(
            "adam",
            Map.of("lr", 0.01, "betas", "0.0,0.999", "weight_decay", 1.0, "maximize", true),
            Map.of("amsgrad", true),
            2,
            "adam beta1 0, weight decay 1, maximize; amsgrad in one group"),
        new Config("adamw", Map.of("lr", 0.01), Map.of("weight_decay", 0.0), 2, "adamw"),
        new Config(
            "adamw",
            Map.of(
                "lr",
                0.02,
                "betas",
                "0.5,0.0",
                "amsgrad",
                true,
                "maximize",
                true,
                "weight_decay",
                0.1),
            Map.of("lr", 0.05, "eps", 1e-3),
            1,
            "adamw beta2 0, amsgrad, maximize"),
        new Config("sgd", Map.of("lr", 0.05), Map.of("weight_decay", 0.01), 2, "sgd"),
        new Config(
            "sgd",
            Map.of("lr", 0.05, "maximize", true, "weight_decay", 1.0),
            Map.of("lr", 0.1),
            1,
            "sgd maximize, weight decay 1"));
  }

  /** 100 steps under a one-cycle schedule: one program per structure, built once. */
  @ParameterizedTest
  @MethodSource("configs")
  void buildsOneProgramPerStructureAcrossScheduledSteps(Config c) {
    RecordingBackend backend = new RecordingBackend();
    Run run = new Run(c, backend, new RecordingBackend(), DType.FLOAT64);
    Schedule schedule = schedule("one-cycle", Map.of("total_steps", STEPS));
    schedule.start(run.optimizer);
    Set<Double> rates = new HashSet<>();
    for (int k = 1; k <= STEPS; k++) {
      rates.add(run.optimizer.learningRate(0));
      run.step(k);
      schedule.afterStep(run.optimizer, k);
    }
    assertEquals(STEPS, rates.size(), "the schedule changes the learning rate every step");
    assertEquals(
        c.structures(),
        backend.programs().size(),
        "distinct programs run over " + STEPS + " steps");
    assertEquals(3 * STEPS, backend.parameters().size(), "one fused update per parameter a step");
  }

  /**
   * The updates equal the constant chains bit for bit, in both element types, on the reference
   * kernels (each step its own kernel) and through a fused chain, with learning rates that change
   * every step and are sometimes 0.
   */
  @ParameterizedTest
  @MethodSource("configs")
  void matchesConstantChainsBitForBit(Config c) {
    for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
      Backend reference = TestBackends.reference();
      RecordingBackend fusing = new RecordingBackend();
      for (Run run :
          List.of(
              new Run(c, reference, reference, dtype),
              new Run(c, fusing, new RecordingBackend(), dtype))) {
        double[] base = {run.optimizer.learningRate(0), run.optimizer.learningRate(1)};
        for (int k = 1; k <= STEPS; k++) {
          for (int g = 0; g < 2; g++) {
            run.optimizer.setLearningRate(g, k % 10 == 1 ? 0 : base[g] * (1 + 0.5 * Math.sin(k)));
          }
          run.step(k);
        }
        assertTrue(run.negativeZeroGradients > 0, "the gradients include -0");
      }
      assertEquals(c.structures(), fusing.programs().size(), "distinct programs, " + dtype);
    }
  }

  /** The PyTorch cases of Adam and AdamW through a fused chain: the same numbers, one program. */
  @TestFactory
  Stream<DynamicTest> adamFixturesThroughAFusedChain() {
    return Fixtures.cases("optimizers.txt").stream()
        .filter(c -> c.kind().equals("adam") || c.kind().equals("adamw"))
        .map(c ->
            DynamicTest.dynamicTest(
                c.name(),
                () -> {
                  RecordingBackend backend = new RecordingBackend();
                  PyTorchReferenceTest.check(c, backend);
                  OptimizerProvider provider = Plugins.shared().optimizers().get(c.kind());
                  Options first = provider.options().resolve("group 0", c.options());
                  Map<String, Object> merged = new LinkedHashMap<>(c.options());
                  merged.putAll(c.group1());
                  Options second = provider.options().resolve("group 1", merged);
                  int structures = structure(first).equals(structure(second)) ? 1 : 2;
                  assertEquals(structures, backend.programs().size(), c.name());
                }));
  }

  /** What an Adam program's structure depends on. */
  private static List<Boolean> structure(Options o) {
    return List.of(
        o.getBoolean("amsgrad"), o.getBoolean("maximize"), o.getDouble("weight_decay") != 0);
  }

  static Schedule schedule(String name, Map<String, Object> options) {
    ScheduleProvider provider = Plugins.shared().schedules().get(name);
    return provider.create(provider.options().resolve("schedule '" + name + "'", options));
  }

  /** An optimizer on the problem, and the same updates done with {@link ConstantChains}. */
  private static final class Run {
    private static final String[] NAMES = {"w", "u", "b"};
    private static final int[][] SHAPES = {{3, 4}, {5}, {4}};
    private static final double[] SPECIAL = {-0.0, 0.0, 1e-30, -3e5, Double.MIN_NORMAL};

    final Optimizer optimizer;
    private final Config config;
    private final Backend backend;
    private final Backend oracleBackend;
    private final DType dtype;
    private final Parameter[] parameters = new Parameter[3];
    private final Options[] options = new Options[2];
    private final Tensor[][] oracle = new Tensor[3][];
    private final SplittableRandom random = new SplittableRandom(7);
    int negativeZeroGradients;

    Run(Config config, Backend backend, Backend oracleBackend, DType dtype) {
      this.config = config;
      this.backend = backend;
      this.oracleBackend = oracleBackend;
      this.dtype = dtype;
      for (int i = 0; i < 3; i++) {
        double[] start = values(size(i));
        int[] shape = SHAPES[i];
        parameters[i] =
            new Parameter(Scope.outside(() -> Tensors.of(backend, dtype, start, shape)));
        oracle[i] = new Tensor[4];
        oracle[i][0] = Scope.outside(() -> Tensors.of(oracleBackend, dtype, start, shape));
        for (int s = 1; s < 4; s++) {
          oracle[i][s] = Scope.outside(() -> Tensors.zeros(oracleBackend, Shape.of(shape), dtype));
        }
      }
      OptimizerProvider provider = Plugins.shared().optimizers().get(config.optimizer());
      Map<String, Parameter> first = new LinkedHashMap<>();
      first.put(NAMES[0], parameters[0]);
      first.put(NAMES[1], parameters[1]);
      optimizer =
          provider.create(
              provider.options().resolve("optimizer", config.options()),
              List.of(
                  ParameterGroup.of(first),
                  new ParameterGroup(Map.of(NAMES[2], parameters[2]), config.group1())));
      options[0] = provider.options().resolve("group 0", config.options());
      Map<String, Object> merged = new LinkedHashMap<>(config.options());
      merged.putAll(config.group1());
      options[1] = provider.options().resolve("group 1", merged);
    }

    private static int size(int i) {
      int n = 1;
      for (int d : SHAPES[i]) {
        n *= d;
      }
      return n;
    }

    /** Gaussian values with the special ones first. */
    private double[] values(int n) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = i < SPECIAL.length ? SPECIAL[i] : random.nextGaussian();
      }
      return v;
    }

    /** Step {@code k} of the optimizer and of the constant chains; compares them bit for bit. */
    void step(int k) {
      try (Scope s = Scope.open()) {
        optimizer.zeroGrad();
        Tensor loss = null;
        for (int i = 0; i < 3; i++) {
          double[] g = values(size(i));
          if (k % 2 == 0) {
            g[0] = 0.0; // +0 on even steps, -0 on odd ones
          }
          Tensor term = Tensors.of(backend, dtype, g, SHAPES[i]).mul(parameters[i].value()).sum();
          loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        optimizer.step();
        try (GradMode off = GradMode.disable()) {
          for (int i = 0; i < 3; i++) {
            int group = i < 2 ? 0 : 1;
            double[] grad = parameters[i].grad().toDoubleArray();
            for (double x : grad) {
              if (Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(-0.0)) {
                negativeZeroGradients++;
              }
            }
            Tensor g = Tensors.of(oracleBackend, dtype, grad, SHAPES[i]);
            constantChain(i, options[group], optimizer.learningRate(group), k, g);
            same(k, NAMES[i], oracle[i][0], parameters[i].value());
          }
          compareState(k);
        }
      }
    }

    private void constantChain(int i, Options o, double lr, long t, Tensor g) {
      Tensor[] st = oracle[i];
      if (config.optimizer().equals("sgd")) {
        ElementwiseProgram program =
            ConstantChains.sgd(lr, o.getDouble("weight_decay"), o.getBoolean("maximize"));
        Elementwise.fusedInto(program, new Tensor[] {st[0], g}, st[0]);
        return;
      }
      double[] betas = Pairs.betas("", o.getNumbers("betas"));
      boolean amsgrad = o.getBoolean("amsgrad");
      ElementwiseProgram program =
          ConstantChains.adam(
              config.optimizer().equals("adamw"),
              lr,
              betas[0],
              betas[1],
              o.getDouble("eps"),
              o.getDouble("weight_decay"),
              amsgrad,
              o.getBoolean("maximize"),
              1 - Math.pow(betas[0], t),
              1 - Math.pow(betas[1], t));
      if (amsgrad) {
        Elementwise.fusedInto(
            program, new Tensor[] {st[0], g, st[1], st[2], st[3]}, st[0], st[1], st[2], st[3]);
      } else {
        Elementwise.fusedInto(program, new Tensor[] {st[0], g, st[1], st[2]}, st[0], st[1], st[2]);
      }
    }

    private void compareState(int k) {
      if (config.optimizer().equals("sgd")) {
        assertTrue(optimizer.state().isEmpty(), "SGD without momentum keeps no state");
        return;
      }
      Map<String, Tensor> state = optimizer.state();
      for (int i = 0; i < 3; i++) {
        same(k, NAMES[i] + ".exp_avg", oracle[i][1], state.get(NAMES[i] + ".exp_avg"));
        same(k, NAMES[i] + ".exp_avg_sq", oracle[i][2], state.get(NAMES[i] + ".exp_avg_sq"));
        int group = i < 2 ? 0 : 1;
        if (options[group].getBoolean("amsgrad")) {
          same(
              k,
              NAMES[i] + ".max_exp_avg_sq",
              oracle[i][3],
              state.get(NAMES[i] + ".max_exp_avg_sq"));
        }
      }
    }

    private void same(int k, String what, Tensor expected, Tensor actual) {
      double[] e = expected.toDoubleArray();
      double[] a = actual.toDoubleArray();
      for (int j = 0; j < e.length; j++) {
        if (Double.doubleToRawLongBits(e[j]) != Double.doubleToRawLongBits(a[j])) {
          throw new AssertionError(
              config
                  + " "
                  + dtype
                  + " on "
                  + backend.name()
                  + ": after step "
                  + k
                  + " "
                  + what
                  + "["
                  + j
                  + "] is "
                  + a[j]
                  + ", the constant chain gives "
                  + e[j]);
        }
      }
    }
  }
}
