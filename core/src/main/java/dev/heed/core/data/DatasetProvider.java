package dev.heed.core.data;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;
import java.io.IOException;
import java.util.Map;

/**
 * Service interface of a data set that configs name by {@code data.type} ({@code csv}, {@code
 * text}, {@code seed-regression}, …); the other keys of {@code data} (except {@code
 * shuffle_buffer}) are its options.
 */
public interface DatasetProvider extends Provider {

  /**
   * The data set, with options resolved against {@link #options()}. Cheap: it reads what its names
   * and sizes need (a header, a vocabulary) and leaves the rows to {@link Dataset#open()}. Called
   * when a config is loaded, so its refusals are reported with the config's line numbers.
   *
   * @throws dev.heed.core.plugin.OptionsException when the options do not fit the source (a column
   *     that is not in the header), naming the option
   * @throws IOException when the source cannot be read
   */
  Dataset create(Options options, DataContext ctx) throws IOException;

  /**
   * The options a run directory's config records, so the run reopens without reading the source
   * again (for example the columns and classes found in a CSV file): by default the options as
   * given. The values are plain config values (numbers, texts, booleans and lists); files are
   * recorded as absolute paths (resolved with {@code ctx}), since the run's config lives elsewhere.
   */
  default Map<String, Object> recorded(Options options, Dataset dataset, DataContext ctx) {
    return options.asMap();
  }
}
