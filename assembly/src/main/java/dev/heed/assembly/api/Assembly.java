package dev.heed.assembly.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model and its training run, built from a config. Made by {@link
 * dev.heed.assembly.Heed#assemble} or {@link dev.heed.assembly.Heed#resume}; closing it releases
 * the backend. Not thread-safe.
 */
public interface Assembly extends AutoCloseable {

  /** What the assembly decided and why (for example which backend {@code auto} took). */
  List<String> notes();

  /** The backend's name. */
  String backendName();

  /**
   * Trains into {@code runDir}, writing a checkpoint atomically after every epoch.
   *
   * @param runDir created when absent; must be empty, except for an assembly made by {@link
   *     dev.heed.assembly.Heed#resume} on that directory, which continues the run in place
   * @param listener hears progress; may be null
   * @throws ConfigException when {@code runDir} is not empty (and not being resumed), or the data
   *     is malformed
   * @throws IOException when files cannot be read or written
   */
  TrainResult train(Path runDir, TrainingListener listener) throws IOException;

  /**
   * How many optimizer steps of {@link #train} were replays of a captured step (the same kernels on
   * the same buffers, without per-operation cost; {@code training.replay}); 0 before training, when
   * replay is off, or where it did not apply (the step then ran eagerly, with the same results).
   */
  default long replayedSteps() {
    return replayReport().replayed();
  }

  /**
   * How the optimizer steps of {@link #train} ran, replayed or eagerly and why ({@link
   * ReplayReport#NONE} before training).
   */
  default ReplayReport replayReport() {
    return ReplayReport.NONE;
  }

  @Override
  void close();
}
