package dev.heed.assembly.train;

import dev.heed.assembly.api.ConfigException;
import dev.heed.core.backend.Backend;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.Module;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The checkpoint files of a run directory: {@code weights.safetensors} (the model's {@code
 * state_dict}), {@code optimizer.safetensors} and {@code trainer.json}.
 *
 * <p>A checkpoint is saved as one transaction with a redo log: the three files are first written
 * and synced into the staging directory {@code .checkpoint-next/}, then an empty {@code COMMIT}
 * marker is created there, then the files are renamed into the run directory and the staging
 * directory is removed. {@link #recover} (run before any checkpoint is read) finishes the renames
 * when the marker exists, or discards the staging directory when it does not — so a crash at any
 * point leaves either the previous checkpoint or the new one, never a mix. Both safetensors files
 * also carry the epoch in their metadata as a second check. Stateless.
 */
public final class Checkpoints {
  /** The model weights. */
  public static final String WEIGHTS = "weights.safetensors";

  /** The optimizer state. */
  public static final String OPTIMIZER = "optimizer.safetensors";

  /** The staging directory of a checkpoint being saved. */
  public static final String STAGING = ".checkpoint-next";

  private static final String COMMIT = "COMMIT";

  private Checkpoints() {}

  /** Saves the weights, the optimizer state and {@code state} as one transaction. */
  public static void save(Path dir, Module model, Optimizer optimizer, TrainerState state)
      throws IOException {
    recover(dir);
    Path staging = Files.createDirectories(dir.resolve(STAGING));
    Map<String, String> meta = Map.of("format", "pt", "epoch", Integer.toString(state.epoch()));
    StateDicts.save(model, staging.resolve(WEIGHTS), meta);
    SafeTensors.write(staging.resolve(OPTIMIZER), optimizer.state(), meta);
    state.save(staging);
    for (String f : List.of(WEIGHTS, OPTIMIZER, TrainerState.FILE)) {
      sync(staging.resolve(f));
    }
    TrainerState.writeAtomically(staging.resolve(COMMIT), new byte[0]);
    sync(staging.resolve(COMMIT));
    recover(dir);
  }

  /**
   * Completes or discards a checkpoint save that was interrupted: with the {@code COMMIT} marker
   * present the staged files replace the old ones; without it the staging directory is removed and
   * the previous checkpoint stays. Idempotent; a no-op when nothing is staged.
   */
  public static void recover(Path dir) throws IOException {
    Path staging = dir.resolve(STAGING);
    if (!Files.isDirectory(staging)) {
      return;
    }
    if (Files.exists(staging.resolve(COMMIT))) {
      for (String f : List.of(WEIGHTS, OPTIMIZER, TrainerState.FILE)) {
        Path from = staging.resolve(f);
        if (Files.exists(from)) {
          try {
            Files.move(
                from,
                dir.resolve(f),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    try (Stream<Path> left = Files.list(staging)) {
      for (Path p : left.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(staging);
  }

  private static void sync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /**
   * Loads the weights into {@code model} and, when {@code optimizer} is not null, its state.
   *
   * @throws ConfigException when a file is missing or belongs to another epoch than {@code state}
   */
  public static void load(
      Path dir, Module model, Optimizer optimizer, TrainerState state, Backend backend)
      throws IOException {
    Path weights = dir.resolve(WEIGHTS);
    checkEpoch(weights, state);
    Map<String, Tensor> w = read(weights, backend);
    try {
      StateDicts.load(model, w);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(weights + ": " + e.getMessage(), e);
    } finally {
      w.values().forEach(Tensor::close);
    }
    if (optimizer != null) {
      Path opt = dir.resolve(OPTIMIZER);
      checkEpoch(opt, state);
      try {
        optimizer.loadState(read(opt, backend));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(opt + ": " + e.getMessage(), e);
      }
    }
  }

  private static Map<String, Tensor> read(Path file, Backend backend) {
    return Scope.outside(() -> {
      try {
        return SafeTensors.read(file, backend);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static void checkEpoch(Path file, TrainerState state) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": missing; the run directory is incomplete");
    }
    String epoch = SafeTensors.metadata(file).get("epoch");
    if (epoch != null && !epoch.equals(Integer.toString(state.epoch()))) {
      throw new ConfigException(
          file
              + ": holds epoch "
              + epoch
              + " but "
              + TrainerState.FILE
              + " says epoch "
              + state.epoch()
              + "; the run was interrupted while saving a checkpoint");
    }
  }
}
