package dev.heed.assembly.train;

import dev.heed.assembly.api.ConfigException;
import dev.heed.core.backend.Backend;
import dev.heed.core.io.AtomicFile;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.Module;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The checkpoint files of a run directory: {@code weights.safetensors} (the model's {@code
 * state_dict}), {@code optimizer.safetensors}, {@code trainer.json} and {@code metrics.csv}.
 *
 * <p>A checkpoint is saved as one transaction with a redo log: the four files are first written and
 * synced into the staging directory {@code .checkpoint-next/}, then an empty {@code COMMIT} marker
 * is created there, then the files are renamed into the run directory and the staging directory is
 * removed. {@link #recover} finishes the renames when the marker exists, or discards the staging
 * directory when it does not — so a crash at any point leaves either the previous checkpoint or the
 * new one, never a mix. Only the writer, the training that owns the directory ({@link RunLock}),
 * saves and recovers. Readers ({@link #loadCommitted}) change nothing: they read the committed
 * checkpoint as recovery would leave it (the staged file of a committed save, else the run
 * directory's), and retry when a save moved the files while they read. Both safetensors files carry
 * the epoch in their metadata, which pairs them with {@code trainer.json}. Stateless.
 */
public final class Checkpoints {
  /** The model weights. */
  public static final String WEIGHTS = "weights.safetensors";

  /** The optimizer state. */
  public static final String OPTIMIZER = "optimizer.safetensors";

  /** The staging directory of a checkpoint being saved. */
  public static final String STAGING = ".checkpoint-next";

  private static final String COMMIT = "COMMIT";

  /** The files of a checkpoint, in the order a commit renames them. */
  private static final List<String> FILES =
      List.of(WEIGHTS, OPTIMIZER, TrainerState.FILE, MetricsCsv.FILE);

  /** How often a reader tries again when a save moved the files under it. */
  private static final int READ_ATTEMPTS = 200;

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
    MetricsCsv.write(staging, state.history());
    AtomicFile.write(staging.resolve(COMMIT), new byte[0]);
    recover(dir);
  }

  /**
   * Completes or discards a checkpoint save that was interrupted: with the {@code COMMIT} marker
   * present the staged files replace the old ones; without it the staging directory is removed and
   * the previous checkpoint stays. Idempotent; a no-op when nothing is staged. Only for the
   * directory's owner: a reader never calls it.
   */
  public static void recover(Path dir) throws IOException {
    Path staging = dir.resolve(STAGING);
    if (!Files.isDirectory(staging)) {
      return;
    }
    if (Files.exists(staging.resolve(COMMIT))) {
      for (String f : FILES) {
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

  /** Whether a checkpoint was committed (possibly with its renames still to finish). */
  public static boolean committed(Path dir) {
    return Files.isRegularFile(dir.resolve(TrainerState.FILE))
        || Files.isRegularFile(dir.resolve(STAGING).resolve(COMMIT));
  }

  /**
   * Loads the weights of the last committed checkpoint into {@code model} and returns its trainer
   * state, for readers: creates, renames and deletes nothing, so it works on a run that is training
   * and on a read-only one.
   *
   * @throws ConfigException when there is no committed checkpoint yet, or its files disagree
   */
  public static TrainerState loadCommitted(Path dir, Module model, Backend backend)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      String before = signature(dir);
      Path staging = dir.resolve(STAGING);
      boolean commit = Files.isRegularFile(staging.resolve(COMMIT));
      Path trainer = pick(dir, commit, TrainerState.FILE);
      Path weights = pick(dir, commit, WEIGHTS);
      try {
        if (!Files.isRegularFile(trainer)) {
          if (before.equals(signature(dir))) {
            throw new ConfigException(
                dir
                    + ": no committed checkpoint yet (no "
                    + TrainerState.FILE
                    + "): the run has not finished its first epoch; wait for it, or, if it was"
                    + " stopped, start it again with heed train --resume "
                    + dir);
          }
        } else {
          Object key = fileKey(weights);
          TrainerState state = TrainerState.read(trainer);
          if (!Files.isRegularFile(weights)) {
            if (before.equals(signature(dir))) {
              throw new ConfigException(weights + ": missing; the run directory is incomplete");
            }
          } else if (epochOf(weights, state) == null) {
            Map<String, Tensor> w = read(weights, backend);
            try {
              if (key != null && key.equals(fileKey(weights))) {
                try {
                  StateDicts.load(model, w);
                } catch (IllegalArgumentException e) {
                  throw new ConfigException(weights + ": " + e.getMessage(), e);
                }
                return state;
              }
            } finally {
              w.values().forEach(Tensor::close);
            }
          } else if (before.equals(signature(dir))) {
            checkEpoch(weights, state);
          }
        }
      } catch (NoSuchFileException e) {
        // a save renamed the file away between looking and reading: try again
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e;
        }
      }
      if (attempt >= READ_ATTEMPTS) {
        throw new ConfigException(
            dir
                + ": the checkpoint changed every time it was read ("
                + READ_ATTEMPTS
                + " tries); try again");
      }
      try {
        Thread.sleep(Math.min(attempt, 20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading " + dir);
      }
    }
  }

  /** Where recovery would take {@code file} from: the committed staging directory, else dir. */
  private static Path pick(Path dir, boolean commit, String file) {
    Path staged = dir.resolve(STAGING).resolve(file);
    return commit && Files.isRegularFile(staged) ? staged : dir.resolve(file);
  }

  /** What identifies the checkpoint files now: a save in between changes it. */
  private static String signature(Path dir) {
    StringBuilder b = new StringBuilder();
    Path staging = dir.resolve(STAGING);
    b.append(Files.isRegularFile(staging.resolve(COMMIT)));
    for (Path p :
        List.of(
            dir.resolve(TrainerState.FILE),
            dir.resolve(WEIGHTS),
            staging.resolve(TrainerState.FILE),
            staging.resolve(WEIGHTS))) {
      b.append('|');
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        b.append(a.fileKey()).append(',').append(a.size()).append(',').append(a.lastModifiedTime());
      } catch (IOException e) {
        b.append('-');
      }
    }
    return b.toString();
  }

  private static Object fileKey(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Object k = a.fileKey();
      return k != null ? k : a.lastModifiedTime() + "," + a.size();
    } catch (IOException e) {
      return null;
    }
  }

  /** The epoch {@code file}'s metadata names when it is not {@code state}'s, else null. */
  private static String epochOf(Path file, TrainerState state) throws IOException {
    String epoch = SafeTensors.metadata(file).get("epoch");
    return epoch == null || epoch.equals(Integer.toString(state.epoch())) ? null : epoch;
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
