package dev.heed.vision;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.testkit.TorchFixture;
import java.nio.file.Path;

/**
 * One PyTorch fixture written by {@code src/test/resources/fixtures/make_fixtures.py} (read as this
 * module's resource), with the testkit's comparisons and the layer settings in its metadata.
 */
final class Fixture extends TorchFixture {
  private Fixture(String name, Backend backend, DType dtype, Path tmp) {
    super(
        name,
        Fixture.class.getResourceAsStream("/fixtures/" + name + ".safetensors"),
        "make_fixtures.py",
        backend,
        dtype,
        tmp);
  }

  /** Reads {@code /fixtures/<name>.safetensors} from the test resources. */
  static Fixture load(String name, Backend backend, DType dtype, Path tmp) {
    return new Fixture(name, backend, dtype, tmp);
  }

  /** Metadata {@code key} as integers ({@code "3,2"} gives {@code {3, 2}}). */
  int[] ints(String key) {
    String v = metadata.get(key);
    assertNotNull(v, name + ": no metadata '" + key + "'");
    String[] parts = v.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
    }
    return out;
  }

  int intValue(String key) {
    return ints(key)[0];
  }
}
