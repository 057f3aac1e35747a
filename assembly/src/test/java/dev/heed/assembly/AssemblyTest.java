package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.util.Modules;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.Config;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.train.Trainer;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.nn.Loss;
import dev.heed.core.plugin.Availability;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssemblyTest {
  @TempDir Path tmp;

  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");

  /** A backend that is never available, as an OpenCL backend on a machine without a device. */
  static final class FakeGpuProvider implements BackendProvider {
    @Override
    public String name() {
      return "fake-gpu";
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public Availability availability() {
      return Availability.unavailable("no fake device is present");
    }

    @Override
    public Backend create(Options options) {
      throw new AssertionError("an unavailable backend must not be opened");
    }
  }

  private static PluginSet withFakeGpu() {
    PluginSet shared = PluginSet.shared();
    List<BackendProvider> backends = new ArrayList<>(shared.backends().all());
    backends.add(new FakeGpuProvider());
    return shared.withBackends(Registry.of("backend", backends));
  }

  @Test
  void backendAskedByNameButUnavailableIsAnErrorNotAFallback() throws IOException {
    PluginSet plugins = withFakeGpu();
    HeedConfig c = Heed.loadConfig(SIMPLE, List.of("backend=fake-gpu"), plugins);
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.assemble(c, null, plugins));
    assertTrue(e.getMessage().contains("config path `backend`"), e.getMessage());
    assertTrue(e.getMessage().contains("not available here: no fake device"), e.getMessage());
    assertTrue(e.getMessage().contains("never replaced"), e.getMessage());
    HeedConfig onCpu = Heed.loadConfig(SIMPLE, List.of("backend=cpu"), plugins);
    ConfigException viaFlag =
        assertThrows(ConfigException.class, () -> Heed.assemble(onCpu, "fake-gpu", plugins));
    assertTrue(viaFlag.getMessage().startsWith("--backend fake-gpu: "), viaFlag.getMessage());
  }

  @Test
  void autoTakesTheBestAvailableBackendAndSaysWhy() throws IOException {
    PluginSet plugins = withFakeGpu();
    HeedConfig c = Heed.loadConfig(SIMPLE, List.of("backend=auto"), plugins);
    try (Assembly a = Heed.assemble(c, null, plugins)) {
      assertEquals("cpu", a.backendName());
      String notes = String.join("\n", a.notes());
      assertTrue(notes.contains("skipped backend 'fake-gpu': no fake device"), notes);
      assertTrue(notes.contains("chose backend 'cpu'"), notes);
    }
  }

  @Test
  void unknownBackendOverrideIsNamed() throws IOException {
    Config c = Heed.loadConfig(SIMPLE, List.of());
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.assemble(c, "cpuu"));
    assertTrue(e.getMessage().contains("--backend cpuu"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'cpu'?"), e.getMessage());
  }

  @Test
  void applicationsCanOverrideBindings() throws IOException {
    HeedConfig c =
        Heed.loadConfig(
            SIMPLE, List.of("training.epochs=1", "data.examples=100"), PluginSet.shared());
    AtomicInteger lossCalls = new AtomicInteger();
    AtomicInteger epochs = new AtomicInteger();
    Injector injector =
        Guice.createInjector(
            Modules.override(new HeedModule(c))
                .with(
                    new AbstractModule() {
                      @Override
                      protected void configure() {
                        Multibinder.newSetBinder(binder(), TrainingListener.class)
                            .addBinding()
                            .toInstance(
                                new TrainingListener() {
                                  @Override
                                  public void onEpoch(EpochEvent e) {
                                    epochs.incrementAndGet();
                                  }
                                });
                      }

                      @Provides
                      @Singleton
                      Loss loss() {
                        return (p, t) -> {
                          lossCalls.incrementAndGet();
                          return p.sub(t).square().mean();
                        };
                      }
                    }));
    Loss bound = injector.getInstance(Loss.class);
    Trainer trainer = injector.getInstance(Trainer.class);
    assertSame(bound, injector.getInstance(Loss.class));
    Path dir = tmp.resolve("run");
    Files.createDirectories(dir);
    trainer.train(dir, dev.heed.assembly.train.TrainerState.initial(c.seed()), null);
    assertTrue(lossCalls.get() > 0, "the overriding loss was used");
    assertEquals(1, epochs.get(), "the listener added with Multibinder heard the epoch");
    injector.getInstance(Backend.class).close();
  }

  @Test
  void overridesReachNestedKeysAndListItems() throws IOException {
    HeedConfig c =
        Heed.loadConfig(
            Path.of("../examples/seed-deep.yaml"),
            List.of("model.layers[0].units=32", "optimizer.lr=0.2", "training.stop.patience=3"),
            PluginSet.shared());
    assertEquals(32, c.model().layers().get(0).options().getInt("units"));
    assertEquals(0.2, c.optimizer().options().getDouble("lr"));
    assertEquals(3, c.training().stop().patience());
    HeedConfig simple =
        Heed.loadConfig(SIMPLE, List.of("optimizer.momentum=0.5"), PluginSet.shared());
    assertEquals(0.5, simple.optimizer().options().getDouble("momentum"));
  }

  @Test
  void resolvedYamlLoadsBackToTheSameConfig() throws IOException {
    for (String name : Heed.templates()) {
      HeedConfig c =
          Heed.loadConfig(Path.of("../examples/" + name + ".yaml"), List.of(), PluginSet.shared());
      Path again = tmp.resolve(name + ".yaml");
      Files.writeString(again, c.toYaml());
      HeedConfig d = Heed.loadConfig(again, List.of(), PluginSet.shared());
      assertEquals(c.toYaml(), d.toYaml());
      assertEquals(c.model(), d.model());
      assertTrue(
          c.toYaml().contains("momentum:")
              || name.equals("seed-simple")
              || c.toYaml().contains("dampening:")
              || c.toYaml().contains("amsgrad:"),
          "options are resolved with defaults");
    }
  }

  @Test
  void jsonConfigsWorkLikeYaml() throws IOException {
    Path json = tmp.resolve("c.json");
    Files.writeString(
        json,
        """
        {"data": {"type": "seed-regression", "examples": 50},
         "model": {"layers": [{"type": "dense", "units": 5}]},
         "optimizer": "sgd",
         "training": {"epochs": 1}}
        """);
    HeedConfig c = Heed.loadConfig(json, List.of(), PluginSet.shared());
    assertEquals("sgd", c.optimizer().name());
    assertEquals("mse", c.loss().name());
    Files.writeString(json, "{\"data\": {\"type\": 5}}");
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.loadConfig(json, List.of()));
    assertTrue(e.getMessage().contains("c.json:1:19: config path `data.type`"), e.getMessage());
  }

  @Test
  void jsonSchemaDescribesEveryKeyAndPlugin() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(Heed.jsonSchema());
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
    JsonNode props = schema.get("properties");
    for (String key :
        List.of("seed", "backend", "data", "model", "loss", "optimizer", "training")) {
      assertTrue(props.has(key), key);
    }
    String optimizer = props.get("optimizer").toString();
    assertTrue(optimizer.contains("\"sgd\""), optimizer);
    assertTrue(optimizer.contains("\"momentum\""), optimizer);
    assertEquals(false, schema.get("additionalProperties").asBoolean());
    assertTrue(
        props.get("training").get("properties").get("stop").get("properties").has("target_loss"));
  }

  @Test
  void templatesAreListedAndUnknownNamesSuggested() {
    assertTrue(
        Heed.templates().containsAll(List.of("seed-simple", "seed-deep", "feature-attention")));
    ConfigException e = assertThrows(ConfigException.class, () -> Heed.template("seed-simpel"));
    assertTrue(e.getMessage().contains("did you mean 'seed-simple'?"), e.getMessage());
    assertTrue(e.getMessage().contains("feature-attention"), e.getMessage());
  }
}
