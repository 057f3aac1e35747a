package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.ConvProblem;
import dev.heed.core.backend.MatmulSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward product over columns packed straight from the image ({@link ShiftedColumns}) is the
 * product over {@link SimdConv2d#im2col}'s columns bit for bit, for every image and group of a
 * batch: kernels with and without padding, rows of columns across several depth blocks ({@code
 * Cg·kH·kW > KC}), outputs across several column blocks ({@code oH·oW > NC}) and not a whole number
 * of panels, and windows at both ends of the input array (masked loads whose unused lanes fall
 * outside it). Non-finite inputs sit next to the border so that a lane loaded instead of zeroed
 * would show.
 */
class ShiftedColumnsTest {

  @ParameterizedTest
  @CsvSource({
    // n, c, h, w, o, kh, kw, ph, pw, groups, slack
    "2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 0",
    "2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 100",
    "1, 32, 5, 7, 9, 3, 3, 1, 1, 1, 100",
    "2, 4, 9, 9, 6, 5, 5, 2, 2, 2, 200",
    "1, 6, 41, 37, 3, 3, 3, 1, 1, 1, 0",
    "3, 20, 6, 5, 8, 3, 1, 0, 0, 4, 50",
    "2, 2, 4, 17, 3, 5, 3, 1, 1, 1, 100",
    "1, 3, 2, 3, 2, 3, 3, 1, 1, 1, 0"
  })
  void packsTheColumnsThatIm2colWrites(
      int n, int c, int h, int w, int o, int kh, int kw, int ph, int pw, int groups, int slack) {
    ConvProblem p = new ConvProblem(n, c, h, w, o, kh, kw, 1, 1, ph, pw, 1, 1, groups);
    assertTrue(SimdConv2d.sameSize(p), "a same-width problem");
    SplittableRandom random = new SplittableRandom(7);
    // the batch from offset slack, with slack elements after it (none: windows at the ends of the
    // array), which a lane loaded instead of zeroed would add to the sum
    float[] x = new float[n * c * h * w + 2 * slack];
    for (int i = 0; i < x.length; i++) {
      x[i] = i < slack || i >= x.length - slack ? 1000f : (float) random.nextDouble(-1, 1);
    }
    x[slack] = Float.NaN;
    x[slack + w - 1] = Float.POSITIVE_INFINITY;
    x[x.length - slack - 1] = Float.NEGATIVE_INFINITY;
    int cg = c / groups;
    int og = o / groups;
    int k = cg * kh * kw;
    int l = p.outHeight() * p.outWidth();
    float[] weights = new float[o * k];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) random.nextDouble(-1, 1);
    }
    float[] expected = new float[n * o * l];
    float[] actual = new float[n * o * l];
    ShiftedColumns shifted = new ShiftedColumns(p);
    float[] cols = new float[k * l];
    for (int b = 0; b < n; b++) {
      for (int g = 0; g < groups; g++) {
        int in = slack + (b * c + g * cg) * h * w;
        MatmulSpec spec =
            new MatmulSpec(
                1,
                og,
                l,
                k,
                false,
                false,
                (long) g * og * k,
                0,
                0,
                0,
                (b * o + g * og) * l,
                0,
                1,
                0);
        SimdConv2d.im2col(p, x, in, cols, 0, l);
        Gemm.serial(spec, weights, cols, expected);
        Gemm.serial(spec, weights, shifted.of(x, in), actual);
      }
    }
    assertArrayEquals(expected, actual);
  }

  /**
   * The weight gradient's product over the transposed columns packed from the image ({@link
   * ShiftedColumns#transposedOf}, kernel offsets outermost) is the product over im2col's columns,
   * transposed by the GEMM's packing, bit for bit once its columns are put back in the weights'
   * order: the same values packed, the same sums in the same order. Groups of 16 and 32 channels,
   * depths (pixels) that end inside a block of 16, windows at the ends of the array and inside a
   * larger one.
   */
  @ParameterizedTest
  @CsvSource({
    // n, c, h, w, o, kh, kw, ph, pw, groups, slack
    "2, 16, 7, 6, 4, 3, 3, 1, 1, 1, 0",
    "2, 16, 7, 6, 4, 3, 3, 1, 1, 1, 100",
    "1, 32, 9, 7, 4, 5, 3, 2, 1, 2, 200",
    "1, 32, 19, 17, 5, 3, 3, 1, 1, 1, 0",
    "2, 64, 3, 5, 2, 3, 1, 0, 0, 2, 50"
  })
  void packsTheTransposedColumnsOffsetsFirst(
      int n, int c, int h, int w, int o, int kh, int kw, int ph, int pw, int groups, int slack) {
    ConvProblem p = new ConvProblem(n, c, h, w, o, kh, kw, 1, 1, ph, pw, 1, 1, groups);
    assertTrue(SimdConv2d.sameSize(p) && ShiftedColumns.transposable(p), "a transposable problem");
    SplittableRandom random = new SplittableRandom(11);
    float[] x = new float[n * c * h * w + 2 * slack];
    for (int i = 0; i < x.length; i++) {
      x[i] = i < slack || i >= x.length - slack ? 1000f : (float) random.nextDouble(-1, 1);
    }
    int cg = c / groups;
    int og = o / groups;
    int taps = kh * kw;
    int k = cg * taps;
    int l = p.outHeight() * p.outWidth();
    float[] gy = new float[n * o * l];
    for (int i = 0; i < gy.length; i++) {
      gy[i] = (float) random.nextDouble(-1, 1);
    }
    float[] expected = new float[o * k];
    float[] offsetsFirst = new float[o * k];
    ShiftedColumns shifted = new ShiftedColumns(p);
    float[] cols = new float[k * l];
    for (int b = 0; b < n; b++) {
      for (int g = 0; g < groups; g++) {
        int in = slack + (b * c + g * cg) * h * w;
        long gyAt = (long) (b * o + g * og) * l;
        int beta = b == 0 ? 0 : 1;
        SimdConv2d.im2col(p, x, in, cols, 0, l);
        Gemm.serial(
            new MatmulSpec(1, og, k, l, false, true, gyAt, 0, 0, 0, g * og * k, 0, 1, beta),
            gy,
            cols,
            expected);
        Gemm.serial(
            new MatmulSpec(1, og, k, l, false, false, gyAt, 0, 0, 0, g * og * k, 0, 1, beta),
            gy,
            shifted.transposedOf(x, in),
            offsetsFirst);
      }
    }
    float[] actual = new float[o * k];
    for (int row = 0; row < o; row++) {
      for (int tap = 0; tap < taps; tap++) {
        for (int ch = 0; ch < cg; ch++) {
          actual[row * k + ch * taps + tap] = offsetsFirst[row * k + tap * cg + ch];
        }
      }
    }
    assertArrayEquals(expected, actual);
  }
}
