package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RandomTest {
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  private double[] draw(
      DType dtype, Distribution d, double a, double b, long seed, long offset, int n) {
    Buffer out = cpu.allocate(dtype, n);
    cpu.random(d, a, b, seed, offset, out, n);
    return Host.read(cpu, out);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void isTheReferenceStreamConvertedToTheBufferType(DType dtype) {
    for (Distribution d : Distribution.values()) {
      double[] got = draw(dtype, d, 0.25, 2, 42, 3, 10);
      for (int i = 0; i < 10; i++) {
        double expected = d.sample(42, 3 + i, 0.25, 2);
        assertEquals(
            dtype == DType.FLOAT32 ? (float) expected : expected, got[i], 0.0, d + " " + i);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void sameSeedSameNumbersAndOffsetsSplitTheStream(DType dtype) {
    for (Distribution d : Distribution.values()) {
      double[] all = draw(dtype, d, 0.5, 1.5, 1234, 0, 10);
      assertArrayEquals(all, draw(dtype, d, 0.5, 1.5, 1234, 0, 10), d.toString());
      double[] head = draw(dtype, d, 0.5, 1.5, 1234, 0, 4);
      double[] tail = draw(dtype, d, 0.5, 1.5, 1234, 4, 6);
      assertArrayEquals(Arrays.copyOfRange(all, 0, 4), head, d.toString());
      assertArrayEquals(Arrays.copyOfRange(all, 4, 10), tail, d.toString());
    }
    assertFalse(
        Arrays.equals(
            draw(dtype, Distribution.UNIFORM, 0, 1, 1, 0, 10),
            draw(dtype, Distribution.UNIFORM, 0, 1, 2, 0, 10)));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void respectsTheParameters(DType dtype) {
    for (double u : draw(dtype, Distribution.UNIFORM, -2, 3, 9, 0, 1000)) {
      assertTrue(u >= -2 && u <= 3, "uniform " + u);
    }
    double[] bits = draw(dtype, Distribution.BERNOULLI, 0.3, 0, 9, 0, 1000);
    int ones = 0;
    for (double v : bits) {
      assertTrue(v == 0 || v == 1);
      ones += (int) v;
    }
    assertTrue(ones > 220 && ones < 380, "ones " + ones);
    double mean =
        Arrays.stream(draw(dtype, Distribution.NORMAL, 5, 0.1, 9, 0, 1000)).average().orElseThrow();
    assertEquals(5, mean, 0.02);
  }

  @Test
  void fillsIndicesByTruncation() {
    Buffer out = cpu.allocate(DType.INT32, 8);
    cpu.random(Distribution.BERNOULLI, 0.5, 0, 3, 0, out, 8);
    for (int i = 0; i < 8; i++) {
      assertEquals((int) Distribution.BERNOULLI.sample(3, i, 0.5, 0), Host.readInts(cpu, out)[i]);
    }
  }
}
