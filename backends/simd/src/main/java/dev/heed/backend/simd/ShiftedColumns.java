package dev.heed.backend.simd;

import dev.heed.core.backend.ConvProblem;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The columns of one image's group of channels for a {@link SimdConv2d#sameSize} convolution
 * (stride and dilation 1, output rows as wide as the input's), packed for {@link Gemm} straight
 * from the image: row {@code (c·kH + i)·kW + j}, column {@code t = oy·W + ox} of the columns is
 * image element {@code t + (i - pH)·W + (j - pW)} of channel {@code c}, or 0 where {@code (oy + i -
 * pH, ox + j - pW)} lies outside the image. Each vector of a packed panel is therefore one load of
 * {@link Gemm#L} consecutive image elements, masked where the window crosses the border, instead of
 * an im2col into an array that the GEMM then reads again to pack it. The packed values are those
 * {@link SimdConv2d#im2col} followed by {@code Gemm.packB} would give, so the product is the same
 * bit for bit.
 */
final class ShiftedColumns {
  private static final long ALL = Gemm.L == 64 ? -1L : (1L << Gemm.L) - 1;

  private final int kernelH;
  private final int kernelW;
  private final int padH;
  private final int padW;
  private final int width;
  private final int plane;
  private final int channels;
  // masks[v·kH·kW + i·kW + j]: which lanes of the v-th vector of columns lie inside the image for
  // the kernel offset (i, j), as bits (lane l is bit l)
  private final long[] masks;

  ShiftedColumns(ConvProblem p) {
    this.kernelH = p.kernelH();
    this.kernelW = p.kernelW();
    this.padH = p.padH();
    this.padW = p.padW();
    this.width = p.width();
    this.plane = p.height() * p.width();
    this.channels = p.groupInChannels();
    int l = p.outHeight() * p.outWidth();
    int offsets = kernelH * kernelW;
    int vectors = (l + Gemm.NR - 1) / Gemm.NR * 2;
    masks = new long[vectors * offsets];
    for (int v = 0; v < vectors; v++) {
      for (int i = 0; i < kernelH; i++) {
        for (int j = 0; j < kernelW; j++) {
          long bits = 0;
          for (int lane = 0; lane < Gemm.L; lane++) {
            int t = v * Gemm.L + lane;
            int y = t / width + i - padH;
            int x = t % width + j - padW;
            if (t < l && y >= 0 && y < p.height() && x >= 0 && x < width) {
              bits |= 1L << lane;
            }
          }
          masks[v * offsets + i * kernelW + j] = bits;
        }
      }
    }
  }

  /** The packer of the image's channels from {@code xBase} in {@code xs}. */
  Gemm.BPanels of(float[] xs, int xBase) {
    return (pc, kc, jc, nc, dst) -> pack(xs, xBase, pc, kc, jc, nc, dst);
  }

  private void pack(float[] xs, int xBase, int pc, int kc, int jc, int nc, float[] dst) {
    int offsets = kernelH * kernelW;
    for (int jr = 0; jr < nc; jr += Gemm.NR) {
      int t0 = jc + jr;
      int m0 = t0 / Gemm.L * offsets;
      int d = jr * kc;
      int c = pc / offsets;
      int o = pc % offsets;
      for (int q = 0; q < kc; q++, d += Gemm.NR) {
        int i = o / kernelW;
        int j = o - i * kernelW;
        int src = xBase + c * plane + t0 + (i - padH) * width + (j - padW);
        half(xs, src, masks[m0 + o], dst, d);
        half(xs, src + Gemm.L, masks[m0 + offsets + o], dst, d + Gemm.L);
        if (++o == offsets) {
          o = 0;
          c++;
        }
      }
    }
  }

  /**
   * Whether {@link #transposedOf} can pack the problem's columns: 16-lane vectors (its blocks are
   * {@link Gemm#transpose16}'s) and groups of whole 16-channel blocks.
   */
  static boolean transposable(ConvProblem p) {
    return Gemm.T16 && p.groupInChannels() % 16 == 0;
  }

  /**
   * The packer of the transposed columns of the image's channels from {@code xBase}, their rows in
   * tap-major order: {@code op(B)[t][(i·kW + j)·Cg + c]} is column {@code t} of row {@code (c, i,
   * j)} of the columns. In that order sixteen consecutive columns of {@code op(B)} are sixteen
   * channels at one kernel offset, rows {@code H·W} apart in the image under one mask of pixels, so
   * each block of 16 pixels × 16 columns is one {@link Gemm#transpose16} of image rows, after which
   * the pixels outside the image are zeroed as whole rows of the result. The product with it (a
   * weight gradient) comes out with its columns in the same order. Only where {@link
   * #transposable}.
   */
  Gemm.BPanels transposedOf(float[] xs, int xBase) {
    return (pc, kc, jc, nc, dst) -> packTransposed(xs, xBase, pc, kc, jc, nc, dst);
  }

  private void packTransposed(float[] xs, int xBase, int pc, int kc, int jc, int nc, float[] dst) {
    int offsets = kernelH * kernelW;
    int columns = offsets * channels;
    for (int jr = 0; jr < nc; jr += Gemm.NR) {
      for (int jj = 0; jj < Gemm.NR; jj += 16) {
        int d = jr * kc + jj;
        int col = jc + jr + jj;
        if (col >= columns) {
          for (int q = 0; q < kc; q++) {
            FloatVector.zero(Gemm.S).intoArray(dst, d + q * Gemm.NR);
          }
          continue;
        }
        int tap = col / channels;
        int i = tap / kernelW;
        int j = tap - i * kernelW;
        int rows = xBase + col % channels * plane + (i - padH) * width + (j - padW);
        int q = 0;
        for (; q + 16 <= kc; q += 16) {
          int t = pc + q;
          long lanes = masks[t / Gemm.L * offsets + tap];
          int e = d + q * Gemm.NR;
          if (lanes != 0 && rows + t >= 0 && rows + t + 15 * plane + Gemm.L <= xs.length) {
            // whole rows, transposed: a row of the result is one pixel's sixteen channels, so the
            // pixels outside the image (whose values were read from elsewhere) are zeroed after
            Gemm.transpose16(xs, rows + t, plane, dst, e);
            for (long out = ~lanes & ALL; out != 0; out &= out - 1) {
              FloatVector.zero(Gemm.S)
                  .intoArray(dst, e + Long.numberOfTrailingZeros(out) * Gemm.NR);
            }
          } else {
            for (int r = 0; r < 16; r++) {
              pixel(xs, rows, plane, t + r, (lanes >>> r & 1) != 0, dst, e + r * Gemm.NR);
            }
          }
        }
        for (; q < kc; q++) {
          int t = pc + q;
          boolean inside = (masks[t / Gemm.L * offsets + tap] >>> (t % Gemm.L) & 1) != 0;
          pixel(xs, rows, plane, t, inside, dst, d + q * Gemm.NR);
        }
      }
    }
  }

  /** Sixteen channels {@code plane} apart at pixel {@code t} from {@code rows}, or zeros. */
  private static void pixel(
      float[] xs, int rows, int plane, int t, boolean inside, float[] dst, int d) {
    for (int c = 0; c < 16; c++) {
      dst[d + c] = inside ? xs[rows + c * plane + t] : 0f;
    }
  }

  private static void half(float[] xs, int src, long bits, float[] dst, int d) {
    if (bits == ALL) {
      FloatVector.fromArray(Gemm.S, xs, src).intoArray(dst, d);
    } else if (bits == 0) {
      FloatVector.zero(Gemm.S).intoArray(dst, d);
    } else {
      FloatVector.fromArray(Gemm.S, xs, src, VectorMask.fromLong(Gemm.S, bits)).intoArray(dst, d);
    }
  }
}
