package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IndexTest {
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT32", "FLOAT64", "INT32"})
  void gathersRowsWithRepeatedIndices(DType dtype) {
    Buffer src = Host.iota(cpu, dtype, 12); // [2, 3, 2]
    Buffer idx = Host.ints(cpu, 2, 0, 2);
    Buffer out = cpu.allocate(dtype, 12);
    cpu.gather(src, 2, 3, 2, idx, 3, out);
    assertArrayEquals(new double[] {4, 5, 0, 1, 4, 5, 10, 11, 6, 7, 10, 11}, Host.read(cpu, out));
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"FLOAT32", "FLOAT64", "INT32"})
  void scatterAddAccumulatesRepeatedIndices(DType dtype) {
    Buffer src = Host.of(cpu, dtype, 1, 2, 3, 4, 5, 6); // [1, 3, 2]
    Buffer idx = Host.ints(cpu, 1, 0, 1);
    Buffer out = Host.of(cpu, dtype, 0, 0, 0, 0, 100, 100); // [1, 3, 2]
    cpu.scatterAdd(src, 1, 3, 2, idx, 3, out);
    assertArrayEquals(new double[] {3, 4, 6, 8, 100, 100}, Host.read(cpu, out));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void scatterAddWithOuterIsTheAdjointOfGather(DType dtype) {
    Buffer g = Host.of(cpu, dtype, 1, 2, 3, 4, 5, 6); // [2, 3, 1]
    Buffer idx = Host.ints(cpu, 0, 0, 1);
    Buffer out = cpu.allocate(dtype, 4); // [2, 2, 1]
    cpu.scatterAdd(g, 2, 3, 1, idx, 2, out);
    assertArrayEquals(new double[] {3, 3, 9, 6}, Host.read(cpu, out));
  }

  @Test
  void rejectsAnIndexOutOfRangeAndWritesNothing() {
    Buffer src = Host.iota(cpu, DType.FLOAT32, 6); // [1, 3, 2]
    Buffer out = Host.of(cpu, DType.FLOAT32, 9, 9, 9, 9);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.gather(src, 1, 3, 2, Host.ints(cpu, 1, 3), 2, out));
    assertEquals(
        "gather: index 3 at position 1 of the indices is outside the valid range [0, 3)",
        e.getMessage());
    assertArrayEquals(new double[] {9, 9, 9, 9}, Host.read(cpu, out));
    var neg =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.scatterAdd(out, 1, 2, 2, Host.ints(cpu, 0, -1), 3, src));
    assertEquals(
        "scatterAdd: index -1 at position 1 of the indices is outside the valid range [0, 3)",
        neg.getMessage());
    assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, Host.read(cpu, src));
  }

  @Test
  void requiresInt32Indices() {
    Buffer src = Host.iota(cpu, DType.FLOAT32, 6);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.gather(
                    src,
                    1,
                    3,
                    2,
                    Host.of(cpu, DType.FLOAT32, 0),
                    1,
                    cpu.allocate(DType.FLOAT32, 2)));
    assertEquals("gather: buffer indices has dtype FLOAT32, expected INT32", e.getMessage());
  }
}
