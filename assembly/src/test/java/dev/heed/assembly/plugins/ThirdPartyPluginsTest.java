package dev.heed.assembly.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.data.ArrayDataset;
import dev.heed.core.PluginKinds;
import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
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
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.plugin.PluginKind;
import dev.heed.core.plugin.Provider;
import dev.heed.core.plugin.Registry;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins that are not Heed's own, of every kind a config names by name: a data set with its own
 * options, an attention unit configured inside {@code self-attention}, an activation inside the
 * transformer's feed-forward block, and an optimizer that proves the options it gets are the ones
 * the config's validation resolved, once. The providers are test-only and reach the assembly
 * through a {@link PluginSet}, as a jar on the path reaches it through the registry.
 */
class ThirdPartyPluginsTest {
  @TempDir Path tmp;

  /** {@code wave}: y = sin(frequency·x0 + phase0) + cos(frequency·x1 + phase1). */
  static final class WaveDatasetProvider implements DatasetProvider {
    @Override
    public String name() {
      return "wave";
    }

    @Override
    public String description() {
      return "two inputs, one smooth periodic target (test-only)";
    }

    @Override
    public OptionsSchema options() {
      return OptionsSchema.of(
          OptionSpec.integer("examples", 64, "rows").range(8, 100_000),
          OptionSpec.number("frequency", 1.0, "angular frequency").range(1e-3, 100),
          OptionSpec.tuple("phases", new double[] {0, 0}, "phase of each input"));
    }

    @Override
    public Dataset create(Options o, DataContext ctx) {
      int n = o.getInt("examples");
      double f = o.getDouble("frequency");
      double[] phases = o.getNumbers("phases");
      SplittableRandom r = new SplittableRandom(ctx.seed());
      float[] rows = new float[n * 3];
      for (int i = 0; i < n; i++) {
        double x0 = r.nextDouble(-1, 1);
        double x1 = r.nextDouble(-1, 1);
        rows[3 * i] = (float) x0;
        rows[3 * i + 1] = (float) x1;
        rows[3 * i + 2] = (float) (Math.sin(f * x0 + phases[0]) + Math.cos(f * x1 + phases[1]));
      }
      return new ArrayDataset(List.of("x0", "x1"), List.of("y"), false, rows);
    }
  }

  /**
   * {@code test-scaled}: scaled dot-product attention with its own {@code temperature}, built on
   * the registry's {@code scaled-dot}; it records whether a padding mask reached it.
   */
  static final class TemperatureUnitProvider implements AttentionUnitProvider {
    static final AtomicInteger MASKED_CALLS = new AtomicInteger();

    @Override
    public String name() {
      return "test-scaled";
    }

    @Override
    public String description() {
      return "scaled dot-product attention with a temperature (test-only)";
    }

    @Override
    public OptionsSchema options() {
      return OptionsSchema.of(
          OptionSpec.number("temperature", 1.0, "the scores are divided by this").range(1e-3, 1e3));
    }

