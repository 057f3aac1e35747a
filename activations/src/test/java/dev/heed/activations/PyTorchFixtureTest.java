package dev.heed.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Values and input gradients of every activation match PyTorch's, in float64, from the fixture
 * written by {@code src/test/resources/fixtures/make_fixtures.py}. The inputs include each
 * activation's kinks (0, its thresholds and bounds), so the gradient there pins down the one-sided
 * derivative PyTorch's autograd takes, and large inputs (±300, ±1e4), so the stable forms are
 * checked for value, not only for the absence of NaN.
 */
@SuppressWarnings("try") // the scope frees each case's tensors
class PyTorchFixtureTest {
  private static final String FIXTURE = "/fixtures/activations.txt";
  private static final double RTOL = 1e-6;
  private static final double ATOL = 1e-12;

  /** One case of the fixture. */
  record Case(
      String name,
      Map<String, String> options,
      int[] shape,
      Map<String, double[]> arrays,
      int line) {

    String label() {
      return name + options + " (fixture line " + line + ")";
    }
  }

  static List<Case> load() {
    List<Case> cases = new ArrayList<>();
    try (InputStream in = PyTorchFixtureTest.class.getResourceAsStream(FIXTURE)) {
      assertNotNull(in, "missing test resource " + FIXTURE + "; run make_fixtures.py");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String name = null;
      Map<String, String> options = null;
      int[] shape = null;
      Map<String, double[]> arrays = null;
      int start = 0;
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split(" ");
        switch (f[0]) {
          case "case" -> {
            name = f[1];
            options = new LinkedHashMap<>();
            for (int i = 2; i < f.length; i++) {
              String[] kv = f[i].split("=", 2);
              options.put(kv[0], kv[1]);
            }
            arrays = new HashMap<>();
            shape = null;
            start = lineNo;
          }
          case "shape" ->
              shape = Arrays.stream(f, 1, f.length).mapToInt(Integer::parseInt).toArray();
          case "end" -> cases.add(new Case(name, options, shape, arrays, start));
          default ->
              arrays.put(
                  f[0], Arrays.stream(f, 1, f.length).mapToDouble(Double::parseDouble).toArray());
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read " + FIXTURE, e);
    }
    return cases;
  }

  @TestFactory
  Stream<DynamicTest> valuesAndGradientsMatchPyTorch() {
    return load().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> check(c)));
  }

  private static void check(Case c) {
    Backend ref = TestBackends.reference();
    ActivationProvider p = Plugins.shared().activations().get(c.name());
    try (Scope scope = Scope.open()) {
      Options options = p.options().resolve("activation '" + p.name() + "'", c.options());
      Activation act = p.create(options, BuildContext.of(ref, DType.FLOAT64, 1));
      Tensor x = Tensors.of(ref, DType.FLOAT64, c.arrays().get("x"), c.shape()).requiresGrad(true);
      Tensor y = act.forward(x, ForwardContext.inference());
      assertClose(
          c.label() + " output", c.arrays().get("x"), y.toDoubleArray(), c.arrays().get("y"));
      double[] r = c.arrays().get("r");
      y.backward(Tensors.of(ref, DType.FLOAT64, r, y.shape().dims()));
      assertClose(
          c.label() + " input gradient",
          c.arrays().get("x"),
          x.grad().toDoubleArray(),
          c.arrays().get("gx"));
      double[] gw = c.arrays().get("gweight");
      if (gw != null) {
        Parameter w = act.namedParameters().get("weight");
        assertNotNull(w, c.label() + ": PyTorch's module has a 'weight'");
        assertClose(c.label() + " weight gradient", null, w.grad().toDoubleArray(), gw);
        w.zeroGrad();
      }
    }
  }

  private static void assertClose(String what, double[] x, double[] actual, double[] expected) {
    assertEquals(expected.length, actual.length, what + ": length");
    StringBuilder bad = new StringBuilder();
    int count = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (!(Math.abs(a - e) <= ATOL + RTOL * Math.abs(e)) && !(a == e)) {
        if (count++ < 8) {
          bad.append(
              String.format(
                  "%n  [%d]%s heed %.17g, torch %.17g",
                  i, x == null || x.length != expected.length ? "" : " x=" + x[i], a, e));
        }
      }
    }
    if (count > 0) {
      fail(what + ": " + count + " of " + expected.length + " elements differ" + bad);
    }
  }

  /** The fixture covers the whole catalogue (identity aside, every provider of this module). */
  @Test
  void fixtureCoversEveryActivation() {
    Set<String> covered = new TreeSet<>();
    for (Case c : load()) {
      covered.add(c.name());
    }
    Set<String> missing = new TreeSet<>(ActivationCatalogueTest.CATALOGUE);
    missing.removeAll(covered);
    assertFalse(covered.isEmpty(), "the fixture is empty");
    assertEquals(Set.of(), missing, "activations without PyTorch fixtures");
  }
}
