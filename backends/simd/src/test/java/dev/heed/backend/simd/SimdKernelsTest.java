package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.testkit.TestBackends;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The blocked, packed and parallel paths that the contract's small shapes do not reach: matmul
 * across several cache blocks in every dimension (depth beyond one packed block, rows beyond one A
 * block, columns beyond one B block, tails in each), split over threads; elementwise and softmax
 * kernels above the parallel grain. Each result is compared with the reference backend.
 */
class SimdKernelsTest {

  private static float[] random(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 4 - 2);
    }
    return v;
  }

  private static Buffer upload(Backend b, float[] v) {
    Buffer buf = b.allocate(DType.FLOAT32, v.length);
    b.upload(MemorySegment.ofArray(v), buf, 0, v.length);
    return buf;
  }

  private static float[] download(Backend b, Buffer buf) {
    float[] v = new float[(int) buf.size()];
    b.download(buf, 0, v.length, MemorySegment.ofArray(v));
    buf.close();
    return v;
  }

  private static void assertClose(String what, float[] actual, float[] expected, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e)) {
        assertTrue(Double.isNaN(a), what + " at " + i + ": expected NaN, got " + a);
        continue;
      }
      assertTrue(
          Math.abs(a - e) <= tol * (Math.abs(e) + 1),
          what + " at " + i + ": expected " + e + ", got " + a);
    }
  }

  private static void assertSameBits(String what, float[] actual, float[] expected) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Float.floatToRawIntBits(expected[i]),
          Float.floatToRawIntBits(actual[i]),
          what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
    }
  }

  private static float[] run(Backend b, MatmulSpec s, float[] a, float[] bm, float[] c) {
    Buffer ab = upload(b, a);
    Buffer bb = upload(b, bm);
    Buffer cb = upload(b, c);
    b.matmul(s, ab, bb, cb);
    ab.close();
    bb.close();
    return download(b, cb);
  }

  /**
   * Each {@code {m, n, k}} in all four transpose combinations (batches of {@code batch}, one matrix
   * above a million multiply-adds), with offsets and gaps between batch entries, {@code alpha} and
   * beta 0.5 (0 for the combination {@code zeroBeta}), against the reference backend.
   */
  private static void matmulsMatch(
      int threads, int[][] dims, int batch, double alpha, int zeroBeta, long seed) {
    matmulsMatch(threads, dims, batch, alpha, zeroBeta, seed, 0, 0);
  }

  /**
   * As {@link #matmulsMatch(int, int[][], int, double, int, long)}, with stored rows of A and B
   * {@code padA} and {@code padB} elements longer than their row lengths (leading dimensions).
   */
  private static void matmulsMatch(
      int threads,
      int[][] dims,
      int batch,
      double alpha,
      int zeroBeta,
      long seed,
      int padA,
      int padB) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    for (int[] d : dims) {
      int m = d[0];
      int n = d[1];
      int k = d[2];
      for (int t = 0; t < 4; t++) {
        int entries = m * n * k > 1_000_000 ? 1 : batch;
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        int lda = (ta ? m : k) + padA;
        int ldb = (tb ? k : n) + padB;
        long aStride = (long) (ta ? k : m) * lda;
        long bStride = (long) (tb ? n : k) * ldb;
        MatmulSpec s =
            new MatmulSpec(
                entries,
                m,
                n,
                k,
                ta,
                tb,
                5,
                aStride,
                3,
                bStride,
                7,
                (long) m * n + 2,
                alpha,
                t == zeroBeta ? 0 : 0.5,
                lda,
                ldb);
        float[] a = random(seed, (int) (5 + entries * aStride));
        float[] bm = random(seed + 1, (int) (3 + entries * bStride));
        float[] c = random(seed + 2, 7 + entries * (m * n + 2));
        String what = "matmul " + s + " threads=" + threads;
        assertClose(what, run(simd, s, a, bm, c), run(ref, s, a, bm, c), 2e-5 * Math.sqrt(k));
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2, 5, 16})
  void largeMatmulsMatchTheReference(int threads) {
    // several cache blocks in every dimension with tails; shapes that take the in-place transposed
    // A ({64, 40, 24}, {200, 70, 513}), the in-place B ({64, 64, 40}, {16, 128, 33}) and the
    // 4-row edge kernel ({131, ...}, {97, ...}); a transposed A over enough columns to be packed
    // ({64, 288, 40} on one thread) and a small B under enough rows to be packed ({272, 64, 48}
    // on one thread), both read in place once split over threads
    int[][] dims = {
      {131, 2100, 300},
      {64, 288, 40},
      {272, 64, 48},
      {200, 70, 513},
      {97, 97, 97},
      {1, 300, 600},
      {300, 1, 40},
      {64, 40, 24},
      {64, 64, 40},
      {16, 128, 33}
    };
    matmulsMatch(threads, dims, 3, 0.75, 3, 1);
  }

  @Test
  void matmulsAreTheSameBitForBitOnAnyNumberOfThreads() {
    // tasks of different sizes take different kernels (packed or in place, 8 or 4 rows, edge
    // tiles) for the same element of C: each accumulates along k in the same order, so the result
    // must not depend on the split
    int[][] dims = {{272, 288, 300}, {64, 288, 40}, {272, 64, 48}, {131, 300, 70}, {200, 70, 513}};
    for (int[] d : dims) {
      int m = d[0];
      int n = d[1];
      int k = d[2];
      for (int t = 0; t < 4; t++) {
        MatmulSpec s = MatmulSpec.of(1, m, n, k, (t & 1) != 0, (t & 2) != 0);
        float[] a = random(41, m * k);
        float[] bm = random(42, k * n);
        float[] c = new float[m * n];
        float[] one = run(SimdBackends.withThreads(1), s, a, bm, c);
        for (int threads : new int[] {2, 3, 16}) {
          assertArrayEquals(
              one,
              run(SimdBackends.withThreads(threads), s, a, bm, c),
              () -> "matmul " + s + " on " + threads + " threads");
        }
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void matmulsWithLeadingDimensionsBeyondTheRowsMatchTheReference(int threads) {
    // the packed kernel (in-place and packed A, in-place and packed B, 16x16 transposes, edge
    // tiles), the narrow kernel and the small kernel, each reading A and B rows a leading dimension
    // apart: a head's columns of a projection (lda = H·d) and transposed views of one
    int[][] dims = {
      {131, 300, 70},
      {64, 288, 40},
      {272, 64, 48},
      {64, 64, 40},
      {16, 128, 33},
      {200, 70, 513},
      {97, 7, 97},
      {133, 10, 257},
      {32, 10, 10},
      {3, 17, 7},
      {1, 1, 1},
      {1, 13, 31}
    };
    matmulsMatch(threads, dims, 3, 0.75, 2, 21, 3, 0);
    matmulsMatch(threads, dims, 2, 1.0, 1, 22, 0, 5);
    matmulsMatch(threads, dims, 2, -0.5, 0, 23, 64 * 3, 17);
  }

  @Test
  void smallMatmulsAreTheReferencesBitForBit() {
    // at most 1024 multiply-adds per matrix (SmallGemm): rows of C in masked vectors, four at a
    // time, where op(B)'s rows are contiguous or a transposed B is copied (from 4 rows of C, up to
    // 256 elements of B), scalar otherwise; all must equal the reference exactly. From {10, 10, 32}
    // on they are larger but narrower than a register panel: SmallGemm's vector rows too where
    // op(B)
    // is row-major or copied ({32, 10, 10} and {32, 5, 10} with a transposed B: a seed-sized
    // layer at batch 32), the packed kernel otherwise
    Backend simd = SimdBackends.withThreads(1);
    Backend ref = TestBackends.reference();
    int[][] dims = {
      {1, 10, 10},
      {1, 5, 10},
      {10, 10, 1},
      {3, 17, 7},
      {2, 33, 5},
      {4, 16, 16},
      {10, 10, 32},
      {32, 16, 32},
      {16, 31, 33},
      {32, 10, 10},
      {32, 5, 10},
      {7, 16, 16}
    };
    for (int[] d : dims) {
      int m = d[0];
      int n = d[1];
      int k = d[2];
      boolean narrowOnly = (long) m * n * k > 1024;
      // t: bit 0 transposes A, bit 1 B, bit 2 keeps C (beta), bit 3 shares one B over the batch,
      // bit 4 stores the rows of A and B 3 and 2 elements longer than they are (lda, ldb)
      for (int t = 0; t < 32; t++) {
        if (narrowOnly && (t & 2) != 0 && !SmallGemm.transposes(m, n, k)) {
          continue;
        }
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        int lda = (ta ? m : k) + ((t & 16) != 0 ? 3 : 0);
        int ldb = (tb ? k : n) + ((t & 16) != 0 ? 2 : 0);
        long aStride = (long) (ta ? k : m) * lda;
        long bStride = (long) (tb ? n : k) * ldb;
        MatmulSpec s =
            new MatmulSpec(
                3,
                m,
                n,
                k,
                ta,
                tb,
                2,
                aStride,
                1,
                (t & 8) != 0 ? 0 : bStride,
                3,
                (long) m * n + 1,
                (t & 4) == 0 ? 1.0 : 0.75,
                (t & 4) != 0 ? 0.5 : 0,
                lda,
                ldb);
        float[] a = random(11, (int) (2 + 3 * aStride));
        float[] bm = random(12, (int) (1 + 3 * bStride));
        float[] c = random(13, 3 + 3 * (m * n + 1));
        assertArrayEquals(run(ref, s, a, bm, c), run(simd, s, a, bm, c), () -> "matmul " + s);
      }
    }
  }

  @Test
  void matricesSplitIntoGridsThatPackLittle() {
    // 2 threads: columns for a square C, rows for a tall one (a weight gradient)
    assertArrayEquals(new int[] {1, 2}, Gemm.grid(1024, 1024, 2));
    assertArrayEquals(new int[] {2, 1}, Gemm.grid(1024, 256, 2));
    // many threads: two-dimensional
    assertArrayEquals(new int[] {4, 4}, Gemm.grid(1024, 1024, 16));
    assertArrayEquals(new int[] {2, 2}, Gemm.grid(1024, 1024, 4));
    assertArrayEquals(new int[] {4, 2}, Gemm.grid(2048, 1024, 8));
    // fewer blocks than asked where C has too few panels, never more
    assertArrayEquals(new int[] {2, 2}, Gemm.grid(16, 2 * Gemm.NR, 16));
    assertArrayEquals(new int[] {1, 1}, Gemm.grid(Gemm.MR, Gemm.NR, 4));
    for (int splits = 1; splits <= 40; splits++) {
      for (int m : new int[] {1, 9, 100, 1000}) {
        for (int n : new int[] {1, 33, 100, 1000}) {
          int[] g = Gemm.grid(m, n, splits);
          assertTrue(g[0] >= 1 && g[1] >= 1 && g[0] * g[1] <= splits, () -> Arrays.toString(g));
          assertTrue(g[0] <= (m + Gemm.MR - 1) / Gemm.MR && g[1] <= (n + Gemm.NR - 1) / Gemm.NR);
        }
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void narrowMatmulsMatchTheReference(int threads) {
    // C of at most 16 columns with a row-major A (NarrowGemm): rows and columns that are not
    // multiples of its 4 x 4 block, depths with and without a vector tail, one split over threads
    int[][] dims = {{133, 10, 257}, {6, 16, 16}, {1, 1, 17}, {3, 5, 100}, {4099, 7, 600}};
    matmulsMatch(threads, dims, 2, -1.25, 1, 6);
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2, 3})
  void fewRowMatmulsMatchTheReference(int threads) {
    // 1 to 4 rows of C (FewRows: dot products for a transposed B, rows of B streamed otherwise) and
    // 5 (the packed kernel again): widths and depths off the vector length and the 16-column block,
    // a row-major B wider than one accumulated piece (1100 > 512 columns for several rows, 2100 >
    // 2048 for one), weights above the split threshold ({.., 301, 257}, {.., 1100, 70}),
    // transposed A, leading dimensions, batches
    int[][] dims = {
      {1, 2100, 20},
      {1, 17, 16},
      {1, 33, 17},
      {2, 100, 31},
      {3, 301, 257},
      {4, 1100, 70},
      {1, 1100, 70},
      {2, 1100, 3},
      {5, 301, 257},
      {1, 40, 600},
      {3, 19, 1}
    };
    matmulsMatch(threads, dims, 3, 0.75, 2, 31);
    matmulsMatch(threads, dims, 2, 1.0, 0, 32, 3, 5);
    matmulsMatch(threads, dims, 2, -0.5, 1, 33, 7, 16);
  }

  @Test
  void fewRowMatmulsGiveTheSameBitsOnAnyNumberOfThreads() {
    // each element of C is one chain of fused multiply-adds whatever the split over threads
    for (int[] d : new int[][] {{1, 3000, 300}, {3, 1001, 257}, {2, 2000, 130}, {4, 777, 555}}) {
      for (boolean tb : new boolean[] {false, true}) {
        int m = d[0];
        int n = d[1];
        int k = d[2];
        MatmulSpec s = new MatmulSpec(1, m, n, k, false, tb, 0, 0, 0, 0, 0, 0, 1.0, 1.0);
        float[] a = random(41, m * k);
        float[] bm = random(42, n * k);
        float[] c = random(43, m * n);
        float[] one = run(SimdBackends.withThreads(1), s, a, bm, c);
        assertTrue((long) n * k * 4 >= FewRows.PARALLEL_MIN_WEIGHT_BYTES);
        for (int threads : new int[] {2, 3, 7}) {
          assertArrayEquals(one, run(SimdBackends.withThreads(threads), s, a, bm, c), s::toString);
        }
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void sixteenBitWeightsGiveTheBitsOfTheirWidenedValues(int threads) {
    // a B of a storage type (BFLOAT16, FLOAT16) against the FLOAT32 B it widens to: FewRows (1-4
    // rows, both layouts, a piece wider than 512 columns and a depth beyond one 32-row slab, block
    // edges, leading dimensions, batches) and the other kernels after a whole widening (5 and 40
    // rows), bit for bit on the same backend; and the reference backend (which widens too) within
    // the usual tolerance
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    int[][] dims = {
      {1, 17, 16}, {2, 100, 33}, {3, 301, 70}, {4, 1100, 70}, {1, 600, 65}, {5, 64, 40}
    };
    for (DType type : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
      for (int[] d : dims) {
        int m = d[0];
        int n = d[1];
        int k = d[2];
        for (int t = 0; t < 4; t++) {
          boolean tb = (t & 1) != 0;
          int ldb = (tb ? k : n) + ((t & 2) != 0 ? 3 : 0);
          long bStride = (long) (tb ? n : k) * ldb;
          MatmulSpec s =
              new MatmulSpec(
                  2,
                  m,
                  n,
                  k,
                  false,
                  tb,
                  1,
                  (long) m * k,
                  2,
                  bStride,
                  0,
                  (long) m * n,
                  1.0,
                  (t & 2) != 0 ? 1.0 : 0.0,
                  k,
                  ldb);
          float[] a = random(51, 1 + 2 * m * k);
          float[] bv = random(52, (int) (2 + 2 * bStride));
          short[] h = new short[bv.length];
          float[] wide = new float[bv.length];
          for (int i = 0; i < h.length; i++) {
            h[i] = type.narrow(bv[i] * 0.5f);
            wide[i] = type.widen(h[i]);
          }
          float[] c = random(53, 2 * m * n);
          float[] expected = run(simd, s, a, wide, c);
          float[] actual = runHalf(simd, s, a, type, h, c);
          assertArrayEquals(expected, actual, () -> type + " " + s);
          assertClose(
              type + " " + s, runHalf(ref, s, a, type, h, c), expected, 2e-5 * Math.sqrt(k));
        }
      }
    }
  }

  private static float[] runHalf(
      Backend b, MatmulSpec s, float[] a, DType type, short[] h, float[] c) {
    Buffer ab = upload(b, a);
    Buffer hb = b.allocate(type, h.length);
    b.upload(MemorySegment.ofArray(h), hb, 0, h.length);
    Buffer cb = upload(b, c);
    b.matmul(s, ab, hb, cb);
    ab.close();
    hb.close();
    return download(b, cb);
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void aFusedChainWritingOverAnInputItAlsoCopiesOut(int threads) {
    // outputs (x, x·x + 1) with the second written over x: the input copied out must be x as it
    // was, not the chain's result (the last step may not write its output first here)
    Backend simd = SimdBackends.withThreads(threads);
    ElementwiseProgram.Builder p = ElementwiseProgram.builder(1);
    int last = p.affine(p.unary(UnaryOp.SQUARE, 0), 1, 1);
    ElementwiseProgram program = p.output(0).output(last).build();
    FusedElementwise fused = simd.capability(FusedElementwise.class).orElseThrow();
    int n = 70_001;
    float[] x = random(14, n);
    Buffer xb = upload(simd, x);
    Buffer copy = simd.allocate(DType.FLOAT32, n);
    fused.run(program, new double[0], new Buffer[] {xb}, new Buffer[] {copy, xb}, n);
    float[] expected = new float[n];
    for (int i = 0; i < n; i++) {
      expected[i] = x[i] * x[i] + 1;
    }
    assertClose("the input copied out", download(simd, copy), x, 0);
    assertClose("the chain over its input", download(simd, xb), expected, 1e-6);
  }

  /**
   * The step-by-step composite of a two-input program on this backend: each step one {@code unary}
   * or {@code binary} call over whole buffers, the outputs downloaded.
   */
  private static float[][] stepByStep(
      Backend b, ElementwiseProgram program, double[] params, float[] x0, float[] x1) {
    int n = x0.length;
    Layout all = Layout.contiguous(n);
    Buffer[] r = new Buffer[program.registers()];
    r[0] = upload(b, x0);
    r[1] = upload(b, x1);
    for (int s = 0; s < program.stepCount(); s++) {
      ElementwiseProgram.Step st = program.step(s);
      Buffer y = b.allocate(DType.FLOAT32, n);
      if (st.unary() != null) {
        b.unary(st.unary(), st.a().resolve(params), st.b().resolve(params), r[st.x()], all, y, all);
      } else {
        b.binary(st.binary(), r[st.x()], all, r[st.y()], all, y, all);
      }
      r[2 + s] = y;
    }
    float[][] out = new float[program.outputCount()][];
    for (int j = 0; j < out.length; j++) {
      out[j] = new float[n];
      b.download(r[program.output(j)], 0, n, MemorySegment.ofArray(out[j]));
    }
    for (Buffer buf : r) {
      buf.close();
    }
    return out;
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void shortTrainingProgramsRunAsOneLoopWithTheBitsOfTheirSteps(int threads) {
    // the programs a training step makes at every step (SGD's update with its rate a parameter, a
    // scaled product, tanh's backward, MSE's difference and square) run as one vector loop; their
    // results must be the step-by-step kernels' bits, tails (n not a multiple of the vector
    // length) and splits over threads included, also where the output is written over an input
    Backend simd = SimdBackends.withThreads(threads);
    FusedElementwise fused = simd.capability(FusedElementwise.class).orElseThrow();
    ElementwiseProgram.Builder sgd = ElementwiseProgram.builder(2);
    // (a shift as well as the rate, so that a product and a sum differ from one fused multiply-add)
    ElementwiseProgram.Scalar lr = sgd.parameter();
    ElementwiseProgram.Scalar shift = sgd.parameter();
    int sgdOut = sgd.binary(BinaryOp.ADD, 0, sgd.affine(1, lr, shift));
    ElementwiseProgram.Builder scaled = ElementwiseProgram.builder(2);
    int scaledOut = scaled.binary(BinaryOp.MUL, 0, scaled.affine(1, 2.1, -0.3));
    ElementwiseProgram.Builder tanhBack = ElementwiseProgram.builder(2);
    int square = tanhBack.unary(UnaryOp.SQUARE, 1);
    int tanhOut = tanhBack.binary(BinaryOp.MUL, 0, tanhBack.affine(square, -1.0, 1.0));
    ElementwiseProgram.Builder mse = ElementwiseProgram.builder(2);
    int diff = mse.binary(BinaryOp.SUB, 0, 1);
    int sq = mse.unary(UnaryOp.SQUARE, diff);
    ElementwiseProgram[] programs = {
      sgd.output(sgdOut).build(),
      scaled.output(scaledOut).build(),
      tanhBack.output(tanhOut).build(),
      mse.output(diff).output(sq).build()
    };
    double[][] params = {{-0.0123, 0.37}, {}, {}, {}};
    for (int k = 0; k < programs.length; k++) {
      ElementwiseProgram program = programs[k];
      // 65 567 elements split over two threads at 32 784, a whole number of vectors, so that the
      // same elements fall in the scalar tails as in the unsplit step-by-step kernels
      for (int n : new int[] {1, 15, 16, 17, 1031, 65_567}) {
        float[] x0 = random(40 + k, n);
        float[] x1 = random(50 + k, n);
        float[][] expected = stepByStep(simd, program, params[k], x0, x1);
        String what = program + " n=" + n + " threads=" + threads;
        Buffer a = upload(simd, x0);
        Buffer b = upload(simd, x1);
        Buffer[] outs = new Buffer[program.outputCount()];
        for (int j = 0; j < outs.length; j++) {
          outs[j] = simd.allocate(DType.FLOAT32, n);
        }
        fused.run(program, params[k], new Buffer[] {a, b}, outs, n);
        for (int j = 0; j < outs.length; j++) {
          assertSameBits("output " + j + " of " + what, download(simd, outs[j]), expected[j]);
        }
        // the first output written over the first input, as an update writes its parameter
        Buffer[] over = outs.clone();
        over[0] = a;
        for (int j = 1; j < outs.length; j++) {
          over[j] = simd.allocate(DType.FLOAT32, n);
        }
        fused.run(program, params[k], new Buffer[] {a, b}, over, n);
        assertSameBits("in place " + what, download(simd, a), expected[0]);
        for (int j = 1; j < over.length; j++) {
          download(simd, over[j]);
        }
        b.close();
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void fusedProgramsTakeTheirRunTimeParametersOnEveryCall(int threads) {
    // one program (an update with a learning rate and a shift as parameters, a constant clamp)
    // run with different parameter values: each call follows the program's evaluate for its values
    Backend simd = SimdBackends.withThreads(threads);
    FusedElementwise fused = simd.capability(FusedElementwise.class).orElseThrow();
    ElementwiseProgram.Builder p = ElementwiseProgram.builder(2);
    ElementwiseProgram.Scalar rate = p.parameter();
    ElementwiseProgram.Scalar shift = p.parameter();
    int step = p.affine(1, rate, shift);
    int next = p.binary(BinaryOp.SUB, 0, step);
    int clamped = p.unary(UnaryOp.CLAMP, -1.5, 1.5, next);
    ElementwiseProgram program = p.output(clamped).output(step).build();
    for (int n : new int[] {1, 37, 70_001}) {
      float[] x = random(15, n);
      float[] g = random(16, n);
      for (double[] params : new double[][] {{0.5, -0.25}, {-2, 3}, {0.001, 0}}) {
        Buffer xb = upload(simd, x);
        Buffer gb = upload(simd, g);
        Buffer sb = simd.allocate(DType.FLOAT32, n);
        fused.run(program, params, new Buffer[] {xb, gb}, new Buffer[] {xb, sb}, n);
        gb.close();
        float[] updated = download(simd, xb);
        float[] steps = download(simd, sb);
        float[] expectUpdated = new float[n];
        float[] expectSteps = new float[n];
        for (int i = 0; i < n; i++) {
          double[] e = program.evaluate(new double[] {x[i], g[i]}, params, true);
          expectUpdated[i] = (float) e[0];
          expectSteps[i] = (float) e[1];
        }
        String what = Arrays.toString(params) + " n=" + n + " threads=" + threads;
        assertClose("step " + what, steps, expectSteps, 1e-6);
        assertClose("update " + what, updated, expectUpdated, 1e-6);
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void broadcastBatchesSplitOverThreads(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    // 32 attention-like products with a shared right operand (batch stride 0)
    MatmulSpec s = new MatmulSpec(32, 33, 40, 64, false, true, 0, 33 * 64, 0, 0, 0, 33 * 40, 1, 0);
    float[] a = random(4, 32 * 33 * 64);
    float[] bm = random(5, 40 * 64);
    float[] c = new float[32 * 33 * 40];
    assertClose("broadcast batch", run(simd, s, a, bm, c), run(ref, s, a, bm, c), 2e-4);
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void largeElementwiseAndSoftmaxMatchTheReference(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    int n = 100_003;
    float[] x = random(6, n);
    float[] y = random(7, n);
    for (UnaryOp op : UnaryOp.values()) {
      float[] in = x.clone();
      if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW) {
        for (int i = 0; i < n; i++) {
          in[i] = Math.abs(in[i]) + 0.05f;
        }
      }
      float[][] out = new float[2][];
      Backend[] backends = {simd, ref};
      for (int j = 0; j < 2; j++) {
        Buffer xb = upload(backends[j], in);
        Buffer yb = backends[j].allocate(DType.FLOAT32, n);
        Layout all = Layout.contiguous(n);
        backends[j].unary(op, 1.5, -0.25, xb, all, yb, all);
        xb.close();
        out[j] = download(backends[j], yb);
      }
      assertClose("unary " + op + " threads=" + threads, out[0], out[1], 1e-5);
    }
    Layout l = Layout.contiguous(n);
    for (BinaryOp op : BinaryOp.values()) {
      float[][] out = new float[2][];
      Backend[] backends = {simd, ref};
      for (int j = 0; j < 2; j++) {
        Buffer ab = upload(backends[j], x);
        Buffer bb = upload(backends[j], y);
        Buffer ob = backends[j].allocate(DType.FLOAT32, n);
        backends[j].binary(op, ab, l, bb, l, ob, l);
        ab.close();
        bb.close();
        out[j] = download(backends[j], ob);
      }
      if (op != BinaryOp.POW) {
        assertClose("binary " + op + " threads=" + threads, out[0], out[1], 1e-6);
      }
    }
    for (boolean log : new boolean[] {false, true}) {
      int rows = 1001;
      int cols = 131;
      float[] s = random(8, rows * cols);
      float[][] out = new float[2][];
      Backend[] backends = {simd, ref};
      for (int j = 0; j < 2; j++) {
        Buffer xb = upload(backends[j], s);
        backends[j].softmax(xb, Layout.contiguous(rows, cols, 1), log, xb);
        out[j] = download(backends[j], xb);
      }
      assertClose("softmax log=" + log + " threads=" + threads, out[0], out[1], 1e-5);
    }
  }

  @Test
  void tanhIsWithinSixUlpOfTheFloat64FunctionEverywhere() {
    // the rational approximation: a sweep of [-12, 12] with every vector tail, the ends of its
    // range (±9 and beyond), the small magnitudes where it returns x, subnormals, zeros of both
    // signs, infinities and NaN
    Backend simd = SimdBackends.withThreads(1);
    float[] special = {
      0f,
      -0f,
      Float.MIN_VALUE,
      -1e-40f,
      1e-30f,
      1e-10f,
      3.99e-4f,
      -4.01e-4f,
      1e-3f,
      0.5f,
      -0.5f,
      1f,
      3f,
      8.47554f,
      -8.47554f,
      8.999f,
      9f,
      -9f,
      9.01f,
      20f,
      -20f,
      Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN
    };
    int sweep = 200_001;
    float[] x = Arrays.copyOf(special, special.length + sweep);
    for (int i = 0; i < sweep; i++) {
      x[special.length + i] = -12f + 24f * i / (sweep - 1);
    }
    for (int n : new int[] {x.length, 1, 7, 17, 33}) {
      float[] in = Arrays.copyOf(x, n);
      Buffer xb = upload(simd, in);
      Buffer yb = simd.allocate(DType.FLOAT32, n);
      simd.unary(UnaryOp.TANH, 0, 0, xb, Layout.contiguous(n), yb, Layout.contiguous(n));
      float[] y = download(simd, yb);
      for (int i = 0; i < n; i++) {
        float expected = (float) Math.tanh(in[i]);
        if (Float.isNaN(expected)) {
          assertTrue(Float.isNaN(y[i]), "tanh(NaN) = " + y[i]);
          continue;
        }
        double ulps = Math.abs(y[i] - (double) expected) / Math.ulp(expected);
        int at = i;
        assertTrue(ulps <= 6, () -> "tanh(" + in[at] + ") = " + y[at] + ", expected " + expected);
        if (Math.abs(in[i]) < 4e-4f) {
          assertEquals(Float.floatToIntBits(in[i]), Float.floatToIntBits(y[i]), "tanh(x) = x");
        }
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void largeBroadcastCopyAndSumMatchTheReference(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    Backend[] backends = {simd, ref};
    int rows = 1001;
    int cols = 131;
    float[] x = random(9, rows * cols);
    float[] bias = random(10, cols);
    Layout full = Layout.contiguous(rows, cols);
    Layout row = new Layout(new int[] {rows, cols}, new long[] {0, 1}, 0);
    for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.MAX}) {
      float[][] out = new float[2][];
      for (int j = 0; j < 2; j++) {
        Buffer ab = upload(backends[j], x);
        Buffer bb = upload(backends[j], bias);
        backends[j].binary(op, ab, full, bb, row, ab, full);
        bb.close();
        out[j] = download(backends[j], ab);
      }
      assertClose("broadcast " + op + " threads=" + threads, out[0], out[1], 1e-6);
    }
    // a permutation [a, b, c] -> [b, a, c] and a transpose, both large
    int[] dims = {37, 41, 53};
    Layout permuted = new Layout(new int[] {41, 37, 53}, new long[] {53, 41 * 53, 1}, 0);
    Layout transposed = new Layout(new int[] {cols, rows}, new long[] {1, cols}, 0);
    float[] y = random(11, dims[0] * dims[1] * dims[2]);
    Layout[][] cases = {
      {permuted, Layout.contiguous(41, 37, 53)}, {transposed, Layout.contiguous(cols, rows)}
    };
    float[][] sources = {y, x};
    for (int c = 0; c < cases.length; c++) {
      float[][] out = new float[2][];
      for (int j = 0; j < 2; j++) {
        Buffer sb = upload(backends[j], sources[c]);
        Buffer db = backends[j].allocate(DType.FLOAT32, sources[c].length);
        backends[j].copy(sb, cases[c][0], db, cases[c][1]);
        sb.close();
        out[j] = download(backends[j], db);
      }
      assertClose("copy " + cases[c][0] + " threads=" + threads, out[0], out[1], 0);
    }
    int[][] shapes = {{rows, cols, 1}, {1, rows, cols}, {7, 150, 33}, {1, 5, 40_000}, {3, 70, 300}};
    for (int[] sh : shapes) {
      float[] v = random(12, sh[0] * sh[1] * sh[2]);
      float[][] out = new float[2][];
      for (int j = 0; j < 2; j++) {
        Buffer vb = upload(backends[j], v);
        Buffer ob = backends[j].allocate(DType.FLOAT32, (long) sh[0] * sh[2]);
        backends[j].reduce(ReduceOp.SUM, vb, Layout.contiguous(sh), ob);
        vb.close();
        out[j] = download(backends[j], ob);
      }
      assertClose(
          "sum " + java.util.Arrays.toString(sh) + " threads=" + threads,
          out[0],
          out[1],
          1e-5 * Math.sqrt(sh[1]));
    }
  }
}
