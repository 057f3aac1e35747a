package dev.heed.vision.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.testkit.DatasetContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IDX data set: rows of gzipped and raw files, the testkit contract, and every damaged file
 * refused when the data set is made, with a message naming the file.
 */
class IdxDatasetTest extends DatasetContract {
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("heed-idx");
      DIR.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestFiles.write(
        DIR.resolve("train-images-idx3-ubyte.gz"), TestFiles.gzip(TestFiles.images(30, 4, 3)));
    TestFiles.write(
        DIR.resolve("train-labels-idx1-ubyte.gz"), TestFiles.gzip(TestFiles.labels(30, 4)));
  }

  @TempDir Path tmp;

  @Override
  protected DatasetProvider provider() {
    return new IdxDatasetProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("directory", DIR.toString());
  }

  @Override
  protected boolean seedDependent() {
    return false;
  }

  private Dataset make(Path dir, Map<String, Object> more) throws IOException {
    Map<String, Object> o = new HashMap<>(more);
    o.put("directory", dir.toString());
    IdxDatasetProvider p = new IdxDatasetProvider();
    return p.create(
        p.options().resolve("idx", o, Plugins.shared()), new DataContext(dir, 1, false));
  }

  private static List<float[]> rows(Dataset d) throws IOException {
    List<float[]> out = new java.util.ArrayList<>();
    try (Dataset.RowReader r = d.open()) {
      float[] row = new float[d.inputs() + d.outputs()];
      while (r.next(row)) {
        out.add(row.clone());
      }
    }
    return out;
  }

  @Test
  void rowsArePixelsOver255ThenTheOneHotLabel() throws IOException {
    TestFiles.write(tmp.resolve("t10k-images-idx3-ubyte"), TestFiles.images(7, 2, 3));
    TestFiles.write(tmp.resolve("t10k-labels-idx1-ubyte"), TestFiles.labels(7, 3));
    Dataset d = make(tmp, Map.of("split", "t10k", "limit", 5));
    assertEquals(List.of("0", "1", "2"), d.outputNames());
    assertEquals(6, d.inputs());
    assertEquals("pixel_1_2", d.inputNames().get(5));
    List<float[]> rows = rows(d);
    assertEquals(5, rows.size());
    float[] r = rows.get(4);
    assertEquals(TestFiles.pixel(4, 1, 2) / 255f, r[5]);
    assertEquals(
        Arrays.toString(new float[] {0, 1, 0}), Arrays.toString(Arrays.copyOfRange(r, 6, 9)));
  }

  private String refusal(Map<String, Object> options) {
    Exception e = assertThrows(IllegalArgumentException.class, () -> make(tmp, options));
    return e.getMessage();
  }

  @Test
  void aWrongMagicNumberIsRefusedNamingTheFile() {
    byte[] im = TestFiles.images(3, 2, 2);
    im[3] = 0x01; // a label file's magic
    Path file = TestFiles.write(tmp.resolve("train-images-idx3-ubyte"), im);
    TestFiles.write(tmp.resolve("train-labels-idx1-ubyte"), TestFiles.labels(3, 2));
    String m = refusal(Map.of());
    assertTrue(m.contains(file.toString()) && m.contains("magic number 0x00000801"), m);
  }

  @Test
  void aTruncatedOrOverlongFileIsRefused() {
    byte[] im = TestFiles.images(3, 2, 2);
    Path file =
        TestFiles.write(
            tmp.resolve("train-images-idx3-ubyte.gz"),
            TestFiles.gzip(Arrays.copyOf(im, im.length - 1)));
    TestFiles.write(tmp.resolve("train-labels-idx1-ubyte"), TestFiles.labels(3, 2));
    String m = refusal(Map.of());
    assertTrue(m.contains(file.toString()) && m.contains("truncated"), m);
    TestFiles.write(file, TestFiles.gzip(Arrays.copyOf(im, im.length + 2)));
    m = refusal(Map.of());
    assertTrue(m.contains("trailing bytes"), m);
    TestFiles.write(file, Arrays.copyOf(TestFiles.gzip(im), 20)); // a cut gzip stream
    m = refusal(Map.of());
    assertTrue(m.contains(file.toString()), m);
  }

  @Test
  void countsAndLabelsMustAgree() {
    TestFiles.write(tmp.resolve("train-images-idx3-ubyte"), TestFiles.images(4, 2, 2));
    Path labels = TestFiles.write(tmp.resolve("train-labels-idx1-ubyte"), TestFiles.labels(3, 2));
    String m = refusal(Map.of());
    assertTrue(m.contains("4 images") && m.contains(labels.toString() + " 3 labels"), m);
    TestFiles.write(labels, TestFiles.labels(4, 3));
    m = refusal(Map.of("classes", List.of("a", "b")));
    assertTrue(m.contains("holds label 2") && m.contains("2 class names"), m);
    m = refusal(Map.of("split", "test"));
    assertTrue(m.contains("test-images-idx3-ubyte") && m.contains("does not exist"), m);
  }
}
