package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool's bookkeeping, with made-up handles (no OpenCL needed). */
class ClPoolTest {
  private static ClMem handle(long address) {
    return new ClMem(MemorySegment.ofAddress(address), address);
  }

  @Test
  void handsBackBuffersOfExactlyTheSizeAsked() {
    ClPool pool = new ClPool(1000);
    ClMem a = handle(16);
    ClMem b = handle(32);
    assertTrue(pool.give(a, 100));
    assertTrue(pool.give(b, 200));
    assertEquals(300, pool.bytes());
    assertNull(pool.take(150), "no buffer of 150 bytes");
    assertSame(b, pool.take(200));
    assertNull(pool.take(200), "each buffer is handed out once");
    assertSame(a, pool.take(100));
    assertEquals(0, pool.bytes());
  }

  @Test
  void refusesBeyondItsLimitAndAfterClose() {
    ClPool pool = new ClPool(250);
    assertTrue(pool.give(handle(16), 200));
    assertFalse(pool.give(handle(32), 100), "over the limit: the caller releases it");
    assertFalse(pool.give(handle(48), 0), "empty buffers are not pooled");
    List<ClMem> held = pool.close();
    assertEquals(List.of(handle(16)), held);
    assertEquals(0, pool.bytes());
    assertFalse(pool.give(handle(64), 10), "closed");
  }
}
