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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image-folder data set: PNG and JPEG decoding, the testkit contract, and bad input (a damaged
 * or truncated image, grey where colour is configured, an empty class folder, another size) refused
 * with a message naming the file, when the data set is made or on the counting pass that precedes
 * training.
 */
class ImageFolderDatasetTest extends DatasetContract {
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("heed-images");
      DIR.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestFiles.folder(DIR, true);
  }

  @TempDir Path tmp;

  @Override
  protected DatasetProvider provider() {
    return new ImageFolderDatasetProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("path", DIR.toString());
  }

  private Dataset make(Path dir, Map<String, Object> more) throws IOException {
    Map<String, Object> o = new HashMap<>(more);
    o.put("path", dir.toString());
    ImageFolderDatasetProvider p = new ImageFolderDatasetProvider();
    return p.create(
        p.options().resolve("image-folder", o, Plugins.shared()), new DataContext(dir, 1, false));
  }

  /** Reads every row, as the trainer's counting pass does. */
  private static int pass(Dataset d) throws IOException {
    int n = 0;
    try (Dataset.RowReader r = d.open()) {
      float[] row = new float[d.inputs() + d.outputs()];
      while (r.next(row)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void pngAndJpegRowsArePixelsChannelMajor() throws IOException {
    TestFiles.folder(tmp, false);
    TestFiles.writeImage(tmp.resolve("dog/extra.jpg"), TestFiles.image(9, 5, 4, false), "jpg");
    Dataset d = make(tmp, Map.of("channels", "1"));
    assertEquals(java.util.List.of("cat", "dog", "emu"), d.outputNames());
    assertEquals(20, d.inputs());
    assertEquals(7, pass(d));
    // a lossless PNG gives the pixels back exactly
    Dataset one = make(tmp, Map.of("channels", "1", "classes", java.util.List.of("cat", "emu")));
    try (Dataset.RowReader r = one.open()) {
      float[] row = new float[22];
      boolean found = false;
      while (r.next(row)) {
        if (row[20] == 1 && row[0] == TestFiles.pixel(0, 0, 0) / 255f) {
          found = row[19] == TestFiles.pixel(0, 3, 4) / 255f;
        }
      }
      assertTrue(found, "cat/im0.png read back");
    }
    Dataset colour = make(DIR, Map.of());
    assertEquals(3 * 20, colour.inputs());
    assertEquals("pixel_2_3_4", colour.inputNames().getLast());
  }

  @Test
  void anEmptyClassFolderIsRefused() throws IOException {
    TestFiles.folder(tmp, true);
    Files.createDirectories(tmp.resolve("fox"));
    Exception e = assertThrows(IllegalArgumentException.class, () -> make(tmp, Map.of()));
    assertTrue(e.getMessage().contains(tmp.resolve("fox") + " holds no .png"), e.getMessage());
  }

  @Test
  void aGreyImageWhereColourIsConfiguredIsRefusedNamingIt() throws IOException {
    TestFiles.folder(tmp, true);
    Path grey =
        TestFiles.writeImage(tmp.resolve("dog/grey.png"), TestFiles.image(1, 5, 4, false), "png");
    Dataset d = make(tmp, Map.of());
    Exception e = assertThrows(IllegalArgumentException.class, () -> pass(d));
    assertTrue(
        e.getMessage().startsWith(grey + ": a grey-scale image where colour"), e.getMessage());
  }

  @Test
  void damagedTruncatedAndMisSizedImagesAreRefusedNamingThem() throws IOException {
    TestFiles.folder(tmp, true);
    Path bad = TestFiles.write(tmp.resolve("emu/bad.png"), "not an image".getBytes());
    Exception e = assertThrows(IllegalArgumentException.class, () -> pass(make(tmp, Map.of())));
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    Files.delete(bad);

    Path png = tmp.resolve("cat/im0.png");
    byte[] full = Files.readAllBytes(png);
    TestFiles.write(png, Arrays.copyOf(full, full.length / 2));
    // the first image gives the size, so this one is refused when the data set is made
    e = assertThrows(IllegalArgumentException.class, () -> make(tmp, Map.of()));
    assertTrue(e.getMessage().contains(png + ": damaged or truncated image"), e.getMessage());
    TestFiles.write(png, full);

    Path jpg =
        TestFiles.writeImage(tmp.resolve("dog/photo.jpg"), TestFiles.image(3, 5, 4, true), "jpg");
    byte[] j = Files.readAllBytes(jpg);
    TestFiles.write(jpg, Arrays.copyOf(j, j.length - 40));
    e = assertThrows(IllegalArgumentException.class, () -> pass(make(tmp, Map.of())));
    assertTrue(e.getMessage().startsWith(jpg.toString()), e.getMessage());
    Files.delete(jpg);

    Path big =
        TestFiles.writeImage(tmp.resolve("dog/big.png"), TestFiles.image(3, 6, 4, true), "png");
    e = assertThrows(IllegalArgumentException.class, () -> pass(make(tmp, Map.of())));
    assertTrue(
        e.getMessage().startsWith(big + ": the image is 6×4 pixels, expected 5×4"), e.getMessage());
  }
}
