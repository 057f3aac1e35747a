package dev.heed.assembly.train;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.core.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes {@code metrics.csv}: one line per epoch ({@code epoch,train_loss,val_loss,<metrics>,
 * elapsed_ms}), rewritten atomically after every epoch. Stateless.
 */
public final class MetricsCsv {
  /** The file name inside a run directory. */
  public static final String FILE = "metrics.csv";

  private MetricsCsv() {}

  /** Rewrites {@code dir/metrics.csv} from {@code history}. */
  public static void write(Path dir, List<EpochEvent> history) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    for (EpochEvent e : history) {
      names.addAll(e.metrics().keySet());
    }
    StringBuilder b = new StringBuilder("epoch,train_loss,val_loss");
    for (String n : names) {
      b.append(',').append(n);
    }
    b.append(",elapsed_ms\n");
    for (EpochEvent e : history) {
      b.append(e.epoch()).append(',').append(num(e.trainLoss())).append(',');
      b.append(num(e.validationLoss()));
      for (String n : names) {
        b.append(',').append(num(e.metrics().getOrDefault(n, Double.NaN)));
      }
      b.append(',').append(e.elapsedMillis()).append('\n');
    }
    AtomicFile.write(dir.resolve(FILE), b.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.8g", v);
  }
}
