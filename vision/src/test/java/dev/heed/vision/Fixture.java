package dev.heed.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One PyTorch fixture written by {@code src/test/resources/fixtures/make_fixtures.py}: its tensors
 * converted to {@code dtype} on {@code backend}, and helpers that compare Heed's results with them.
 */
final class Fixture {
  final String name;
  final Map<String, Tensor> tensors;
  final Map<String, String> metadata;
  final DType dtype;

  private Fixture(String name, Map<String, Tensor> tensors, Map<String, String> meta, DType dtype) {
    this.name = name;
    this.tensors = tensors;
    this.metadata = meta;
    this.dtype = dtype;
  }

  /** Reads {@code /fixtures/<name>.safetensors} from the test resources. */
  static Fixture load(String name, Backend backend, DType dtype, Path tmp) {
    Path file = tmp.resolve(name + ".safetensors");
    try (InputStream in = Fixture.class.getResourceAsStream("/fixtures/" + name + ".safetensors")) {
      assertNotNull(in, "fixture " + name + ".safetensors is missing; run make_fixtures.py");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      Map<String, Tensor> raw = SafeTensors.read(file, backend);
      Map<String, Tensor> converted = new LinkedHashMap<>();
      raw.forEach((k, t) ->
          converted.put(k, t.dtype() == DType.INT32 || t.dtype() == dtype ? t : t.to(dtype)));
      return new Fixture(name, converted, SafeTensors.metadata(file), dtype);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Tensor get(String key) {
    Tensor t = tensors.get(key);
    assertNotNull(t, name + ": no tensor '" + key + "' in the fixture");
    return t;
  }

  /** A leaf input that requires a gradient. */
  Tensor input(String key) {
    return get("input." + key).requiresGrad(true);
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

  /** Loads the {@code param.*} tensors into {@code module} by name (strict). */
  void loadInto(Module module) {
    Map<String, Tensor> state = new LinkedHashMap<>();
    tensors.forEach((k, t) -> {
      if (k.startsWith("param.")) {
        state.put(k.substring("param.".length()), t);
      }
    });
    StateDicts.load(module, state);
  }

  /** The loss PyTorch differentiated: {@code Σ output·R}. */
  Tensor loss(Tensor output) {
    return output.mul(get("input.R")).sum();
  }

  /** Asserts {@code |actual - expected| <= tol·max(1, |expected|)} element-wise. */
  void assertClose(String what, Tensor actual, String expectedKey, double tol) {
    Tensor expected = get(expectedKey);
    assertNotNull(actual, name + ": " + what + " is null");
    assertEquals(expected.shape(), actual.shape(), name + ": shape of " + what);
    double[] a = actual.toDoubleArray();
    double[] e = expected.toDoubleArray();
    double worst = 0;
    int at = -1;
    for (int i = 0; i < a.length; i++) {
      double err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
      if (!(err <= worst)) {
        worst = err;
        at = i;
      }
    }
    if (!(worst <= tol)) {
      throw new AssertionError(
          name
              + " ("
              + dtype
              + "): "
              + what
              + " differs from PyTorch at flat index "
              + at
              + ": "
              + a[at]
              + " vs "
              + e[at]
              + " (relative error "
              + worst
              + " > "
              + tol
              + ")");
    }
  }

  /** Compares every parameter gradient with {@code grad.param.<name>}. */
  void assertParameterGradients(Module module, double tol) {
    for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
      assertClose(
          "gradient of " + e.getKey(), e.getValue().grad(), "grad.param." + e.getKey(), tol);
    }
  }
}
