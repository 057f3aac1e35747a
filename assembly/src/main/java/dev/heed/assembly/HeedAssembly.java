package dev.heed.assembly;

import com.google.inject.Injector;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.ReplayReport;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.data.Normalization;
import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.RunLock;
import dev.heed.assembly.train.Trainer;
import dev.heed.assembly.train.TrainerState;
import dev.heed.core.backend.Backend;
import dev.heed.core.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The {@link Assembly} the facade returns: an injector built from a {@link HeedModule}. */
final class HeedAssembly implements Assembly {
  /** The resolved config's file name inside a run directory. */
  static final String CONFIG = "config.yaml";

  private final HeedConfig config;
  private final Injector injector;
  private final Path resumeDir;
  private boolean trained;
  private boolean closed;

  HeedAssembly(HeedConfig config, Injector injector, Path resumeDir) {
    this.config = config;
    this.injector = injector;
    this.resumeDir = resumeDir;
  }

  @Override
  public List<String> notes() {
    return Heed.unwrap(() -> injector.getInstance(BackendChoice.class).notes());
  }

  @Override
  public String backendName() {
    return Heed.unwrap(() -> injector.getInstance(BackendChoice.class).provider().name());
  }

  @Override
  public ReplayReport replayReport() {
    return trained ? injector.getInstance(Trainer.class).replayReport() : ReplayReport.NONE;
  }

  /** The injector, for applications that want the parts. */
  Injector injector() {
    return injector;
  }

  @Override
  @SuppressWarnings("try") // the lock is held for the try block's duration
  public TrainResult train(Path runDir, TrainingListener listener) throws IOException {
    if (trained) {
      throw new IllegalStateException(
          "this assembly has trained already; assemble the config again for another run");
    }
    trained = true;
    Trainer trainer = Heed.unwrap(() -> injector.getInstance(Trainer.class));
    if (resumeDir != null) {
      if (!resumeDir.toAbsolutePath().normalize().equals(runDir.toAbsolutePath().normalize())) {
        throw new ConfigException(
            runDir + ": a resumed run continues in its own directory; expected " + resumeDir);
      }
    } else if (Files.exists(runDir) && !Files.isDirectory(runDir)) {
      throw new ConfigException(
          runDir + ": exists and is not a directory; expected a new run" + " directory");
    } else {
      if (Files.isDirectory(runDir)) {
        // before a lock file is created in someone's full directory; the check that counts is the
        // one under the lock
        Optional<String> owner = RunLock.owner(runDir);
        if (owner.isPresent()) {
          throw RunLock.inUse(runDir, owner.get());
        }
        requireEmpty(runDir);
      }
      Files.createDirectories(runDir);
    }
    // the owner of the directory: the only process that writes, recovers or deletes in it
    try (RunLock owner = RunLock.acquire(runDir)) {
      TrainerState state;
      if (resumeDir != null) {
        Checkpoints.recover(runDir);
        if (Checkpoints.committed(runDir)) {
          state = TrainerState.load(runDir);
          Checkpoints.load(
              runDir,
              trainer.model(),
              trainer.optimizer(),
              state,
              Heed.unwrap(() -> injector.getInstance(Backend.class)));
        } else {
          // stopped before its first checkpoint: it starts again from the beginning
          saveNormalization(runDir);
          state = TrainerState.initial(config.seed());
        }
      } else {
        prepare(runDir);
        state = TrainerState.initial(config.seed());
      }
      final TrainerState start = state;
      return Heed.unwrapIo(() -> trainer.train(runDir, start, listener));
    }
  }

  /** Starts a new run in {@code runDir}, which this process owns: it must hold nothing else. */
  private void prepare(Path runDir) throws IOException {
    requireEmpty(runDir);
    AtomicFile.write(runDir.resolve(CONFIG), config.toYaml().getBytes(StandardCharsets.UTF_8));
    saveNormalization(runDir);
  }

  /** Refuses a directory that holds anything besides the lock file. */
  private static void requireEmpty(Path runDir) throws IOException {
    try (Stream<Path> s = Files.list(runDir)) {
      if (s.anyMatch(p -> !p.getFileName().toString().equals(RunLock.FILE))) {
        throw new ConfigException(
            runDir
                + ": the run directory is not empty; expected an empty or new directory"
                + (Files.isRegularFile(runDir.resolve(CONFIG))
                    ? " (use resume to continue a run)"
                    : ""));
      }
    }
  }

  private void saveNormalization(Path runDir) throws IOException {
    Optional<Normalization> n =
        Heed.unwrap(() ->
            injector.getInstance(
                com.google.inject.Key.get(
                    new com.google.inject.TypeLiteral<Optional<Normalization>>() {})));
    if (n.isPresent()) {
      n.get().save(runDir);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (trained) {
      // the backend was opened by training; nothing else opens it
      injector.getInstance(Backend.class).close();
    }
  }
}
