package dev.heed.pretrained;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The model directories that {@code src/test/fixtures/make_fixtures.py} wrote with PyTorch. */
final class Fixtures {
  private Fixtures() {}

  /** The directory of fixture {@code name} ({@code gpt2}, {@code llama-bf16} …). */
  static Path dir(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/hf/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PyTorch reference tensors of fixture {@code name}, F64 ones as FLOAT64. */
  static Map<String, Tensor> reference(String name, Backend backend) {
    return Scope.outside(() -> {
      try {
        return SafeTensors.read(dir(name).resolve("reference.safetensors"), backend, DType.FLOAT32);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The largest absolute difference of two tensors of the same shape. */
  static double maxAbsDiff(Tensor expected, Tensor actual) {
    if (!expected.shape().equals(actual.shape())) {
      throw new AssertionError("shape " + actual.shape() + ", expected " + expected.shape());
    }
    double[] a = expected.toDoubleArray();
    double[] b = actual.toDoubleArray();
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
