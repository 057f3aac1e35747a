package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.data.SequenceLayout;
import dev.heed.core.plugin.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link DatasetProvider} meets. Extend it in a JUnit 5 test of your plugin:
 *
 * <pre>{@code
 * class SpiralsTest extends DatasetContract {
 *   protected DatasetProvider provider() { return new SpiralsProvider(); }
 *   protected Map<String, Object> options() { return Map.of("examples", 200); }
 * }
 * }</pre>
 *
 * <p>It checks that the names and sizes are as declared (input and target names distinct and not
 * blank, every row {@code inputs + outputs} wide, as many rows as {@link Dataset#size()} says,
 * every value finite, one-hot targets for classification); that the rows are the same on every pass
 * and for every data set made with the same seed (and differ for another seed, when {@link
 * #seedDependent()}); that a sequence data set's rows follow its {@link SequenceLayout} (ids whole
 * numbers below the vocabulary, padding 0 only after the real tokens, one-hot targets per example
 * or per position, all zero at padded positions); that the options it records for a run directory
 * make the same data set again; and that the registry finds the provider and its options schema is
 * well formed.
 */
public abstract class DatasetContract {
  /** The seed of the data sets the contract makes. */
  protected static final long SEED = 42;

  /** For subclasses. */
  protected DatasetContract() {}

  /** The provider under test. */
  protected abstract DatasetProvider provider();

  /**
   * Option values for {@link #provider()}, resolved against its schema. Default: none. Keep the
   * data set small (a few thousand rows at most), the contract reads it several times.
   */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /** The directory relative file options are resolved against. Default: the working directory. */
  protected Path baseDirectory() {
    return Path.of("").toAbsolutePath();
  }

  /**
   * Whether the rows depend on the run's seed (a generated data set) rather than only on a source
   * (a file). Default true.
   */
  protected boolean seedDependent() {
    return true;
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("dataset", provider(), options());
  }

  /** The data set made with the run seed {@code seed}. */
  protected Dataset create(long seed) {
    try {
      return provider().create(resolvedOptions(), new DataContext(baseDirectory(), seed, false));
    } catch (IOException e) {
      throw new UncheckedIOException(owner() + ": cannot be made", e);
    }
  }

  private String owner() {
    return ProviderChecks.owner("dataset", provider()) + " with " + options();
  }

  /** Every row of one pass, each {@code inputs + outputs} wide. */
  private List<float[]> rows(Dataset d) {
    int width = d.inputs() + d.outputs();
    List<float[]> rows = new ArrayList<>();
    try (Dataset.RowReader reader = d.open()) {
      while (true) {
        float[] row = new float[width];
        Arrays.fill(row, Float.NaN);
        if (!reader.next(row)) {
          break;
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(owner() + ": cannot be read", e);
    }
    return rows;
  }

  private static boolean same(List<float[]> a, List<float[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ tests

  /**
   * Names are distinct and not blank, every row is filled with finite values, the row count is
   * {@link Dataset#size()} when that is known, and classification targets are one-hot.
   */
  @Test
  public void namesAndSizesAreAsDeclared() {
    Dataset d = create(SEED);
    assertEquals(d.inputNames().size(), d.inputs(), owner() + ": inputs() vs inputNames()");
    assertEquals(d.outputNames().size(), d.outputs(), owner() + ": outputs() vs outputNames()");
    assertTrue(d.inputs() > 0, owner() + ": no inputs");
    assertTrue(d.outputs() > 0, owner() + ": no targets");
    for (List<String> names : List.of(d.inputNames(), d.outputNames())) {
      Set<String> seen = new HashSet<>();
      for (String n : names) {
        assertFalse(n == null || n.isBlank(), owner() + ": a blank name in " + names);
        assertTrue(seen.add(n), owner() + ": the name '" + n + "' appears twice in " + names);
      }
    }
    List<float[]> rows = rows(d);
    assertFalse(rows.isEmpty(), owner() + ": a pass gives no rows");
    if (d.size() >= 0) {
      assertEquals(
          d.size(), rows.size(), owner() + ": size() says " + d.size() + " rows, a pass gives");
    }
    for (int r = 0; r < rows.size(); r++) {
      float[] row = rows.get(r);
      for (int i = 0; i < row.length; i++) {
        if (!Float.isFinite(row[i])) {
          throw new AssertionError(
              owner()
                  + ": row "
                  + r
                  + " column "
                  + i
                  + " is "
                  + row[i]
                  + " (a reader must fill all inputs + outputs = "
                  + row.length
                  + " values with finite numbers)");
        }
      }
      if (d.classification() && d.sequence() == null) {
        assertOneHot(row, d.inputs(), d.outputs(), "row " + r + " targets", true);
      }
    }
  }

  private void assertOneHot(float[] row, int from, int width, String where, boolean required) {
    int ones = 0;
    for (int i = from; i < from + width; i++) {
      if (row[i] == 1) {
        ones++;
      } else if (row[i] != 0) {
        throw new AssertionError(
            owner() + ": " + where + " must be one-hot (0 or 1), found " + row[i]);
      }
    }
    if (required ? ones != 1 : ones > 1) {
      throw new AssertionError(
          owner() + ": " + where + " must be one-hot, found " + ones + " ones");
    }
  }

  /**
   * Two passes over one data set, and data sets made with the same seed, give the same rows; a data
   * set made with another seed gives other rows when {@link #seedDependent()}.
   */
  @Test
  public void rowsAreDeterministicPerSeed() {
    Dataset d = create(SEED);
    List<float[]> first = rows(d);
    assertTrue(same(first, rows(d)), owner() + ": a second pass gives other rows");
    assertTrue(
        same(first, rows(create(SEED))),
        owner() + ": two data sets made with seed " + SEED + " give other rows");
    if (seedDependent()) {
      assertFalse(
          same(first, rows(create(SEED + 1))),
          owner()
              + ": seeds "
              + SEED
              + " and "
              + (SEED + 1)
              + " give the same rows; derive generated rows from DataContext.seed() (or override"
              + " seedDependent() for a data set read from a source)");
    }
  }

  /**
   * A sequence data set's rows follow its layout: {@code length} ids then the targets; ids are
   * whole numbers in {@code [0, vocabulary)} with padding 0 only after the real tokens; targets
   * one-hot per example, or per position with all-zero rows at padded positions.
   */
  @Test
  public void sequenceLayoutIsConsistent() {
    Dataset d = create(SEED);
    SequenceLayout layout = d.sequence();
    assumeTrue(layout != null, "not a sequence data set");
    assertEquals(layout.length(), d.inputs(), owner() + ": inputs() vs the layout's length");
    assertEquals(
        layout.targetWidth(), d.outputs(), owner() + ": outputs() vs the layout's target width");
    int v = layout.vocabulary();
    List<float[]> rows = rows(d);
    for (int r = 0; r < rows.size(); r++) {
      float[] row = rows.get(r);
      boolean padding = false;
      int real = 0;
      for (int t = 0; t < layout.length(); t++) {
        float id = row[t];
        if (id != Math.rint(id) || id < 0 || id >= v) {
          throw new AssertionError(
              owner()
                  + ": row "
                  + r
                  + " position "
                  + t
                  + " holds "
                  + id
                  + "; token ids are whole numbers in [0, "
                  + v
                  + ")");
        }
        if (id == 0) {
          padding = true;
        } else if (padding) {
          throw new AssertionError(
              owner()
                  + ": row "
                  + r
                  + " has token "
                  + id
                  + " at position "
                  + t
                  + " after padding; padding (0) only follows the real tokens");
        } else {
          real++;
        }
      }
      assertTrue(real > 0, owner() + ": row " + r + " has no tokens");
      if (layout.perPosition()) {
        for (int t = 0; t < layout.length(); t++) {
          int from = layout.length() + t * v;
          String where = "row " + r + " target of position " + t;
          if (t < real) {
            assertOneHot(row, from, v, where, true);
          } else {
            for (int i = from; i < from + v; i++) {
              if (row[i] != 0) {
                throw new AssertionError(
                    owner() + ": " + where + " is a padded position; its target must be all 0");
              }
            }
          }
        }
      } else {
        assertOneHot(row, layout.length(), v, "row " + r + " target", true);
      }
    }
  }

  /**
   * The options recorded for a run directory ({@link DatasetProvider#recorded}) make a data set
   * with the same names, sizes and rows.
   */
  @Test
  public void recordedOptionsMakeTheSameDataset() throws IOException {
    DataContext ctx = new DataContext(baseDirectory(), SEED, false);
    Dataset d = provider().create(resolvedOptions(), ctx);
    Map<String, Object> recorded = provider().recorded(resolvedOptions(), d, ctx);
    Options again = ProviderChecks.resolve("dataset", provider(), recorded);
    Dataset e = provider().create(again, ctx);
    String where = owner() + " made again from its recorded options " + recorded;
    assertEquals(d.inputNames(), e.inputNames(), where + ": input names");
    assertEquals(d.outputNames(), e.outputNames(), where + ": target names");
    assertEquals(d.classification(), e.classification(), where + ": classification");
    assertEquals(d.sequence(), e.sequence(), where + ": sequence layout");
    assertTrue(same(rows(d), rows(e)), where + ": other rows");
  }

  /** {@code Plugins.shared().datasets()} finds the provider by its name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().datasets(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("dataset", provider(), options());
  }
}
