package dev.heed.recurrent;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.testkit.TorchFixture;
import java.nio.file.Path;

/**
 * One PyTorch fixture written by {@code src/test/resources/fixtures/make_recurrent_fixtures.py}
 * (read as this module's resource), with the testkit's comparisons and the lengths and causality of
 * its inputs.
 */
final class Fixture extends TorchFixture {
  private Fixture(String name, Backend backend, DType dtype, Path tmp) {
    super(
        name,
        Fixture.class.getResourceAsStream("/fixtures/" + name + ".safetensors"),
        "make_recurrent_fixtures.py",
        backend,
        dtype,
        tmp);
  }

  /** Reads {@code /fixtures/<name>.safetensors} from the test resources. */
  static Fixture load(String name, Backend backend, DType dtype, Path tmp) {
    return new Fixture(name, backend, dtype, tmp);
  }

  int[] lengths() {
    return get("input.lengths").toIntArray();
  }

  boolean causal() {
    return "true".equals(metadata.get("causal"));
  }
}
