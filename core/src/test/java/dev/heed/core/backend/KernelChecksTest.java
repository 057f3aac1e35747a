package dev.heed.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.backend.support.HeapBuffer;
import org.junit.jupiter.api.Test;

class KernelChecksTest {

  /** A heap backend named {@code name}. */
  static final class Named extends HeapBackend {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String deviceDescription() {
      return "test";
    }
  }

  /** A buffer of another kind than heap buffers. */
  static final class OtherBuffer extends HeapBuffer {
    OtherBuffer(Backend owner, DType dtype, int size) {
      super(owner, dtype, size);
    }
  }

  private final Backend backend = new Named("test");

  private static final class TestBuffer extends HeapBuffer {
    TestBuffer(Backend owner, DType dtype, int size) {
      super(owner, dtype, size);
    }
  }

  private Buffer own(Buffer b) {
    KernelChecks.buffer(backend, "k", "x", b);
    return b;
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void acceptsALiveBufferOfTheCallingInstance() {
    TestBuffer b = new TestBuffer(backend, DType.FLOAT32, 3);
    assertSame(b, own(b));
  }

  @Test
  void namesTheBackendWhenABufferIsNotItsOwn() {
    assertEquals("k: buffer x is null", message(() -> own(null)));
    assertEquals(
        "k: buffer x ("
            + OtherBuffer.class.getName()
            + ") was not allocated by the test backend; pass buffers of the backend that runs the"
            + " kernel",
        message(() -> own(new OtherBuffer(new Named("other"), DType.FLOAT32, 1))));
    assertEquals(
        "k: buffer x was allocated by another test backend instance; pass buffers of the backend"
            + " that runs the kernel",
        message(() -> own(new TestBuffer(new Named("test"), DType.FLOAT32, 1))));
    TestBuffer released = new TestBuffer(backend, DType.INT32, 2);
    released.close();
    assertEquals(
        "k: buffer x (test INT32[2] (released)) was released; it cannot be used any more",
        message(() -> own(released)));
  }

  @Test
  void binaryArgsRejectsMismatchesAndReportsEmptyOutputs() {
    TestBuffer a = new TestBuffer(backend, DType.FLOAT32, 6);
    TestBuffer i = new TestBuffer(backend, DType.INT32, 6);
    Layout l = Layout.contiguous(2, 3);
    assertTrue(KernelChecks.binaryArgs("binary ADD", a, l, a, l, a, l)); // in place is fine
    assertFalse(
        KernelChecks.binaryArgs(
            "binary ADD",
            a,
            Layout.contiguous(0, 3),
            a,
            Layout.contiguous(0, 3),
            new TestBuffer(backend, DType.FLOAT32, 0),
            Layout.contiguous(0, 3)));
    assertEquals(
        "binary ADD: buffer b has dtype INT32 but a has FLOAT32; the operands of one call must"
            + " share one dtype",
        message(() -> KernelChecks.binaryArgs("binary ADD", a, l, i, l, a, l)));
    assertTrue(
        message(() -> KernelChecks.binaryArgs("binary ADD", a, l, a, Layout.contiguous(3, 2), a, l))
            .contains("expected the same shape"));
    // the output overlaps input a in another view
    Layout shifted = new Layout(new int[] {3}, new long[] {1}, 1);
    Layout first = Layout.contiguous(3);
    assertTrue(
        message(() -> KernelChecks.binaryArgs("binary ADD", a, first, a, first, a, shifted))
            .contains("only when the two views are identical"));
  }

  @Test
  void copyArgsChoosesThePath() {
    TestBuffer a = new TestBuffer(backend, DType.FLOAT64, 6);
    TestBuffer b = new TestBuffer(backend, DType.FLOAT64, 6);
    Layout l = Layout.contiguous(3);
    Layout shifted = new Layout(new int[] {3}, new long[] {1}, 1);
    assertEquals(KernelChecks.CopyPath.DIRECT, KernelChecks.copyArgs(a, l, b, l));
    assertEquals(KernelChecks.CopyPath.DIRECT, KernelChecks.copyArgs(a, l, a, l));
    assertEquals(KernelChecks.CopyPath.STAGED, KernelChecks.copyArgs(a, l, a, shifted));
    assertEquals(
        KernelChecks.CopyPath.EMPTY,
        KernelChecks.copyArgs(a, Layout.contiguous(0), b, Layout.contiguous(0)));
    Layout broadcast = new Layout(new int[] {3}, new long[] {0}, 0);
    assertTrue(
        message(() -> KernelChecks.copyArgs(a, l, b, broadcast))
            .contains("a destination must not overlap itself"));
  }

  @Test
  void indicesNameTheFirstBadPosition() {
    KernelChecks.indices("gather", new int[] {0, 2, 9}, 2, 3); // only the first two count
    assertEquals(
        "gather: index 3 at position 1 of the indices is outside the valid range [0, 3)",
        message(() -> KernelChecks.indices("gather", new int[] {0, 3, -1}, 3, 3)));
  }
}
