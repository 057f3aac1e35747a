package dev.heed.serve;

import dev.heed.assembly.Predictor;
import dev.heed.assembly.train.CommittedCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A served run directory under its name: the checkpoint being served now, swapped atomically when
 * {@link #reloadIfNewer} finds a newer committed one. Thread-safe.
 */
final class ModelSlot {
  private static final System.Logger LOG = System.getLogger(ModelSlot.class.getName());

  private final String name;
  private final Path runDir;
  private final String backend;
  private final AtomicReference<Lease> current;
  private final AtomicLong reloads = new AtomicLong();
  private volatile String lastFailure;

  private ModelSlot(String name, Path runDir, String backend, Lease first) {
    this.name = name;
    this.runDir = runDir;
    this.backend = backend;
    this.current = new AtomicReference<>(first);
  }

  /** Opens the committed checkpoint of {@code runDir}. */
  static ModelSlot open(String name, Path runDir, String backend) throws IOException {
    return new ModelSlot(name, runDir, backend, new Lease(Predictor.open(runDir, backend)));
  }

  String name() {
    return name;
  }

  Path runDirectory() {
    return runDir;
  }

  /** The model being served now (a snapshot: it may be swapped right after). */
  Predictor peek() {
    return current.get().predictor();
  }

  /** How many times a newer checkpoint was swapped in. */
  long reloads() {
    return reloads.get();
  }

  /** The current checkpoint with a reference taken; the caller releases it. */
  Lease acquire() {
    for (; ; ) {
      Lease l = current.get();
      if (l.acquire()) {
        return l;
      }
    }
  }

  /**
   * Swaps in the committed checkpoint when it is newer than the served one. A run directory whose
   * checkpoint cannot be read now (a half-finished save, a broken file) keeps the served model.
   *
   * @return whether a newer checkpoint was swapped in
   */
  boolean reloadIfNewer() {
    try {
      Optional<CommittedCheckpoint> now = CommittedCheckpoint.read(runDir);
      if (now.isEmpty() || now.get().equals(peek().checkpoint())) {
        return false;
      }
      Lease next = new Lease(Predictor.open(runDir, backend));
      Lease old = current.getAndSet(next);
      old.release();
      reloads.incrementAndGet();
      lastFailure = null;
      LOG.log(
          System.Logger.Level.INFO,
          () ->
              name + ": serving epoch " + next.predictor().checkpoint().epoch() + " of " + runDir);
      return true;
    } catch (IOException | RuntimeException e) {
      String why = String.valueOf(e.getMessage());
      if (!why.equals(lastFailure)) { // once per cause, not once per look
        LOG.log(System.Logger.Level.WARNING, () -> name + ": not reloaded: " + why);
      }
      lastFailure = why;
      return false;
    }
  }

  /** Drops the slot's reference: the model closes when its last user is done. */
  void close() {
    current.get().release();
  }
}
