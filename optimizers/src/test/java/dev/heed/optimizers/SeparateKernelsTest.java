package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adagrad, Adadelta, Adamax, NAdam, RAdam, AdaBelief, Lion and Rprop each make their update as one
 * elementwise program per structure (the flags of a group), its numbers run-time parameters; what
 * they compute is, bit for bit, what their former updates of separate kernels ({@link
 * SeparateKernels}) compute on the reference backend: in both element types, step by step on the
 * reference kernels and through a fused chain evaluated by its definition ({@link
 * RecordingBackend}), over 100 steps whose learning rate changes every step and is sometimes 0,
 * with every flag the optimizer has. RAdam's two regimes (ρ_t ≤ 5, then &gt; 5) are one program.
 *
 * <p>The problem: group 0 holds {@code w} [3,4] and {@code u} [5], group 1 holds {@code b} [4] with
 * the case's overrides; the loss is {@code Σ G·p}, so each gradient is a drawn {@code G}, with
 * signed zeros and extreme magnitudes among its elements and among the starting values.
 */
@SuppressWarnings("try") // scopes opened only to free intermediates
class SeparateKernelsTest {
  private static final int STEPS = 100;
  private static final String[] NAMES = {"w", "u", "b"};
  private static final int[][] SHAPES = {{3, 4}, {5}, {4}};
  private static final double[] SPECIAL = {-0.0, 0.0, 1e-30, -3e5, Double.MIN_NORMAL};

  /** The former update of {@code optimizer}, over {@code groups} with resolved {@code settings}. */
  private static final Map<
          String, BiFunction<List<ParameterGroup>, List<Options>, GroupedOptimizer>>
      FORMER =
          Map.of(
              "adagrad", (g, s) -> new SeparateKernels.Adagrad("adagrad", g, s),
              "adadelta", (g, s) -> new SeparateKernels.Adadelta("adadelta", g, s),
              "adamax", (g, s) -> new SeparateKernels.Adamax("adamax", g, s),
              "nadam", (g, s) -> new SeparateKernels.Nadam("nadam", g, s),
              "radam", (g, s) -> new SeparateKernels.Radam("radam", g, s),
              "adabelief", (g, s) -> new SeparateKernels.AdaBelief("adabelief", g, s),
              "lion", (g, s) -> new SeparateKernels.Lion("lion", g, s),
              "rprop", (g, s) -> new SeparateKernels.Rprop("rprop", g, s));

  /**
   * One configuration.
   *
   * @param structures the distinct programs its groups make
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
        new Config("adagrad", Map.of("lr", 0.1), Map.of("lr", 0.2), 1, "adagrad"),
        new Config(
            "adagrad",
            Map.of(
                "lr",
                0.1,
                "lr_decay",
                0.01,
                "weight_decay",
                0.1,
                "initial_accumulator_value",
                0.5,
                "maximize",
                true),
            Map.of("weight_decay", 1.0, "eps", 0.0),
            1,
            "adagrad lr decay, weight decay, maximize"),
        new Config(
            "adagrad",
            Map.of("lr", 0.1, "weight_decay", 0.1),
            Map.of("weight_decay", 0.0, "maximize", true),
            2,
            "adagrad, maximize without decay in one group"),
        new Config("adadelta", Map.of("lr", 1.0), Map.of("rho", 0.5), 1, "adadelta"),
        new Config(
            "adadelta",
            Map.of("lr", 0.5, "weight_decay", 0.01, "maximize", true, "rho", 0.0),
            Map.of("weight_decay", 0.0),
            2,
            "adadelta rho 0, weight decay, maximize"),
        new Config("adamax", Map.of("lr", 0.01), Map.of("betas", "0.0,0.5"), 1, "adamax"),
        new Config(
            "adamax",
            Map.of("lr", 0.01, "weight_decay", 1.0, "maximize", true, "eps", 0.0),
            Map.of("maximize", false),
            2,
            "adamax weight decay 1, eps 0, maximize"),
        new Config("nadam", Map.of("lr", 0.01), Map.of("momentum_decay", 0.0), 1, "nadam"),
        new Config(
            "nadam",
            Map.of("lr", 0.01, "betas", "0.0,0.0", "weight_decay", 0.1),
            Map.of("weight_decay", 0.0, "betas", "0.5,0.9"),
            2,
            "nadam betas 0, weight decay"),
        new Config(
            "radam",
            Map.of("lr", 0.01),
            Map.of("betas", "0.0,0.5", "eps", 0.0),
            1,
            "radam (rho_t > 5 from step 6; never in group 1)"),
        new Config(
            "radam",
            Map.of("lr", 0.01, "weight_decay", 0.1, "betas", "0.8,0.9"),
            Map.of("weight_decay", 1.0),
            1,
            "radam weight decay"),
        new Config("adabelief", Map.of("lr", 0.01), Map.of("betas", "0.0,0.0"), 1, "adabelief"),
        new Config(
            "adabelief",
            Map.of("lr", 0.01, "weight_decay", 0.1, "maximize", true),
            Map.of("weight_decouple", false),
            2,
            "adabelief decoupled and L2 decay, maximize"),
        new Config(
            "adabelief",
            Map.of("lr", 0.01, "weight_decay", 0.5, "weight_decouple", false),
            Map.of("weight_decay", 0.0, "eps", 0.0),
            2,
            "adabelief L2 decay, none in one group"),
        new Config("lion", Map.of("lr", 0.01), Map.of("betas", "0.0,0.0"), 1, "lion"),
        new Config(
            "lion",
            Map.of("lr", 0.01, "weight_decay", 0.5, "maximize", true),
            Map.of("weight_decay", 0.0),
            2,
            "lion weight decay, maximize"),
        new Config("rprop", Map.of("lr", 0.01), Map.of("etas", "0.3,3.3"), 1, "rprop"),
        new Config(
            "rprop",
            Map.of("lr", 0.01, "maximize", true, "step_sizes", "0.005,0.02"),
            Map.of("maximize", false, "step_sizes", "0.0,1e300"),
            2,
            "rprop maximize, step-size limits"));
  }

  @ParameterizedTest
  @MethodSource("configs")
  void fusedProgramsGiveTheSeparateKernelsResultsBitForBit(Config c) {
    for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
      RecordingBackend fusing = new RecordingBackend();
      for (Backend backend : List.of(TestBackends.reference(), fusing)) {
        new Run(c, backend, dtype).train();
      }
      assertEquals(c.structures(), fusing.programs().size(), c + ": distinct programs, " + dtype);
      assertEquals(
          3 * STEPS, fusing.parameters().size(), c + ": one fused update per parameter a step");
    }
  }

  /** The optimizer on {@code backend} and its former update on the reference backend. */
  private static final class Run {
    private final Config config;
    private final Backend backend;
    private final DType dtype;
    private final Parameter[] fused = new Parameter[3];
    private final Parameter[] former = new Parameter[3];
    private final Optimizer optimizer;
    private final Optimizer oracle;
    private final SplittableRandom random = new SplittableRandom(11);

