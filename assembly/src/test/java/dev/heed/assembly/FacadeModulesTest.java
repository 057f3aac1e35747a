package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.core.Plugins;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade with Guice modules of the caller (issue 17, item 4): an overriding {@code Loss} and an
 * added {@code TrainingListener} take effect, and the run keeps the facade's run-directory handling
 * (config.yaml, checkpoints, the non-empty refusal, resume).
 */
class FacadeModulesTest {
  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");

  @TempDir Path tmp;

  /** MSE that counts its calls: what an application might put in place of the config's loss. */
  static final class CountingLoss extends AbstractModule {
    final AtomicInteger calls = new AtomicInteger();

    @Provides
    @Singleton
    Loss loss() {
      LossProvider mse = Plugins.shared().losses().get("mse");
      Loss inner = mse.create(mse.options().defaults("loss 'mse'"));
      return (prediction, target) -> {
        calls.incrementAndGet();
        return inner.compute(prediction, target);
      };
    }
  }

  /** A listener added to the trainer's set: every run of the assembly calls it. */
  static final class EpochCounter extends AbstractModule {
    final AtomicInteger epochs = new AtomicInteger();

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
  }

  @Test
  void modulesOverrideAndAddWhileTheRunDirectoryIsHandledAsUsual() throws IOException {
    List<String> small = List.of("data.examples=200", "training.epochs=2", "backend=cpu");
    CountingLoss loss = new CountingLoss();
    EpochCounter counter = new EpochCounter();
    Path run = tmp.resolve("run");
    TrainResult r;
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, small), null, loss, counter)) {
      r = a.train(run, null);
    }
    assertEquals(2, r.epochs());
    assertEquals(2, counter.epochs.get(), "the added listener heard every epoch");
    assertTrue(loss.calls.get() > 0, "the overriding loss computed the training loss");
    assertTrue(Files.isRegularFile(run.resolve("config.yaml")), "config.yaml written");
    assertTrue(Files.isRegularFile(run.resolve("weights.safetensors")), "checkpoint written");

    // the run directory is now taken: a second assembly with modules is refused like any other
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, small), null, new CountingLoss())) {
      ConfigException e = assertThrows(ConfigException.class, () -> a.train(run, null));
      assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    }

    // and resume takes modules too
    EpochCounter again = new EpochCounter();
    try (Assembly a = Heed.resume(run, null, again)) {
      assertEquals(2, a.train(run, null).epochs());
    }
    assertEquals(0, again.epochs.get(), "a finished run trains no more epochs");
  }

  @Test
  void theSameLossThroughAModuleGivesTheSameRun() throws IOException {
    List<String> small = List.of("data.examples=200", "training.epochs=2", "backend=cpu");
    TrainResult plain;
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, small), null)) {
      plain = a.train(tmp.resolve("plain"), null);
    }
    TrainResult viaModule;
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, small), null, new CountingLoss())) {
      viaModule = a.train(tmp.resolve("module"), null);
    }
    assertEquals(
        plain.history().stream().map(EpochEvent::trainLoss).toList(),
        viaModule.history().stream().map(EpochEvent::trainLoss).toList());
  }
}
