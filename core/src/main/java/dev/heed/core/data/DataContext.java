package dev.heed.core.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a data set provider needs besides its options.
 *
 * @param baseDirectory the directory relative file options are resolved against (the config file's)
 * @param seed the run's seed; generated data sets derive their values from it
 * @param reopening true when a finished run is opened again (for prediction) from its recorded
 *     config: a source that is gone is then accepted when the recorded options describe every name
 *     and size, since no rows will be read
 */
public record DataContext(Path baseDirectory, long seed, boolean reopening) {

  /** Null check. */
  public DataContext {
    Objects.requireNonNull(baseDirectory, "baseDirectory");
  }

  /** {@code file} resolved against {@link #baseDirectory()}, absolute and normalised. */
  public Path resolve(String file) {
    return baseDirectory.resolve(file).toAbsolutePath().normalize();
  }
}
