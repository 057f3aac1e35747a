package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The arrays of released buffers are reused zeroed, once each, within the pool's limits. */
class ArrayPoolTest {

  @Test
  void aReleasedArrayComesBackZeroed() {
    try (SimdBackend b = new SimdBackend(1)) {
      int n = ArrayPool.MIN_LENGTH + 3;
      SimdBuffer first = (SimdBuffer) b.allocate(DType.FLOAT32, n);
      float[] array = first.floats();
      b.fill(first, 0, n, 3.5);
      first.close();
      SimdBuffer second = (SimdBuffer) b.allocate(DType.FLOAT32, n);
      assertTrue(array == second.floats(), "the released array is reused");
      float[] zeros = new float[n];
      assertEquals(0, Arrays.compare(zeros, second.floats()), "and handed out zeroed");
    }
  }

  @Test
  void anOutputToOverwriteGetsTheArrayAsItWasLeft() {
    try (SimdBackend b = new SimdBackend(1)) {
      int n = ArrayPool.MIN_LENGTH;
      SimdBuffer first = (SimdBuffer) b.allocate(DType.FLOAT32, n);
      float[] array = first.floats();
      b.fill(first, 0, n, 2.5);
      first.close();
      SimdBuffer second = (SimdBuffer) b.allocateForOverwrite(DType.FLOAT32, n);
      assertTrue(array == second.floats(), "the released array is reused");
      assertEquals(2.5f, second.floats()[n - 1], "and not cleared");
    }
  }

  @Test
  void closingTwiceGivesTheArrayBackOnce() {
    try (SimdBackend b = new SimdBackend(1)) {
      int n = ArrayPool.MIN_LENGTH;
      Buffer first = b.allocate(DType.FLOAT32, n);
      first.close();
      first.close();
      SimdBuffer x = (SimdBuffer) b.allocate(DType.FLOAT32, n);
      SimdBuffer y = (SimdBuffer) b.allocate(DType.FLOAT32, n);
      assertTrue(x.floats() != y.floats(), "two live buffers never share an array");
    }
  }

  @Test
  void onlyArraysWithinTheLimitsAreKept() {
    ArrayPool pool = new ArrayPool();
    float[] tiny = new float[ArrayPool.MIN_LENGTH - 1];
    float[] huge = new float[ArrayPool.MAX_LENGTH + 1];
    pool.give(tiny);
    pool.give(huge);
    assertTrue(tiny != pool.take(tiny.length, true), "below the minimum length: not kept");
    assertTrue(huge != pool.take(huge.length, true), "above the maximum length: not kept");
    // up to the capacity, then no more
    int length = ArrayPool.MAX_LENGTH;
    int fit = (int) (ArrayPool.CAPACITY_FLOATS / length);
    float[][] given = new float[fit + 1][];
    for (int i = 0; i <= fit; i++) {
      given[i] = new float[length];
      pool.give(given[i]);
    }
    for (int i = fit - 1; i >= 0; i--) {
      assertTrue(given[i] == pool.take(length, true), "newest first");
    }
    assertTrue(given[fit] != pool.take(length, true), "the array beyond the capacity was dropped");
  }

  @Test
  void otherTypesAreNotPooled() {
    try (SimdBackend b = new SimdBackend(1)) {
      SimdBuffer d = (SimdBuffer) b.allocate(DType.FLOAT64, 100);
      double[] array = d.doubles();
      d.close();
      assertTrue(array != ((SimdBuffer) b.allocate(DType.FLOAT64, 100)).doubles());
    }
  }
}
