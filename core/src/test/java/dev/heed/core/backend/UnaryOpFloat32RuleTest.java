package dev.heed.core.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.backend.support.ReferenceUnary;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * FLOAT32 compares in float: STEP's threshold and CLAMP's bounds are rounded to float before they
 * meet the element, as PyTorch converts a scalar to the tensor's dtype. 0.1 rounds up to {@code
 * 0.1f}, so {@code 0.1f > 0.1} is false in FLOAT32 (and {@code (double) 0.1f > 0.1} true in
 * FLOAT64).
 */
class UnaryOpFloat32RuleTest {
  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void stepComparesWithTheThresholdRoundedToFloat() {
    assertEquals(0f, UnaryOp.STEP.applyFloat32(0.1f, 0.1, 0));
    assertEquals(1f, UnaryOp.STEP.applyFloat32(Math.nextUp(0.1f), 0.1, 0));
    assertEquals(0f, UnaryOp.STEP.applyFloat32(-0.7f, -0.7, 0));
    assertEquals(0f, UnaryOp.STEP.applyFloat32(Float.NaN, 0.1, 0));
    assertEquals(1.0, UnaryOp.STEP.apply(0.1f, 0.1, 0), "float64 compares the doubles");
    assertEquals(0.0, UnaryOp.STEP.apply(0.1, 0.1, 0));
  }

  @Test
  void clampBoundsAreRoundedToFloat() {
    assertEquals(0.1f, UnaryOp.CLAMP.applyFloat32(0.5f, -1, 0.1));
    assertEquals(0.1f, UnaryOp.CLAMP.applyFloat32(0f, 0.1, 1));
    assertEquals(Float.NaN, UnaryOp.CLAMP.applyFloat32(Float.NaN, 0.1, 1));
  }

  @Test
  void otherOperationsRoundTheFloat64ValueOnce() {
    for (UnaryOp op : UnaryOp.values()) {
      if (op != UnaryOp.STEP && op != UnaryOp.CLAMP) {
        assertEquals((float) op.apply(0.3f, 0.1, 2.5), op.applyFloat32(0.3f, 0.1, 2.5), op.name());
      }
    }
  }

  @Test
  void referenceKernelAnswersTheSameAtEveryPosition() {
    for (int n : new int[] {1, 20, 37}) {
      float[] y = new float[n];
      ReferenceUnary.apply(UnaryOp.STEP, 0.1, 0, filled(n, 0.1f), y, n);
      assertArrayEquals(new float[n], y, "STEP(0.1f > 0.1), " + n + " elements");
      ReferenceUnary.apply(UnaryOp.STEP, 0.1, 0, filled(n, Math.nextUp(0.1f)), y, n);
      assertArrayEquals(filled(n, 1f), y, "STEP just above 0.1f, " + n + " elements");
      double[] yd = new double[n];
      double[] xd = new double[n];
      Arrays.fill(xd, 0.1f);
      ReferenceUnary.apply(UnaryOp.STEP, 0.1, 0, xd, yd, n);
      double[] ones = new double[n];
      Arrays.fill(ones, 1);
      assertArrayEquals(ones, yd, "FLOAT64 compares (double) 0.1f with 0.1");
    }
  }

  @Test
  void programEvaluationFollowsTheElementType() {
    ElementwiseProgram.Builder p = ElementwiseProgram.builder(1);
    int step = p.unary(UnaryOp.STEP, 0.1, 0, 0);
    p.output(step).output(p.unary(UnaryOp.CLAMP, -1, 0.1, 0));
    ElementwiseProgram program = p.build();
    assertArrayEquals(new double[] {0, 0.1f}, program.evaluate(new double[] {0.1f}, true));
    assertArrayEquals(new double[] {1, 0.1}, program.evaluate(new double[] {0.1f}, false));
  }
}
