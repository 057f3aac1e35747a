package dev.heed.core.backend.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A heap buffer over a given array, and its release hook. */
class HeapBufferTest {

  /** A heap backend for the buffers. */
  static final class KernelChecksTestBackend extends HeapBackend {
    @Override
    public String name() {
      return "test";
    }

    @Override
    public String deviceDescription() {
      return "test";
    }
  }

  /** Records the arrays handed back by {@link #released}. */
  static final class Recording extends HeapBuffer {
    final List<Object> released = new ArrayList<>();

    Recording(DType dtype, int size, Object data) {
      super(new KernelChecksTestBackend(), dtype, size, data);
    }

    @Override
    protected synchronized void released(Object data) {
      released.add(data);
    }
  }

  @Test
  void aGivenArrayIsHeldAndHandedBackOnce() throws InterruptedException {
    float[] array = new float[8];
    Recording b = new Recording(DType.FLOAT32, 8, array);
    assertSame(array, b.floats());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t =
          new Thread(() -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            b.close();
          });
      t.start();
      threads.add(t);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(b.isReleased());
    assertNull(b.data());
    assertEquals(List.of(array), b.released, "released once, with the array it held");
  }

  @Test
  void anArrayOfTheWrongTypeOrLengthIsRejected() {
    var wrongType =
        assertThrows(
            IllegalArgumentException.class, () -> new Recording(DType.FLOAT32, 4, new double[4]));
    assertEquals("test buffer: the given array is not FLOAT32[4]", wrongType.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Recording(DType.INT32, 4, new int[5]));
    assertThrows(IllegalArgumentException.class, () -> new Recording(DType.FLOAT64, 2, null));
  }
}
