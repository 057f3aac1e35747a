package dev.heed.testkit;

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
 * One PyTorch fixture: a safetensors file a module's generator script wrote with {@code input.*}
 * tensors, {@code param.*} weights (PyTorch's state_dict names), expected outputs and gradients
 * ({@code grad.*}) and metadata, its floating tensors converted to {@code dtype} on {@code
 * backend}, and helpers that compare Heed's results with them. A module's tests read the resource
 * themselves (its resources are its own under JPMS) and hand the stream to {@link #TorchFixture}.
 */
public class TorchFixture {
  /** The fixture's name (its file without {@code .safetensors}). */
  public final String name;

  /** Every tensor by name, floating ones in {@link #dtype}. */
  public final Map<String, Tensor> tensors;

  /** The file's metadata. */
  public final Map<String, String> metadata;

  /** The type the floating tensors were converted to. */
  public final DType dtype;

  /**
   * Reads the fixture from {@code in} (null when the resource is missing: an assertion names {@code
   * generator}), copying it to {@code tmp} first.
   */
  protected TorchFixture(
      String name, InputStream in, String generator, Backend backend, DType dtype, Path tmp) {
    this.name = name;
    this.dtype = dtype;
    Path file = tmp.resolve(name + ".safetensors");
    try (InputStream source = in) {
      assertNotNull(source, "fixture " + name + ".safetensors is missing; run " + generator);
      Files.copy(source, file, StandardCopyOption.REPLACE_EXISTING);
      Map<String, Tensor> converted = new LinkedHashMap<>();
      SafeTensors.read(file, backend)
          .forEach((k, t) ->
              converted.put(k, t.dtype() == DType.INT32 || t.dtype() == dtype ? t : t.to(dtype)));
      this.tensors = converted;
      this.metadata = SafeTensors.metadata(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tensor {@code key}; fails the test when the fixture has none. */
  public Tensor get(String key) {
    Tensor t = tensors.get(key);
    assertNotNull(t, name + ": no tensor '" + key + "' in the fixture");
    return t;
  }

  /** A leaf input {@code input.<key>} that requires a gradient. */
  public Tensor input(String key) {
    return get("input." + key).requiresGrad(true);
  }

  /** Loads the {@code param.*} tensors into {@code module} by name (strict). */
  public void loadInto(Module module) {
    Map<String, Tensor> state = new LinkedHashMap<>();
    tensors.forEach((k, t) -> {
      if (k.startsWith("param.")) {
        state.put(k.substring("param.".length()), t);
      }
    });
    StateDicts.load(module, state);
  }

  /** The loss PyTorch differentiated: {@code Σ output·R}. */
  public Tensor loss(Tensor output) {
    return output.mul(get("input.R")).sum();
  }

  /** Asserts {@code |actual - expected| <= tol·max(1, |expected|)} element-wise. */
  public void assertClose(String what, Tensor actual, String expectedKey, double tol) {
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
  public void assertParameterGradients(Module module, double tol) {
    for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
      assertClose(
          "gradient of " + e.getKey(), e.getValue().grad(), "grad.param." + e.getKey(), tol);
    }
  }
}
