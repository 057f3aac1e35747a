package dev.heed.assembly.data;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The built-in generated data sets as providers: {@code seed-regression}, {@code
 * feature-selection}, {@code marked-token-recall} and {@code digit-reversal} (see {@link
 * GeneratedDatasets}). The examples are generated when first read, from the run's seed.
 */
public abstract sealed class GeneratedDatasetProvider implements DatasetProvider {
  private static final int MAX = Integer.MAX_VALUE;

  private final String name;
  private final String description;
  private final OptionsSchema schema;
  private final BiFunction<GeneratedDatasets.Spec, Long, Dataset> generate;

  GeneratedDatasetProvider(
      String name,
      String description,
      OptionsSchema schema,
      BiFunction<GeneratedDatasets.Spec, Long, Dataset> generate) {
    this.name = name;
    this.description = description;
    this.schema = schema;
    this.generate = generate;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final OptionsSchema options() {
    return schema;
  }

  /** The sizes that the options give, checked beyond the schema. */
  abstract GeneratedDatasets.Spec spec(Options o, String owner);

  @Override
  public final Dataset create(Options options, DataContext ctx) {
    String owner = "data set '" + name + "'";
    GeneratedDatasets.Spec spec = spec(schema.check(owner, options), owner);
    long seed = ctx.seed();
    return new LazyDataset(
        GeneratedDatasets.shape(name, spec), spec.examples(), () -> generate.apply(spec, seed));
  }

  private static OptionSpec examples() {
    return OptionSpec.integer("examples", 1000, "how many examples").range(1, MAX);
  }

  private static OptionSpec noise() {
    return OptionSpec.number("noise", 0.0, "standard deviation of target noise").range(0, 1e6);
  }

  /** {@code seed-regression}: targets of a fixed random teacher network. */
  public static final class SeedRegression extends GeneratedDatasetProvider {
    /** Cheap; for ServiceLoader. */
    public SeedRegression() {
      super(
          "seed-regression",
          "the seed's task: regression on a fixed random tanh teacher network",
          OptionsSchema.of(
              examples(),
              OptionSpec.integer("inputs", 10, "input features").range(1, 100_000),
              OptionSpec.integer("outputs", 5, "targets").range(1, 100_000),
              noise()),
          GeneratedDatasets::seedRegression);
    }

    @Override
    GeneratedDatasets.Spec spec(Options o, String owner) {
      return new GeneratedDatasets.Spec(
          o.getInt("examples"),
          o.getInt("inputs"),
          o.getInt("outputs"),
          o.getDouble("noise"),
          0,
          0,
          0,
          List.of());
    }
  }

  /** {@code feature-selection}: only features 1, 4 and 7 matter. */
  public static final class FeatureSelection extends GeneratedDatasetProvider {
    /** Cheap; for ServiceLoader. */
    public FeatureSelection() {
      super(
          "feature-selection",
          "regression where only features x1, x4 and x7 of the inputs matter",
          OptionsSchema.of(
              examples(),
              OptionSpec.integer(
                      "inputs", 10, "input features (at least 8: the targets use x1, x4 and x7)")
                  .range(8, 100_000),
              OptionSpec.integer("outputs", 1, "targets: 1").range(1, 1),
              noise()),
          GeneratedDatasets::featureSelection);
    }

    @Override
    GeneratedDatasets.Spec spec(Options o, String owner) {
      return new GeneratedDatasets.Spec(
          o.getInt("examples"), o.getInt("inputs"), 1, o.getDouble("noise"), 0, 0, 0, List.of());
    }
  }

  /** The options of the sequence tasks, with {@code vocabulary} as given. */
  private static OptionsSchema sequenceSchema(OptionSpec vocabulary) {
    return OptionsSchema.of(
        examples(),
        vocabulary,
        OptionSpec.integer(
                "length", null, "the length of every sequence (sets min_length and max_length)")
            .range(2, 10_000)
            .optional(),
        OptionSpec.integer("min_length", null, "the shortest sequence (default: max_length)")
            .range(2, 10_000)
            .optional(),
        OptionSpec.integer(
                "max_length",
                null,
                "the longest sequence; shorter ones are padded with token 0 (default 8)")
            .range(2, 10_000)
            .optional());
  }

  /** The lengths of a sequence task, checked. */
  private static int[] lengths(Options o, String owner) {
    Integer length = o.has("length") ? o.getInt("length") : null;
    if (length != null && (o.has("min_length") || o.has("max_length"))) {
      throw new OptionsException(
          "length",
          owner
              + ": found length with min_length or max_length, expected either length or"
              + " min_length/max_length");
    }
    int max = length != null ? length : o.has("max_length") ? o.getInt("max_length") : 8;
    int min = length != null ? length : o.has("min_length") ? o.getInt("min_length") : max;
    if (min > max) {
      throw new OptionsException(
          "min_length",
          owner
              + ": found min_length "
              + min
              + " > max_length "
              + max
              + ", expected min_length <= max_length");
    }
    return new int[] {min, max};
  }

  /** {@code marked-token-recall}: predict the token after a marker. */
  public static final class MarkedTokenRecall extends GeneratedDatasetProvider {
    /** Cheap; for ServiceLoader. */
    public MarkedTokenRecall() {
      super(
          "marked-token-recall",
          "token sequences: predict the token right after the marker token 1",
          sequenceSchema(
              OptionSpec.integer("vocabulary", 12, "token ids including padding 0 and marker 1")
                  .range(4, 100_000)),
          GeneratedDatasets::markedTokenRecall);
    }

    @Override
    GeneratedDatasets.Spec spec(Options o, String owner) {
      int[] lengths = lengths(o, owner);
      int vocabulary = o.getInt("vocabulary");
      List<String> classes = new ArrayList<>();
      classes.add("<pad>");
      classes.add("<marker>");
      for (int t = 2; t < vocabulary; t++) {
        classes.add("t" + t);
      }
      return new GeneratedDatasets.Spec(
          o.getInt("examples"), 0, 0, 0, vocabulary, lengths[0], lengths[1], classes);
    }
  }

  /** {@code digit-reversal}: reverse a digit sequence. */
  public static final class DigitReversal extends GeneratedDatasetProvider {
    /** Cheap; for ServiceLoader. */
    public DigitReversal() {
      super(
          "digit-reversal",
          "token sequences of digits: output the sequence reversed",
          sequenceSchema(
              OptionSpec.integer(
                      "vocabulary", 11, "11: padding 0 and the digits 0-9 as tokens 1-10")
                  .range(11, 11)),
          GeneratedDatasets::digitReversal);
    }

    @Override
    GeneratedDatasets.Spec spec(Options o, String owner) {
      int[] lengths = lengths(o, owner);
      List<String> classes = new ArrayList<>();
      classes.add("<pad>");
      for (int d = 0; d <= 9; d++) {
        classes.add(String.valueOf(d));
      }
      return new GeneratedDatasets.Spec(
          o.getInt("examples"), 0, 0, 0, 11, lengths[0], lengths[1], classes);
    }
  }
}
