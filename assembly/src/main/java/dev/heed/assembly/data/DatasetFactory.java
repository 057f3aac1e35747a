package dev.heed.assembly.data;

import dev.heed.assembly.config.DataConfig;
import java.io.IOException;

/**
 * Makes the data set a config names by {@code data.type}. The Guice module binds the built-ins
 * ({@code csv}, {@code seed-regression}, {@code feature-selection}) in a {@code MapBinder<String,
 * DatasetFactory>}; applications may add their own.
 */
public interface DatasetFactory {

  /**
   * The data set.
   *
   * @param config the resolved data section
   * @param seed the run's seed (generated data sets derive their values from it)
   */
  Dataset create(DataConfig config, long seed) throws IOException;
}