    Run(Config config, Backend backend, DType dtype) {
      this.config = config;
      this.backend = backend;
      this.dtype = dtype;
      Backend reference = TestBackends.reference();
      for (int i = 0; i < 3; i++) {
        double[] start = values(size(i));
        int[] shape = SHAPES[i];
        fused[i] = new Parameter(Scope.outside(() -> Tensors.of(backend, dtype, start, shape)));
        former[i] = new Parameter(Scope.outside(() -> Tensors.of(reference, dtype, start, shape)));
      }
      OptimizerProvider provider = Plugins.shared().optimizers().get(config.optimizer());
      Options base = provider.options().resolve("optimizer", config.options());
      optimizer = provider.create(base, groups(fused));
      List<ParameterGroup> formerGroups = groups(former);
      oracle =
          FORMER
              .get(config.optimizer())
              .apply(
                  formerGroups,
                  GroupedOptimizer.resolveGroups(
                      "former", provider.options(), base, formerGroups, (o, w) -> {}));
    }

    private List<ParameterGroup> groups(Parameter[] p) {
      Map<String, Parameter> first = new LinkedHashMap<>();
      first.put(NAMES[0], p[0]);
      first.put(NAMES[1], p[1]);
      return List.of(
          ParameterGroup.of(first), new ParameterGroup(Map.of(NAMES[2], p[2]), config.group1()));
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

    void train() {
      double[] base = {optimizer.learningRate(0), optimizer.learningRate(1)};
      for (int k = 1; k <= STEPS; k++) {
        for (int g = 0; g < 2; g++) {
          double lr = k % 10 == 1 && k > 1 ? 0 : base[g] * (1 + 0.5 * Math.sin(k));
          optimizer.setLearningRate(g, lr);
          oracle.setLearningRate(g, lr);
        }
        step(k);
      }
    }

    private void step(int k) {
      try (Scope s = Scope.open()) {
        optimizer.zeroGrad();
        oracle.zeroGrad();
        Tensor loss = null;
        Tensor formerLoss = null;
        for (int i = 0; i < 3; i++) {
          double[] g = values(size(i));
          if (k % 2 == 0) {
            g[0] = 0.0; // +0 on even steps, -0 on odd ones
          }
          if (k % 7 == 0) {
            g[1] = -g[1]; // a sign the same as the last step's for Rprop
          }
          Tensor term = Tensors.of(backend, dtype, g, SHAPES[i]).mul(fused[i].value()).sum();
          loss = loss == null ? term : loss.add(term);
          Tensor formerTerm =
              Tensors.of(former[i].value().backend(), dtype, g, SHAPES[i])
                  .mul(former[i].value())
                  .sum();
          formerLoss = formerLoss == null ? formerTerm : formerLoss.add(formerTerm);
        }
        loss.backward();
        formerLoss.backward();
        optimizer.step();
        oracle.step();
        for (int i = 0; i < 3; i++) {
          same(k, NAMES[i], former[i].value(), fused[i].value());
        }
        Map<String, Tensor> want = oracle.state();
        Map<String, Tensor> got = optimizer.state();
        assertEquals(want.keySet(), got.keySet(), config + ": state after step " + k);
        for (String key : want.keySet()) {
          same(k, key, want.get(key), got.get(key));
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
                  + ", the separate kernels give "
                  + e[j]);
        }
      }
    }
  }
}
