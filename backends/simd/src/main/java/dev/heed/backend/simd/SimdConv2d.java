package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.ConvProblem;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.support.HeapBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedConv2d} for FLOAT32: the packed, vectorised {@link Gemm} per (image, group), without
 * the composite's strided copies. A {@link #sameSize} convolution packs its columns for the GEMM
 * straight from the image ({@link ShiftedColumns}); its input gradient is the forward convolution
 * of the output gradient with flipped kernels ({@link #transposedForward}), and with 16-channel
 * groups its weight gradient packs the transposed columns from the image too. Other convolutions
 * write the columns {@code [Cg·kH·kW, oH·oW]} of one image into a per-thread array (im2col): one
 * product with the group's weights {@code [Og, Cg·kH·kW]} (transposed for the input gradient, whose
 * columns are then added back into the image: col2im). Weight gradients add one product per image
 * and group into per-thread partial sums, added in a fixed order. With at most {@link #FEW_ROWS}
 * column rows the forward product and the weight gradient run direct vector loops instead of the
 * GEMM. Sums run in a fixed order for a given thread count.
 */
final class SimdConv2d implements FusedConv2d {
  private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);
  private static final VectorSpecies<Float> V = FloatVector.SPECIES_PREFERRED;

  /**
   * Column rows ({@code Cg·kH·kW}) up to which the forward product and the weight gradient run as
   * direct vector loops instead of the packed GEMM, whose packing costs more than such short
   * products (a 3x3 convolution of one input channel, say).
   */
  static final int FEW_ROWS = 16;

  private final SimdBackend backend;

  SimdConv2d(SimdBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype, ConvProblem p) {
    long k = (long) p.groupInChannels() * p.kernelH() * p.kernelW();
    long l = (long) p.outHeight() * p.outWidth();
    return dtype == DType.FLOAT32
        && k * l * Math.max(1, p.batch()) < Integer.MAX_VALUE
        && (long) p.batch() * p.inChannels() * p.height() * p.width() < Integer.MAX_VALUE;
  }

  private static float[] floats(Buffer b) {
    return b == null ? null : ((HeapBuffer) b).floats();
  }

  /** A per-thread scratch array of at least {@code n} elements (contents unspecified). */
  private static float[] columns(int n) {
    float[] c = COLUMNS.get();
    if (c.length < n) {
      c = new float[n];
      COLUMNS.set(c);
    }
    return c;
  }

  @Override
  public void forward(ConvProblem p, Buffer x, Buffer weight, Buffer bias, Buffer y) {
    float[] xs = floats(x);
    float[] ws = floats(weight);
    float[] bs = floats(bias);
    float[] ys = floats(y);
    int groups = p.groups();
    int cg = p.groupInChannels();
    int og = p.groupOutChannels();
    int k = cg * p.kernelH() * p.kernelW();
    int l = p.outHeight() * p.outWidth();
    int plane = p.height() * p.width();
    // the GEMM packs a "same" convolution's columns straight from the image
    ShiftedColumns shifted = k > FEW_ROWS && sameSize(p) ? new ShiftedColumns(p) : null;
    backend
        .workers()
        .parallelFor(
            p.batch() * groups,
            t -> {
              int b = t / groups;
              int g = t % groups;
              int in = (b * p.inChannels() + g * cg) * plane;
              int out = (b * p.outChannels() + g * og) * l;
              MatmulSpec spec =
                  new MatmulSpec(
                      1, og, l, k, false, false, (long) g * og * k, 0, 0, 0, out, 0, 1, 0);
              if (shifted != null) {
                Gemm.serial(spec, ws, shifted.of(xs, in), ys);
              } else {
                float[] cols = columns(k * l);
                im2col(p, xs, in, cols, 0, l);
                if (k <= FEW_ROWS) {
                  fewRowsProduct(ws, g * og * k, og, k, cols, l, ys, out);
                } else {
                  Gemm.serial(spec, ws, cols, ys);
                }
              }
              if (bs != null) {
                for (int i = 0; i < og; i++) {
                  float v = bs[g * og + i];
                  int row = out + i * l;
                  for (int j = 0; j < l; j++) {
                    ys[row + j] += v;
                  }
                }
              }
            });
  }

  @Override
  public void backward(
      ConvProblem p, Buffer gy, Buffer x, Buffer weight, Buffer gx, Buffer gWeight, Buffer gBias) {
    float[] gys = floats(gy);
    int l = p.outHeight() * p.outWidth();
    if (gBias != null) {
      float[] gbs = floats(gBias);
      backend
          .workers()
          .parallelFor(
              p.outChannels(),
              o -> {
                double sum = 0;
                for (int b = 0; b < p.batch(); b++) {
                  int row = (b * p.outChannels() + o) * l;
                  for (int j = 0; j < l; j++) {
                    sum += gys[row + j];
                  }
                }
                gbs[o] = (float) sum;
              });
    }
    if (gx != null) {
      inputGradient(p, gys, floats(weight), floats(gx));
    }
    if (gWeight != null) {
      weightGradient(p, gys, floats(x), floats(gWeight));
    }
  }

  private void inputGradient(ConvProblem p, float[] gys, float[] ws, float[] gxs) {
    int groups = p.groups();
    int cg = p.groupInChannels();
    int og = p.groupOutChannels();
    int k = cg * p.kernelH() * p.kernelW();
    int l = p.outHeight() * p.outWidth();
    int plane = p.height() * p.width();
    if (sameSize(p) && p.padH() < p.kernelH() && og * p.kernelH() * p.kernelW() > FEW_ROWS) {
      transposedForward(p, gys, ws, gxs);
      return;
    }
    backend
        .workers()
        .parallelFor(
            p.batch() * groups,
            t -> {
              int b = t / groups;
              int g = t % groups;
              float[] cols = columns(k * l);
              Gemm.serial(
                  new MatmulSpec(
                      1,
                      k,
                      l,
                      og,
                      true,
                      false,
                      (long) g * og * k,
                      0,
                      (long) (b * p.outChannels() + g * og) * l,
                      0,
                      0,
                      0,
                      1,
                      0),
                  ws,
                  gys,
                  cols);
              int base = (b * p.inChannels() + g * cg) * plane;
              Arrays.fill(gxs, base, base + cg * plane, 0f);
              col2im(p, cols, 0, l, gxs, base);
            });
  }

  /**
   * The input gradient of a {@link #sameSize} convolution as the forward convolution of the output
   * gradient with the kernels flipped and their channels swapped: {@code gx[c, y, x] = Σ_{o, i',
   * j'} gy[o, y + i' - (kH - 1 - pH), x + j' - pW]·w[o, c, kH - 1 - i', kW - 1 - j']}, a same-width
   * convolution of {@code gy} with padding {@code (kH - 1 - pH, pW)} whose output is the image's
   * size. Its columns are packed from {@code gy} as the forward packs them ({@link ShiftedColumns})
   * and the product, {@code [Cg, Og·kH·kW]·[Og·kH·kW, H·W]}, is as deep as the forward's, where the
   * transposed product {@code wᵀ·gy} is only {@code Og} deep and its columns must be added back
   * into the image (col2im).
   */
  private void transposedForward(ConvProblem p, float[] gys, float[] ws, float[] gxs) {
    int groups = p.groups();
    int cg = p.groupInChannels();
    int og = p.groupOutChannels();
    int kh = p.kernelH();
    int kw = p.kernelW();
    int taps = kh * kw;
    ConvProblem t =
        new ConvProblem(
            p.batch(),
            p.outChannels(),
            p.outHeight(),
            p.outWidth(),
            p.inChannels(),
            kh,
            kw,
            1,
            1,
            kh - 1 - p.padH(),
            p.padW(),
            1,
            1,
            groups);
    // flipped[g][c][o][i'][j'] = w[g·Og + o][c][kH-1-i'][kW-1-j'], c and o within group g
    float[] flipped = new float[ws.length];
    for (int g = 0; g < groups; g++) {
      for (int c = 0; c < cg; c++) {
        for (int o = 0; o < og; o++) {
          int src = ((g * og + o) * cg + c) * taps;
          int dst = ((g * cg + c) * og + o) * taps;
          for (int q = 0; q < taps; q++) {
            flipped[dst + q] = ws[src + taps - 1 - q];
          }
        }
      }
    }
    ShiftedColumns shifted = new ShiftedColumns(t);
    int k = og * taps;
    int l = p.outHeight() * p.outWidth();
    int plane = p.height() * p.width();
    backend
        .workers()
        .parallelFor(
            p.batch() * groups,
            task -> {
              int b = task / groups;
              int g = task % groups;
              Gemm.serial(
                  new MatmulSpec(
                      1,
                      cg,
                      plane,
                      k,
                      false,
                      false,
                      (long) g * cg * k,
                      0,
                      0,
                      0,
                      (long) (b * p.inChannels() + g * cg) * plane,
                      0,
                      1,
                      0),
                  flipped,
                  shifted.of(gys, (b * p.outChannels() + g * og) * l),
                  gxs);
            });
  }

  /**
   * The weight gradient, image by image: one product per image and group with the output gradient's
   * rows, {@code [Og, oH·oW] · [oH·oW, Cg·kH·kW]}, added up over the batch ({@link #overImages}). A
   * {@link #sameSize} convolution whose groups are whole 16-channel blocks packs the product's
   * transposed columns straight from the image ({@link ShiftedColumns#transposedOf}), so the
   * product comes out with the kernel offsets outermost in each row and is put back into the
   * weights' layout at the end; other convolutions take each image's columns as the forward pass
   * lays them out, in a per-thread array that stays in cache.
   */
  private void weightGradient(ConvProblem p, float[] gys, float[] xs, float[] gws) {
    int groups = p.groups();
    int cg = p.groupInChannels();
    int og = p.groupOutChannels();
    int taps = p.kernelH() * p.kernelW();
    int k = cg * taps;
    int l = p.outHeight() * p.outWidth();
    int plane = p.height() * p.width();
    if (k > FEW_ROWS && sameSize(p) && ShiftedColumns.transposable(p)) {
      ShiftedColumns shifted = new ShiftedColumns(p);
      float[] offsetsFirst = new float[gws.length];
      overImages(
          p,
          offsetsFirst,
          (b, g, acc, first) ->
              Gemm.serial(
                  gradientSpec(p, b, g, false, first),
                  gys,
                  shifted.transposedOf(xs, (b * p.inChannels() + g * cg) * plane),
                  acc));
      // row o: (offset, channel) -> (channel, offset)
      for (int o = 0; o < p.outChannels(); o++) {
        int row = o * k;
        for (int tap = 0; tap < taps; tap++) {
          for (int c = 0; c < cg; c++) {
            gws[row + c * taps + tap] = offsetsFirst[row + tap * cg + c];
          }
        }
      }
      return;
    }
    overImages(
        p,
        gws,
        (b, g, acc, first) -> {
          float[] cols = columns(k * l);
          im2col(p, xs, (b * p.inChannels() + g * cg) * plane, cols, 0, l);
          if (k <= FEW_ROWS) {
            int gy = (b * p.outChannels() + g * og) * l;
            fewRowsGradient(gys, gy, og, cols, k, l, acc, g * og * k, first);
          } else {
            Gemm.serial(gradientSpec(p, b, g, true, first), gys, cols, acc);
          }
        });
  }

  /** One image's and group's contribution to a weight gradient, added into {@code acc}. */
  @FunctionalInterface
  private interface ImageGradient {
    /**
     * Adds image {@code b}'s product for group {@code g} into {@code acc}, or writes it there when
     * {@code first} (the first image of the range).
     */
    void add(int b, int g, float[] acc, boolean first);
  }

  /**
   * Runs {@code add} for every image and group, the images split into one contiguous range per
   * thread: the first range accumulates into {@code into}, the others into arrays of their own,
   * added to it in range order, so the sums run in a fixed order for a given thread count.
   */
  private void overImages(ConvProblem p, float[] into, ImageGradient add) {
    int n = p.batch();
    int chunks = Math.min(backend.workers().threads(), n);
    int per = (n + chunks - 1) / chunks;
    int ranges = (n + per - 1) / per;
    float[][] partial = new float[ranges][];
    backend
        .workers()
        .parallelFor(
            ranges,
            t -> {
              float[] acc = t == 0 ? into : new float[into.length];
              int first = t * per;
              for (int b = first; b < Math.min(n, first + per); b++) {
                for (int g = 0; g < p.groups(); g++) {
                  add.add(b, g, acc, b == first);
                }
              }
              partial[t] = acc;
            });
    for (int t = 1; t < ranges; t++) {
      float[] part = partial[t];
      for (int i = 0; i < into.length; i++) {
        into[i] += part[i];
      }
    }
  }

  /**
   * {@code acc[g's rows] (+)= gy_b,g · op(columns)}: {@code [Og, oH·oW]} times the image's columns,
   * transposed ({@code transB}, an im2col array) or already packed transposed.
   */
  private static MatmulSpec gradientSpec(
      ConvProblem p, int b, int g, boolean transB, boolean first) {
    int og = p.groupOutChannels();
    int k = p.groupInChannels() * p.kernelH() * p.kernelW();
    int l = p.outHeight() * p.outWidth();
    return new MatmulSpec(
        1,
        og,
        k,
        l,
        false,
        transB,
        (long) (b * p.outChannels() + g * og) * l,
        0,
        0,
        0,
        (long) g * og * k,
        0,
        1,
        first ? 0 : 1);
  }

  /**
   * {@code y[o, t] = Σ_q w[o, q]·cols[q, t]} for {@code o < og}, {@code q < k}, {@code t < l}
   * (weights from {@code wBase}, output rows from {@code yBase}, {@code l} apart): for a few column
   * rows, a vector of outputs at a time with the weights broadcast, adding in {@code q} order.
   */
  static void fewRowsProduct(
      float[] ws, int wBase, int og, int k, float[] cols, int l, float[] ys, int yBase) {
    int bound = V.loopBound(l);
    int o = 0;
    // four output rows at a time: four independent sums, each column vector loaded once
    for (; o + 4 <= og; o += 4) {
      int w0 = wBase + o * k;
      int row = yBase + o * l;
      int t = 0;
      for (; t < bound; t += V.length()) {
        FloatVector a0 = FloatVector.zero(V);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int q = 0; q < k; q++) {
          FloatVector c = FloatVector.fromArray(V, cols, q * l + t);
          a0 = c.fma(FloatVector.broadcast(V, ws[w0 + q]), a0);
          a1 = c.fma(FloatVector.broadcast(V, ws[w0 + k + q]), a1);
          a2 = c.fma(FloatVector.broadcast(V, ws[w0 + 2 * k + q]), a2);
          a3 = c.fma(FloatVector.broadcast(V, ws[w0 + 3 * k + q]), a3);
        }
        a0.intoArray(ys, row + t);
        a1.intoArray(ys, row + l + t);
        a2.intoArray(ys, row + 2 * l + t);
        a3.intoArray(ys, row + 3 * l + t);
      }
      for (int r = 0; r < 4; r++) {
        scalarOutputs(ws, w0 + r * k, k, cols, l, t, ys, row + r * l);
      }
    }
    for (; o < og; o++) {
      int wo = wBase + o * k;
      int row = yBase + o * l;
      int t = 0;
      for (; t < bound; t += V.length()) {
        FloatVector acc = FloatVector.zero(V);
        for (int q = 0; q < k; q++) {
          acc =
              FloatVector.fromArray(V, cols, q * l + t)
                  .fma(FloatVector.broadcast(V, ws[wo + q]), acc);
        }
        acc.intoArray(ys, row + t);
      }
      scalarOutputs(ws, wo, k, cols, l, t, ys, row);
    }
  }

  /** The outputs {@code [from, l)} of one row of {@link #fewRowsProduct}, one at a time. */
  private static void scalarOutputs(
      float[] ws, int wo, int k, float[] cols, int l, int from, float[] ys, int row) {
    for (int t = from; t < l; t++) {
      float v = 0f;
      for (int q = 0; q < k; q++) {
        v = Math.fma(cols[q * l + t], ws[wo + q], v);
      }
      ys[row + t] = v;
    }
  }

  /**
   * {@code acc[o, q] (+)= Σ_t gy[o, t]·cols[q, t]} for {@code o < og}, {@code q < k} (output
   * gradient rows from {@code gyBase}, {@code l} apart; {@code acc} from {@code accBase};
   * overwritten when {@code first}): for a few column rows, one vectorised dot product per pair,
   * its lanes summed in {@link VecMath#sum}'s fixed order.
   */
  static void fewRowsGradient(
      float[] gys,
      int gyBase,
      int og,
      float[] cols,
      int k,
      int l,
      float[] acc,
      int accBase,
      boolean first) {
    int bound = V.loopBound(l);
    for (int o = 0; o < og; o++) {
      int gy = gyBase + o * l;
      int q = 0;
      // four column rows at a time: four independent sums, each gradient vector loaded once
      for (; q + 4 <= k; q += 4) {
        int c = q * l;
        FloatVector a0 = FloatVector.zero(V);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int t = 0;
        for (; t < bound; t += V.length()) {
          FloatVector g = FloatVector.fromArray(V, gys, gy + t);
          a0 = g.fma(FloatVector.fromArray(V, cols, c + t), a0);
          a1 = g.fma(FloatVector.fromArray(V, cols, c + l + t), a1);
          a2 = g.fma(FloatVector.fromArray(V, cols, c + 2 * l + t), a2);
          a3 = g.fma(FloatVector.fromArray(V, cols, c + 3 * l + t), a3);
        }
        int i = accBase + o * k + q;
        put(acc, i, VecMath.sum(a0) + dotTail(gys, gy, cols, c, t, l), first);
        put(acc, i + 1, VecMath.sum(a1) + dotTail(gys, gy, cols, c + l, t, l), first);
        put(acc, i + 2, VecMath.sum(a2) + dotTail(gys, gy, cols, c + 2 * l, t, l), first);
        put(acc, i + 3, VecMath.sum(a3) + dotTail(gys, gy, cols, c + 3 * l, t, l), first);
      }
      for (; q < k; q++) {
        int c = q * l;
        FloatVector a0 = FloatVector.zero(V);
        int t = 0;
        for (; t < bound; t += V.length()) {
          a0 = FloatVector.fromArray(V, gys, gy + t).fma(FloatVector.fromArray(V, cols, c + t), a0);
        }
        put(acc, accBase + o * k + q, VecMath.sum(a0) + dotTail(gys, gy, cols, c, t, l), first);
      }
    }
  }

  /** {@code Σ gy[gy + t]·cols[c + t]} for {@code t} in {@code [from, l)}. */
  private static float dotTail(float[] gys, int gy, float[] cols, int c, int from, int l) {
    float v = 0f;
    for (int t = from; t < l; t++) {
      v = Math.fma(gys[gy + t], cols[c + t], v);
    }
    return v;
  }

  private static void put(float[] acc, int i, float v, boolean first) {
    acc[i] = first ? v : acc[i] + v;
  }

  /**
   * Writes the columns of one image's group of channels (starting at {@code xBase}): row {@code
   * (c·kH + i)·kW + j}, column {@code oy·oW + ox} holds {@code x[c, oy·sH - pH + i·dH, ox·sW - pW +
   * j·dW]}, 0 outside the image; rows are {@code ld} apart from {@code colBase}.
   */
  static void im2col(ConvProblem p, float[] xs, int xBase, float[] cols, int colBase, int ld) {
    if (sameSize(p)) {
      shiftedCopies(p, xs, xBase, cols, colBase, ld);
      return;
    }
    int h = p.height();
    int w = p.width();
    int oh = p.outHeight();
    int ow = p.outWidth();
    int row = 0;
    for (int c = 0; c < p.groupInChannels(); c++) {
      int channel = xBase + c * h * w;
      for (int i = 0; i < p.kernelH(); i++) {
        for (int j = 0; j < p.kernelW(); j++, row++) {
          int dst = colBase + row * ld;
          int shift = j * p.dilationW() - p.padW();
          int lo = firstInside(shift, p.strideW());
          int hi = Math.min(ow, lastInside(shift, p.strideW(), w) + 1);
          for (int oy = 0; oy < oh; oy++, dst += ow) {
            int iy = oy * p.strideH() - p.padH() + i * p.dilationH();
            if (iy < 0 || iy >= h || lo >= hi) {
              Arrays.fill(cols, dst, dst + ow, 0f);
              continue;
            }
            Arrays.fill(cols, dst, dst + lo, 0f);
            int src = channel + iy * w + shift;
            if (p.strideW() == 1) {
              System.arraycopy(xs, src + lo, cols, dst + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++) {
                cols[dst + ox] = xs[src + ox * p.strideW()];
              }
            }
            Arrays.fill(cols, dst + hi, dst + ow, 0f);
          }
        }
      }
    }
  }

  /** Adds columns laid out as {@link #im2col} writes them back into the image at {@code xBase}. */
  static void col2im(ConvProblem p, float[] cols, int colBase, int ld, float[] gxs, int xBase) {
    if (sameSize(p)) {
      shiftedSums(p, cols, colBase, ld, gxs, xBase);
      return;
    }
    int h = p.height();
    int w = p.width();
    int oh = p.outHeight();
    int ow = p.outWidth();
    int row = 0;
    for (int c = 0; c < p.groupInChannels(); c++) {
      int channel = xBase + c * h * w;
      for (int i = 0; i < p.kernelH(); i++) {
        for (int j = 0; j < p.kernelW(); j++, row++) {
          int src = colBase + row * ld;
          int shift = j * p.dilationW() - p.padW();
          int lo = firstInside(shift, p.strideW());
          int hi = Math.min(ow, lastInside(shift, p.strideW(), w) + 1);
          for (int oy = 0; oy < oh; oy++, src += ow) {
            int iy = oy * p.strideH() - p.padH() + i * p.dilationH();
            if (iy < 0 || iy >= h) {
              continue;
            }
            int dst = channel + iy * w + shift;
            for (int ox = lo; ox < hi; ox++) {
              gxs[dst + ox * p.strideW()] += cols[src + ox];
            }
          }
        }
      }
    }
  }

  /**
   * Whether the output rows are as wide as the input rows, stride and dilation 1 (a "same"
   * convolution along the width): then each row of the columns is the channel shifted by {@code (i
   * - pH, j - pW)}, a flat copy of consecutive image rows, with the columns that fall outside the
   * image zeroed.
   */
  static boolean sameSize(ConvProblem p) {
    return p.strideH() == 1
        && p.strideW() == 1
        && p.dilationH() == 1
        && p.dilationW() == 1
        && p.outWidth() == p.width();
  }

  /** {@link #im2col} for {@link #sameSize} problems: one copy per row of the columns. */
  private static void shiftedCopies(
      ConvProblem p, float[] xs, int xBase, float[] cols, int colBase, int ld) {
    int h = p.height();
    int w = p.width();
    int oh = p.outHeight();
    int row = 0;
    for (int c = 0; c < p.groupInChannels(); c++) {
      int channel = xBase + c * h * w;
      for (int i = 0; i < p.kernelH(); i++) {
        int dy = i - p.padH();
        int lo = Math.max(0, -dy); // output rows whose image row lies inside the image
        int hi = Math.min(oh, h - dy);
        for (int j = 0; j < p.kernelW(); j++, row++) {
          int dst = colBase + row * ld;
          int dx = j - p.padW();
          if (lo >= hi || Math.abs(dx) >= w) {
            Arrays.fill(cols, dst, dst + oh * w, 0f);
            continue;
          }
          Arrays.fill(cols, dst, dst + lo * w, 0f);
          Arrays.fill(cols, dst + hi * w, dst + oh * w, 0f);
          // t = oy·w + ox reads image element t + dy·w + dx; the first and last -dx / dx
          // elements would read past the rows (or the channel) and are border columns anyway
          int from = lo * w + Math.max(0, -dx);
          int to = hi * w - Math.max(0, dx);
          System.arraycopy(xs, channel + from + dy * w + dx, cols, dst + from, to - from);
          int left = Math.max(0, -dx); // border columns [0, left) and [w - right, w)
          int right = Math.max(0, dx);
          for (int oy = lo; oy < hi; oy++) {
            int r = dst + oy * w;
            for (int ox = 0; ox < left; ox++) {
              cols[r + ox] = 0f;
            }
            for (int ox = w - right; ox < w; ox++) {
              cols[r + ox] = 0f;
            }
          }
        }
      }
    }
  }

  /** {@link #col2im} for {@link #sameSize} problems: vectorised row segments. */
  private static void shiftedSums(
      ConvProblem p, float[] cols, int colBase, int ld, float[] gxs, int xBase) {
    int h = p.height();
    int w = p.width();
    int oh = p.outHeight();
    int row = 0;
    for (int c = 0; c < p.groupInChannels(); c++) {
      int channel = xBase + c * h * w;
      for (int i = 0; i < p.kernelH(); i++) {
        int dy = i - p.padH();
        int lo = Math.max(0, -dy);
        int hi = Math.min(oh, h - dy);
        for (int j = 0; j < p.kernelW(); j++, row++) {
          int dx = j - p.padW();
          int first = Math.max(0, -dx); // output columns whose image column lies inside
          int last = Math.min(w, w - dx);
          if (first >= last) {
            continue;
          }
          int src = colBase + row * ld;
          for (int oy = lo; oy < hi; oy++) {
            add(
                gxs,
                channel + (oy + dy) * w + dx + first,
                cols,
                src + oy * w + first,
                last - first);
          }
        }
      }
    }
  }

  /** {@code dst[d + t] += src[s + t]} for {@code t < n}: whole vectors, then a scalar tail. */
  private static void add(float[] dst, int d, float[] src, int s, int n) {
    int t = 0;
    for (int bound = V.loopBound(n); t < bound; t += V.length()) {
      FloatVector.fromArray(V, dst, d + t)
          .add(FloatVector.fromArray(V, src, s + t))
          .intoArray(dst, d + t);
    }
    for (; t < n; t++) {
      dst[d + t] += src[s + t];
    }
  }

  /** The first output column {@code ox >= 0} with {@code ox·stride + shift >= 0}. */
  private static int firstInside(int shift, int stride) {
    return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  }

  /** The last output column with {@code ox·stride + shift < width} (may be negative). */
  private static int lastInside(int shift, int stride, int width) {
    int limit = width - 1 - shift;
    return limit < 0 ? -1 : limit / stride;
  }
}
