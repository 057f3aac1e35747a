package dev.heed.assembly.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.plugin.Options;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2 GiB corpus (generated here, not committed) is read whole through the {@code corpus} data set
 * while the heap stays flat: what a pass holds after a garbage collection does not grow with what
 * it has read. {@code -Dheed.corpus.bytes=N} changes the size.
 */
class CorpusMemoryTest {
  @TempDir Path tmp;

  private static final long BYTES = Long.getLong("heed.corpus.bytes", 2L << 30);

  @Test
  void heapStaysFlatWhileTwoGibibytesAreRead() throws IOException {
    // lines of 1 to 200 characters of "ab ", each ended by a line break
    Path file = tmp.resolve("big.txt");
    byte[] block = new byte[1 << 20];
    SplittableRandom random = new SplittableRandom(19);
    for (int i = 0; i < block.length; i++) {
      int r = random.nextInt(40);
      block[i] = (byte) (r == 0 ? '\n' : r < 20 ? 'a' : r < 39 ? 'b' : ' ');
    }
    block[block.length - 1] = '\n';
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (written < BYTES) {
        out.write(block);
        written += block.length;
      }
    }
    int length = 16;
    CorpusDatasetProvider p = new CorpusDatasetProvider();
    Options o =
        p.options()
            .resolve(
                "data set 'corpus'",
                Map.of(
                    "paths",
                    List.of("big.txt"),
                    "classes",
                    List.of("a", "b", " ", "\n"),
                    "length",
                    length));
    Dataset d = p.create(o, new DataContext(tmp, 1, false));
    float[] row = new float[d.inputs() + d.outputs()];
    Runtime runtime = Runtime.getRuntime();
    long rows = 0;
    long baseline = -1;
    long peak = 0;
    long every = BYTES / length / 16; // sixteen samples over the pass
    try (Dataset.RowReader r = d.open()) {
      while (r.next(row)) {
        rows++;
        if (rows % every == 1) {
          System.gc();
          long used = runtime.totalMemory() - runtime.freeMemory();
          if (baseline < 0) {
            baseline = used;
          }
          peak = Math.max(peak, used);
        }
      }
    }
    assertEquals((written - 1) / length, rows, "every character in one window");
    long growth = peak - baseline;
    assertTrue(
        growth < 16L << 20,
        "the heap grew by " + (growth >> 20) + " MiB while the corpus was read, expected flat");
  }
}
