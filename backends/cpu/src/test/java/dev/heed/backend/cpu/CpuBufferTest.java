package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CpuBufferTest {
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  @ParameterizedTest
  @EnumSource(DType.class)
  void allocatesZeros(DType dtype) {
    try (Buffer b = cpu.allocate(dtype, 5)) {
      assertEquals(dtype, b.dtype());
      assertEquals(5, b.size());
      assertFalse(b.isReleased());
      assertArrayEquals(new double[5], Host.read(cpu, b));
    }
    assertEquals(0, cpu.allocate(dtype, 0).size());
  }

  @Test
  void rejectsSizesBeyondOneJavaArray() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.allocate(DType.FLOAT32, Integer.MAX_VALUE + 1L));
    assertTrue(e.getMessage().contains("allocate"), e.getMessage());
    assertTrue(e.getMessage().contains(String.valueOf(Integer.MAX_VALUE)), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> cpu.allocate(DType.FLOAT32, -1));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void uploadsAndDownloadsAtOffsets(DType dtype) {
    Buffer b = cpu.allocate(dtype, 6);
    Buffer src = Host.of(cpu, dtype, 1.5, 2.5, 3.5);
    cpu.copy(
        src,
        dev.heed.core.backend.Layout.contiguous(new int[] {3}, 0),
        b,
        dev.heed.core.backend.Layout.contiguous(new int[] {3}, 2));
    assertArrayEquals(new double[] {0, 0, 1.5, 2.5, 3.5, 0}, Host.read(cpu, b));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment host = arena.allocate((long) dtype.byteSize() * 2);
      cpu.download(b, 3, 2, host);
      double second =
          dtype == DType.FLOAT32
              ? host.getAtIndex(ValueLayout.JAVA_FLOAT, 1)
              : host.getAtIndex(ValueLayout.JAVA_DOUBLE, 1);
      assertEquals(3.5, second);
      cpu.upload(host, b, 0, 2);
      assertArrayEquals(new double[] {2.5, 3.5, 1.5, 2.5, 3.5, 0}, Host.read(cpu, b));
    }
  }

  @Test
  void uploadsFromAnUnalignedByteSegment() {
    Buffer b = cpu.allocate(DType.INT32, 2);
    MemorySegment bytes = MemorySegment.ofArray(new byte[9]).asSlice(1);
    bytes.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 1, 42);
    cpu.upload(bytes, b, 0, 2);
    assertArrayEquals(new int[] {0, 42}, Host.readInts(cpu, b));
  }

  @Test
  void rejectsATooSmallHostSegment() {
    Buffer b = cpu.allocate(DType.FLOAT64, 4);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.upload(MemorySegment.ofArray(new double[2]), b, 0, 3));
    assertTrue(e.getMessage().contains("upload"), e.getMessage());
    assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("24 bytes"), e.getMessage());
    var range =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.download(b, 2, 3, MemorySegment.ofArray(new double[3])));
    assertTrue(range.getMessage().contains("download"), range.getMessage());
    assertTrue(range.getMessage().contains("4 elements"), range.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> cpu.download(b, 0, 1, MemorySegment.ofArray(new double[1]).asReadOnly()));
  }

  @Test
  void fillsARangeConvertingTheValue() {
    Buffer f = cpu.allocate(DType.FLOAT32, 5);
    cpu.fill(f, 1, 3, 0.1);
    assertArrayEquals(new double[] {0, 0.1f, 0.1f, 0.1f, 0}, Host.read(cpu, f));
    Buffer i = cpu.allocate(DType.INT32, 3);
    cpu.fill(i, 0, 3, -2.7);
    assertArrayEquals(new int[] {-2, -2, -2}, Host.readInts(cpu, i));
    assertThrows(IllegalArgumentException.class, () -> cpu.fill(i, 2, 2, 1));
  }

  @Test
  void closeIsIdempotentAndReleasedBuffersAreRejected() throws Exception {
    Buffer b = Host.of(cpu, DType.FLOAT32, 1, 2);
    b.close();
    assertTrue(b.isReleased());
    b.close();
    Thread t = new Thread(b::close);
    t.start();
    t.join();
    assertTrue(b.isReleased());
    Buffer y = cpu.allocate(DType.FLOAT32, 2);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Host.unary(cpu, UnaryOp.NEG, 0, 0, b, y, 2));
    assertTrue(e.getMessage().contains("unary"), e.getMessage());
    assertTrue(e.getMessage().contains("released"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> cpu.download(b, 0, 1, MemorySegment.ofArray(new float[1])));
  }

  @Test
  void rejectsBuffersOfAnotherBackend() {
    Buffer other = new CpuBackend().allocate(DType.FLOAT32, 2);
    Buffer y = cpu.allocate(DType.FLOAT32, 2);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Host.unary(cpu, UnaryOp.NEG, 0, 0, other, y, 2));
    assertTrue(e.getMessage().contains("another cpu backend"), e.getMessage());
    Buffer foreign =
        new Buffer() {
          @Override
          public Backend backend() {
            return null;
          }

          @Override
          public DType dtype() {
            return DType.FLOAT32;
          }

          @Override
          public long size() {
            return 2;
          }

          @Override
          public boolean isReleased() {
            return false;
          }

          @Override
          public void close() {}
        };
    var f =
        assertThrows(
            IllegalArgumentException.class,
            () -> Host.unary(cpu, UnaryOp.NEG, 0, 0, foreign, y, 2));
    assertTrue(f.getMessage().contains("not allocated by the cpu backend"), f.getMessage());
  }

  @Test
  void namesTheDtypesOfAMismatch() {
    Buffer x = cpu.allocate(DType.FLOAT32, 2);
    Buffer y = cpu.allocate(DType.FLOAT64, 2);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Host.unary(cpu, UnaryOp.EXP, 0, 0, x, y, 2));
    String m = e.getMessage();
    assertTrue(m.startsWith("unary EXP"), m);
    assertTrue(m.contains("FLOAT64") && m.contains("FLOAT32"), m);
    var i =
        assertThrows(
            IllegalArgumentException.class,
            () -> Host.unary(cpu, UnaryOp.EXP, 0, 0, cpu.allocate(DType.INT32, 2), y, 2));
    assertTrue(i.getMessage().contains("expected FLOAT32 or FLOAT64"), i.getMessage());
  }
}
