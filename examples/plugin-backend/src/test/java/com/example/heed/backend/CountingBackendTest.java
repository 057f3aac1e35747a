package com.example.heed.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.DelegatingBackend.Kernel;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the counting backend adds: the counts, their summary and the {@code wraps} option. */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees the test's tensors
class CountingBackendTest {

  @Test
  void countsEachKernelCallAndSummarisesThem() {
    try (CountingBackend b = CountingBackends.create("cpu")) {
      try (Scope scope = Scope.open()) {
        Tensor x = Tensors.of(b, DType.FLOAT32, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor w = Tensors.of(b, DType.FLOAT32, new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor y = x.matmul(w).relu();
        assertEquals(
            java.util.List.of(4.0, 5.0, 10.0, 11.0),
            java.util.Arrays.stream(y.toDoubleArray()).boxed().toList());
      }
      Map<Kernel, Long> counts = b.counts();
      assertEquals(2, counts.get(Kernel.UPLOAD));
      assertEquals(1, counts.get(Kernel.MATMUL));
      assertEquals(1, counts.get(Kernel.UNARY));
      assertEquals(1, counts.get(Kernel.DOWNLOAD));
      String summary = b.summary();
      assertTrue(
          summary.startsWith("counting backend over cpu: 5 kernel calls: UPLOAD 2, "), summary);
      assertTrue(summary.contains("MATMUL 1") && summary.contains("UNARY 1"), summary);
      assertTrue(!summary.contains("GATHER"), "kernels that never ran are left out: " + summary);
    }
  }

  @Test
  void namesItselfAndTheBackendItWraps() {
    CountingBackend b = CountingBackends.create("cpu");
    assertEquals("counting", b.name());
    assertEquals("cpu", b.delegate().name());
    assertTrue(b.deviceDescription().startsWith("counting the kernel calls of cpu: "));
    b.close();
  }

  @Test
  void refusesToWrapItself() {
    OptionsException e =
        assertThrows(OptionsException.class, () -> CountingBackends.create("counting"));
    assertEquals(
        "backend 'counting' option 'wraps': found 'counting'; expected another backend, such as"
            + " cpu or simd",
        e.getMessage());
  }

  @Test
  void namesAnUnknownBackendInItsOption() {
    OptionsException e =
        assertThrows(OptionsException.class, () -> CountingBackends.create("cpuu"));
    assertTrue(e.getMessage().startsWith("backend 'counting' option 'wraps': "), e.getMessage());
    assertTrue(e.getMessage().contains("cpuu"), e.getMessage());
  }
}
