package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;

/** {@link StrictBackend} refuses what core would never issue, so the contracts run on it prove. */
class StrictBackendTest {
  private final StrictBackend strict = new StrictBackend();

  @Test
  void refusesAnEmptyOutput() {
    try (Buffer x = strict.allocate(DType.FLOAT32, 4);
        Buffer y = strict.allocate(DType.FLOAT32, 4)) {
      Layout empty = Layout.contiguous(0, 4);
      AssertionError e =
          assertThrows(
              AssertionError.class, () -> strict.unary(UnaryOp.EXP, 0, 0, x, empty, y, empty));
      assertTrue(e.getMessage().contains("empty output"), e.getMessage());
      assertThrows(
          AssertionError.class,
          () -> strict.matmul(MatmulSpec.of(1, 0, 3, 2, false, false), x, x, y));
      strict.matmul(MatmulSpec.of(1, 1, 2, 0, false, false), x, x, y); // k = 0 is legal
    }
  }

  @Test
  void checksArgumentsAsCoreDoes() {
    try (Buffer x = strict.allocate(DType.FLOAT32, 4);
        Buffer y = strict.allocate(DType.FLOAT32, 4)) {
      Layout beyond = Layout.contiguous(new int[] {4}, 1);
      assertThrows(
          IllegalArgumentException.class,
          () -> strict.unary(UnaryOp.EXP, 0, 0, x, beyond, y, Layout.contiguous(4)));
      Layout overlapping = new Layout(new int[] {4}, new long[] {0}, 0);
      assertThrows(
          IllegalArgumentException.class,
          () -> strict.unary(UnaryOp.EXP, 0, 0, x, Layout.contiguous(4), y, overlapping));
    }
  }
}