    @Override
    public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
      options().check("attention 'test-scaled'", options);
      double t = options.getDouble("temperature");
      var scaled = PluginSet.shared().registry("attention").get("scaled-dot");
      var inner =
          ((AttentionUnitProvider) scaled)
              .create(
                  scaled
                      .options()
                      .resolve("scaled-dot", Map.of("scale", 1 / (t * Math.sqrt(spec.keyDim())))),
                  spec,
                  ctx);
      return new AttentionUnit() {
        @Override
        public AttentionResult attend(
            Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext fc) {
          if (mask != null) {
            MASKED_CALLS.incrementAndGet();
          }
          return inner.attend(query, key, value, mask, fc);
        }

        @Override
        public Map<String, Parameter> namedParameters() {
          return inner.namedParameters();
        }
      };
    }
  }

  /** {@code test-softsign}: x / (1 + |x|)·gain, counting its forward passes. */
  static final class GainSoftsignProvider implements ActivationProvider {
    static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public String name() {
      return "test-softsign";
    }

    @Override
    public String description() {
      return "softsign times a gain (test-only)";
    }

    @Override
    public OptionsSchema options() {
      return OptionsSchema.of(OptionSpec.number("gain", 1.0, "factor").range(0, 10));
    }

    @Override
    public Activation create(Options options, BuildContext ctx) {
      double gain = options.getDouble("gain");
      var softsign = PluginSet.shared().registry("activation").configure("softsign");
      Activation inner = ((ActivationProvider) softsign.provider()).create(softsign.options(), ctx);
      return new Activation() {
        @Override
        public Tensor forward(Tensor input, ForwardContext fc) {
          CALLS.incrementAndGet();
          return inner.forward(input, fc).mul(gain);
        }

        @Override
        public Map<String, Parameter> namedParameters() {
          return Map.of();
        }
      };
    }
  }

  /**
   * {@code counting-sgd}: the registry's sgd, counting how often its options schema is asked for
   * (once per resolution) and keeping the options its factory received.
   */
  static final class CountingSgdProvider implements OptimizerProvider {
    final OptimizerProvider sgd = PluginSet.shared().get(PluginKinds.OPTIMIZER).get("sgd");
    final AtomicInteger schemaAsked = new AtomicInteger();
    Options received;

    @Override
    public String name() {
      return "counting-sgd";
    }

    @Override
    public String description() {
      return "sgd that counts option resolutions (test-only)";
    }

    @Override
    public OptionsSchema options() {
      schemaAsked.incrementAndGet();
      return sgd.options();
    }

    @Override
    public Optimizer create(Options options, List<ParameterGroup> groups) {
      received = options;
      return sgd.create(options, groups);
    }
  }

  private static <P extends Provider> PluginSet plus(PluginSet s, PluginKind<P> kind, P extra) {
    List<P> all = new ArrayList<>(s.get(kind).all());
    all.add(extra);
    return s.with(kind, Registry.of(kind.word(), all));
  }

  private Path write(String name, String yaml) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  private static final String WAVE =
      """
      seed: 3
      backend: cpu
      data:
        type: wave
        examples: 64
        frequency: 2.0
        phases: [0.0, 0.25]
      model:
        layers:
          - {type: dense, units: 8, activation: tanh}
          - {type: dense, units: 1}
      optimizer: {name: adam, lr: 0.01, betas: [0.8, 0.99]}
      training: {epochs: 2, batch_size: 16}
      """;

  @Test
  void aThirdPartyDatasetIsConfiguredByNameWithItsOwnOptionsAndTrains() throws IOException {
    PluginSet plugins = plus(PluginSet.shared(), PluginKinds.DATASET, new WaveDatasetProvider());
    HeedConfig c = Heed.loadConfig(write("wave.yaml", WAVE), List.of(), plugins);
    assertEquals("wave", c.data().type());
    assertArrayEquals(new double[] {0, 0.25}, c.data().source().options().getNumbers("phases"));
    assertArrayEquals(new double[] {0.8, 0.99}, c.optimizer().options().getNumbers("betas"));
    assertEquals(List.of("x0", "x1"), c.data().inputNames());
    try (Assembly a = Heed.assemble(c, null, plugins)) {
      TrainResult r = a.train(tmp.resolve("run"), null);
      assertEquals(2, r.history().size());
      assertTrue(Double.isFinite(r.history().get(1).trainLoss()));
    }
    // the run's config records the data set by name with its options
    String recorded = Files.readString(tmp.resolve("run/config.yaml"));
    assertTrue(recorded.contains("type: wave"), recorded);
    assertTrue(recorded.contains("frequency: 2.0"), recorded);

    // its schema validates it, with the config's line
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Heed.loadConfig(
                    write("bad.yaml", WAVE.replace("frequency: 2.0", "frequency: -1")),
                    List.of(),
                    plugins));
    assertTrue(e.getMessage().contains("bad.yaml:6:"), e.getMessage());
    assertTrue(e.getMessage().contains("config path `data.frequency`"), e.getMessage());
    assertTrue(e.getMessage().contains("data set 'wave' option 'frequency'"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () ->
                Heed.loadConfig(
                    write("typo.yaml", WAVE.replace("frequency: 2.0", "freqency: 2.0")),
                    List.of(),
                    plugins));
    assertTrue(e.getMessage().contains("did you mean 'frequency'?"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () ->
                Heed.loadConfig(
                    write("tuple.yaml", WAVE.replace("[0.0, 0.25]", "[0.0]")), List.of(), plugins));
    assertTrue(e.getMessage().contains("config path `data.phases`"), e.getMessage());
    assertTrue(e.getMessage().contains("a list of 2 numbers"), e.getMessage());
  }

  private static final String RECALL =
      """
      seed: 7
      backend: cpu
      data: {type: marked-token-recall, examples: 64, vocabulary: 8, min_length: 3, max_length: 6}
      model:
        layers:
          - {type: embedding, embedding_dim: 8}
          - type: transformer-encoder-layer
            nhead: 2
            dim_feedforward: 16
            dropout: 0.0
            activation: {name: test-softsign, gain: 1.5}
          - type: self-attention
            unit: {name: test-scaled, temperature: 2.0}
          - {type: sequence-classification-head, pooling: mean}
      optimizer: {name: adam, lr: 0.01}
      training: {epochs: 1, batch_size: 16}
      """;

  @Test
  void aUnitWithItsOwnOptionsInsideSelfAttentionAndAnActivationInsideTheFeedForward()
      throws IOException {
    PluginSet plugins =
        plus(
            plus(PluginSet.shared(), PluginKinds.ATTENTION, new TemperatureUnitProvider()),
            PluginKinds.ACTIVATION,
            new GainSoftsignProvider());
    HeedConfig c = Heed.loadConfig(write("recall.yaml", RECALL), List.of(), plugins);
    Configured<?> unit = (Configured<?>) c.model().layers().get(2).options().asMap().get("unit");
    assertEquals("test-scaled", unit.name());
    assertEquals(2.0, unit.options().getDouble("temperature"));
    Configured<?> act =
        (Configured<?>) c.model().layers().get(1).options().asMap().get("activation");
    assertEquals(1.5, act.options().getDouble("gain"));
    int masked = TemperatureUnitProvider.MASKED_CALLS.get();
    int calls = GainSoftsignProvider.CALLS.get();
    try (Assembly a = Heed.assemble(c, null, plugins)) {
      TrainResult r = a.train(tmp.resolve("recall"), null);
      assertEquals(1, r.history().size());
    }
    assertTrue(
        TemperatureUnitProvider.MASKED_CALLS.get() > masked,
        "the padding mask of the sequences 3 to 6 long reached the unit");
    assertTrue(GainSoftsignProvider.CALLS.get() > calls, "the feed-forward ran the activation");
    String recorded = Files.readString(tmp.resolve("recall/config.yaml"));
    assertTrue(recorded.contains("name: test-scaled"), recorded);
    assertTrue(recorded.contains("temperature: 2.0"), recorded);

    // the nested options are validated by the nested plugin's schema, located in the file
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Heed.loadConfig(
                    write("bad.yaml", RECALL.replace("temperature: 2.0", "temperature: 0")),
                    List.of(),
                    plugins));
    assertTrue(
        e.getMessage().contains("config path `model.layers[2].unit.temperature`"), e.getMessage());
    assertTrue(e.getMessage().contains("bad.yaml:13:"), e.getMessage());
  }

  @Test
  void optionsAreResolvedOnceOnTheWayFromYamlToThePlugin() throws IOException {
    CountingSgdProvider counting = new CountingSgdProvider();
    PluginSet plugins = plus(PluginSet.shared(), PluginKinds.OPTIMIZER, counting);
    counting.schemaAsked.set(0);
    String yaml =
        """
        seed: 3
        backend: cpu
        data: {type: seed-regression, examples: 32, inputs: 4, outputs: 1}
        model:
          layers:
            - {type: dense, units: 1}
        optimizer: {name: counting-sgd, lr: 0.05, momentum: 0.5}
        training: {epochs: 1, batch_size: 16}
        """;
    HeedConfig c = Heed.loadConfig(write("sgd.yaml", yaml), List.of(), plugins);
    assertEquals(1, counting.schemaAsked.get(), "validation resolves the options once");
    try (Assembly a = Heed.assemble(c, null, plugins)) {
      a.train(tmp.resolve("sgd"), null);
    }
    assertNotNull(counting.received);
    assertSame(
        c.optimizer().options(),
        counting.received,
        "the optimizer gets the very options the validation resolved");
    assertEquals(1, counting.schemaAsked.get(), "and nothing resolves them again");
  }
}
