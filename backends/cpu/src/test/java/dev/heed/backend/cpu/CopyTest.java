package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CopyTest {
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  private static Layout view(int[] shape, long[] strides, long offset) {
    return new Layout(shape, strides, offset);
  }

  private double[] copied(Buffer src, Layout sl, DType dtype, int... shape) {
    Layout dl = Layout.contiguous(shape);
    Buffer dst = cpu.allocate(dtype, dl.elementCount());
    cpu.copy(src, sl, dst, dl);
    return Host.read(cpu, dst);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void transposes(DType dtype) {
    Buffer src = Host.iota(cpu, dtype, 6); // [[0 1 2] [3 4 5]]
    double[] t = copied(src, view(new int[] {3, 2}, new long[] {1, 3}, 0), dtype, 3, 2);
    assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void permutesThreeAxes(DType dtype) {
    Buffer src = Host.iota(cpu, dtype, 8); // x[j, k, i] = 4j + 2k + i
    // out[i, j, k] = x[j, k, i]
    double[] p = copied(src, view(new int[] {2, 2, 2}, new long[] {1, 4, 2}, 0), dtype, 2, 2, 2);
    assertArrayEquals(new double[] {0, 2, 4, 6, 1, 3, 5, 7}, p);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void broadcastsWithStrideZero(DType dtype) {
    Buffer row = Host.of(cpu, dtype, 1, 2, 3);
    assertArrayEquals(
        new double[] {1, 2, 3, 1, 2, 3},
        copied(row, view(new int[] {2, 3}, new long[] {0, 1}, 0), dtype, 2, 3));
    Buffer col = Host.of(cpu, dtype, 5, 6);
    assertArrayEquals(
        new double[] {5, 5, 5, 6, 6, 6},
        copied(col, view(new int[] {2, 3}, new long[] {1, 0}, 0), dtype, 2, 3));
    Buffer scalar = Host.of(cpu, dtype, 7);
    assertArrayEquals(
        new double[] {7, 7, 7, 7},
        copied(scalar, view(new int[] {2, 2}, new long[] {0, 0}, 0), dtype, 2, 2));
    // a middle broadcast dimension: [2, 1, 2] seen as [2, 3, 2]
    Buffer mid = Host.of(cpu, dtype, 1, 2, 3, 4);
    assertArrayEquals(
        new double[] {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4},
        copied(mid, view(new int[] {2, 3, 2}, new long[] {2, 0, 1}, 0), dtype, 2, 3, 2));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void writesIntoAStridedSliceAndReadsFromAnOffset(DType dtype) {
    Buffer src = Host.of(cpu, dtype, 9, 1, 2, 3);
    Buffer dst = cpu.allocate(dtype, 6);
    cpu.copy(src, Layout.contiguous(new int[] {3}, 1), dst, view(new int[] {3}, new long[] {2}, 1));
    assertArrayEquals(new double[] {0, 1, 0, 2, 0, 3}, Host.read(cpu, dst));
    // a reversed view (negative stride)
    assertArrayEquals(
        new double[] {3, 2, 1, 9}, copied(src, view(new int[] {4}, new long[] {-1}, 3), dtype, 4));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void copiesAScalarView(DType dtype) {
    Buffer src = Host.of(cpu, dtype, 4, 5);
    Buffer dst = cpu.allocate(dtype, 3);
    cpu.copy(
        src, new Layout(new int[0], new long[0], 1), dst, new Layout(new int[0], new long[0], 2));
    assertArrayEquals(new double[] {0, 0, 5}, Host.read(cpu, dst));
  }

  @Test
  void convertsBetweenTypes() {
    Layout l = Layout.contiguous(4);
    Buffer d = Host.of(cpu, DType.FLOAT64, 1.7, -1.7, 2.5, 0.1);
    Buffer i = cpu.allocate(DType.INT32, 4);
    cpu.copy(d, l, i, l);
    assertArrayEquals(new int[] {1, -1, 2, 0}, Host.readInts(cpu, i));
    Buffer f = cpu.allocate(DType.FLOAT32, 4);
    cpu.copy(d, l, f, l);
    assertArrayEquals(new double[] {1.7f, -1.7f, 2.5f, 0.1f}, Host.read(cpu, f));
    Buffer f2i = cpu.allocate(DType.INT32, 4);
    cpu.copy(f, l, f2i, l);
    assertArrayEquals(new int[] {1, -1, 2, 0}, Host.readInts(cpu, f2i));
    Buffer back = cpu.allocate(DType.FLOAT64, 4);
    cpu.copy(f, l, back, l);
    assertArrayEquals(new double[] {1.7f, -1.7f, 2.5f, 0.1f}, Host.read(cpu, back));
    Buffer i2d = cpu.allocate(DType.FLOAT64, 4);
    cpu.copy(i, l, i2d, l);
    assertArrayEquals(new double[] {1, -1, 2, 0}, Host.read(cpu, i2d));
    Buffer i2f = cpu.allocate(DType.FLOAT32, 4);
    cpu.copy(i, l, i2f, l);
    assertArrayEquals(new double[] {1, -1, 2, 0}, Host.read(cpu, i2f));
  }

  @Test
  void convertsWhileTransposing() {
    Buffer i = Host.ints(cpu, 0, 1, 2, 3, 4, 5);
    assertArrayEquals(
        new double[] {0, 3, 1, 4, 2, 5},
        copied(i, view(new int[] {3, 2}, new long[] {1, 3}, 0), DType.FLOAT64, 3, 2));
  }

  @Test
  void overlappingSourceAndDestinationBehaveLikeMemmove() {
    Buffer b = Host.iota(cpu, DType.FLOAT32, 5);
    cpu.copy(b, Layout.contiguous(new int[] {4}, 0), b, Layout.contiguous(new int[] {4}, 1));
    assertArrayEquals(new double[] {0, 0, 1, 2, 3}, Host.read(cpu, b));
  }

  @Test
  void rejectsBadViews() {
    Buffer src = Host.iota(cpu, DType.FLOAT32, 6);
    Buffer dst = cpu.allocate(DType.FLOAT32, 6);
    var shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.copy(src, Layout.contiguous(2, 3), dst, Layout.contiguous(3, 2)));
    assertTrue(shape.getMessage().contains("copy") && shape.getMessage().contains("[2, 3]"));
    var outside =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.copy(
                    src,
                    Layout.contiguous(new int[] {4}, 3),
                    dst,
                    Layout.contiguous(new int[] {4})));
    assertTrue(outside.getMessage().contains("6 elements"), outside.getMessage());
    var overlap =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.copy(
                    src,
                    Layout.contiguous(new int[] {2}),
                    dst,
                    view(new int[] {2}, new long[] {0}, 0)));
    assertTrue(overlap.getMessage().contains("stride 0"), overlap.getMessage());
  }
}
