package dev.heed.backend.simd;

import dev.heed.core.backend.MatmulSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code matmul}, blocked for cache and registers in the manner of BLIS/GotoBLAS.
 *
 * <p>For each block of {@link #NC} columns and {@link #KC} depth, {@code op(B)} is packed into
 * panels of {@link #NR} columns (for each {@code p}, {@code NR} consecutive values: two vectors of
 * the preferred species); for each block of {@link #MC} rows, {@code op(A)} is packed into panels
 * of {@link #MR} rows. The micro-kernel keeps an {@code MR × NR} tile of C in {@code 2·MR} vector
 * registers (16 with MR = 8, of the 32 that AVX-512 has) and does {@code 2·MR} FMAs per step of
 * {@code p} with two vector loads and {@code MR} broadcasts. Transposes are absorbed by the packing
 * (a transposed B by 16×16 transposes in registers, {@link #transpose16}, a row-major A sixteen
 * rows at a time by {@link #packRows16}), so all four combinations run the same kernel; a row-major
 * A feeding few columns is not packed at all but read in place by a second kernel through eight row
 * pointers, and a transposed A (a block of whole panels) feeding fewer than {@link
 * #PACK_T_MIN_COLUMNS} columns and a small row-major B (whole panels) under fewer than {@link
 * #PACK_B_MIN_ROWS} rows are read in place by the first kernel, whose steps are then a row apart.
 * Where both operands are packed, {@link #kernelPacked} runs the same tile with constant steps.
 * Tiles at the edges are computed into a scratch tile and merged with scalar code; an edge panel of
 * at most four rows runs a 4-row kernel. Panels are zero-padded, so edges cost no branches in the
 * kernel. Eight rows suit the power-of-two extents of attention networks (no edge tile for 32, 64,
 * 128 or 1024 rows) and make a step of a transposed A one 256-bit vector.
 *
 * <p>Work is split over the backend's threads by batch entry, and within a matrix into a grid of
 * row ranges (multiples of {@code MR}) and column ranges (multiples of {@code NR}), each task
 * writing its own block of C. Packing buffers are per thread and reused, so a call allocates
 * nothing once warm. Accumulation is in float, in blocks of {@code KC} along {@code k}: {@code C =
 * alpha·acc + beta·C} for the first block, {@code C += alpha·acc} afterwards.
 */
final class Gemm {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Whether packing a transposed B uses {@link #transpose16} (512-bit vectors: 16 lanes). */
  static final boolean T16 = L == 16;

  /** Lane selections of {@link #transpose16}: round r swaps bit r of row and lane. */
  private static final FloatVector[] T16_LO = new FloatVector[4];

  private static final FloatVector[] T16_HI = new FloatVector[4];

  /**
   * Lane selections of {@link #packRows16}: rounds 0 and 1 swap vector bit 2 with lane bit 3 and
   * vector bit 1 with lane bit 2; round 2 swaps vector bit 0 with lane bit 1 and rotates the lane
   * bits so that each vector holds eight rows at two consecutive depths.
   */
  private static final FloatVector[] P16_LO = new FloatVector[3];

  private static final FloatVector[] P16_HI = new FloatVector[3];

  static {
    if (T16) {
      for (int r = 0; r < 2; r++) {
        int b = 3 - r;
        float[] lo = new float[16];
        float[] hi = new float[16];
        for (int l = 0; l < 16; l++) {
          int from = (l >> b & 1) == 0 ? 0 : 16;
          lo[l] = from + (l & ~(1 << b));
          hi[l] = from + (l | (1 << b));
        }
        P16_LO[r] = FloatVector.fromArray(S, lo, 0);
        P16_HI[r] = FloatVector.fromArray(S, hi, 0);
      }
      float[] lo = new float[16];
      float[] hi = new float[16];
      for (int l = 0; l < 16; l++) {
        // lane l = (p0 i2 i1 i0) comes from lane (i2 i1 t p0) of the vector whose bit 0 is i0
        int from = (l & 1) == 0 ? 0 : 16;
        int lane = ((l >> 2 & 1) << 3) | ((l >> 1 & 1) << 2) | (l >> 3);
        lo[l] = from + lane;
        hi[l] = from + lane + 2;
      }
      P16_LO[2] = FloatVector.fromArray(S, lo, 0);
      P16_HI[2] = FloatVector.fromArray(S, hi, 0);
    }
  }

  static {
    if (T16) {
      for (int r = 0; r < 4; r++) {
        int c = 1 << r;
        float[] lo = new float[16];
        float[] hi = new float[16];
        for (int l = 0; l < 16; l++) {
          // selectFrom(x, y): indexes 0..15 pick lanes of x, 16..31 lanes of y
          lo[l] = (l & c) == 0 ? l : 16 + (l ^ c);
          hi[l] = (l & c) == 0 ? (l ^ c) : 16 + l;
        }
        T16_LO[r] = FloatVector.fromArray(S, lo, 0);
        T16_HI[r] = FloatVector.fromArray(S, hi, 0);
      }
    }
  }

  /** Rows of the register tile. */
  static final int MR = 8;

  /**
   * The species that moves one packed step of a transposed A (MR = 8 floats) in one load and one
   * store, or null where vectors are narrower than 256 bits (then System.arraycopy moves it).
   */
  private static final VectorSpecies<Float> A8 =
      S.vectorBitSize() >= 256 ? FloatVector.SPECIES_256 : null;

  /** Columns of the register tile: two vectors. */
  static final int NR = 2 * L;

  /** Depth of a packed block (A panel and B panel share it). */
  static final int KC = 256;

  /** Rows of a packed A block (fits L2 with the B panel). */
  static final int MC = 16 * MR;

  /**
   * Columns of a packed B block: its {@code KC × NC} floats (1 MiB) stay in a 2 MiB level-2 cache
   * beside the A block, where a block of 4096 columns (the earlier limit) spilled to the last level
   * (1.04–1.10× at n = 2048 on the AVX-512 machine; nothing changes up to 1024 columns).
   */
  static final int NC = 1024;

  /**
   * Products below this many multiply-adds (some tens of microseconds of work) run on the calling
   * thread only: handing part of a smaller product to another thread costs more than it saves.
   */
  static final long PARALLEL_MIN_FMAS = 1L << 21;

  /**
   * Columns of C below which a row-major A is not packed but read in place. Packing by {@link
   * #packRows16} costs about a third of scalar moves, so it pays from this many columns on (a lower
   * limit is no faster on the machines measured).
   */
  private static final int IN_PLACE_A_MAX_COLUMNS = 128;

  /**
   * Elements of a row-major B up to which it is read in place by the micro-kernel instead of packed
   * (256 KiB: it stays in the level-2 cache), which saves the packing of small products; a larger B
   * gains nothing from it.
   */
  private static final long IN_PLACE_B_MAX = 1L << 16;

  /**
   * Rows of C from which a small row-major B is packed after all: its packing is then spread over
   * enough rows that {@link #kernelPacked} (constant steps) gains more than the packing costs
   * (1.13× at 256 rows; about even at 128, and at 64 rows reading in place is faster).
   */
  private static final int PACK_B_MIN_ROWS = 256;

  /**
   * Columns of C from which a transposed A is packed rather than read in place, for the same reason
   * (1.04× at 256 columns, 1.13× at 1024; at 128 columns reading in place is faster).
   */
  private static final int PACK_T_MIN_COLUMNS = 256;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Per-thread packing buffers. */
  private static final class Scratch {
    final float[] a = new float[MC * KC];
    final float[] b = new float[NC * KC];
    final float[] tile = new float[MR * NR];
  }

  private Gemm() {}

  static void matmul(Workers workers, MatmulSpec s, float[] a, float[] b, float[] c) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    int batch = s.batch();
    if (m == 0 || n == 0 || batch == 0) {
      return;
    }
    if (k == 0) {
      float beta = (float) s.beta();
      for (int t = 0; t < batch; t++) {
        int co = (int) (s.cOffset() + t * s.cBatchStride());
        for (int i = 0; i < m * n; i++) {
          c[co + i] = beta == 0 ? 0f : beta * c[co + i];
        }
      }
      return;
    }
    if (NarrowGemm.takes(s)) {
      NarrowGemm.matmul(workers, s, a, b, c);
      return;
    }
    long fmas = (long) batch * m * n * k;
    int threads = fmas < PARALLEL_MIN_FMAS ? 1 : workers.threads();
    int rowUnits = (m + MR - 1) / MR;
    int colUnits = (n + NR - 1) / NR;
    // with fewer matrices than threads, each matrix is split into a grid of blocks of C (see grid)
    int[] parts = grid(m, n, batch < threads ? (threads + batch - 1) / batch : 1);
    int rowChunk = (rowUnits + parts[0] - 1) / parts[0];
    int colChunk = (colUnits + parts[1] - 1) / parts[1];
    int rowChunks = (rowUnits + rowChunk - 1) / rowChunk;
    int colChunks = (colUnits + colChunk - 1) / colChunk;
    int chunks = rowChunks * colChunks;
    int tasks = batch * chunks;
    Workers.Body body =
        task -> {
          int t = task / chunks;
          int chunk = task % chunks;
          int i0 = chunk / colChunks * rowChunk * MR;
          int j0 = chunk % colChunks * colChunk * NR;
          int ao = (int) (s.aOffset() + t * s.aBatchStride());
          int bo = (int) (s.bOffset() + t * s.bBatchStride());
          int co = (int) (s.cOffset() + t * s.cBatchStride());
          single(
              s,
              a,
              ao,
              b,
              bo,
              c,
              co,
              i0,
              Math.min(m, i0 + rowChunk * MR),
              j0,
              Math.min(n, j0 + colChunk * NR),
              SCRATCH.get(),
              null);
        };
    if (threads == 1) {
      for (int task = 0; task < tasks; task++) {
        body.run(task);
      }
    } else {
      workers.parallelFor(tasks, body);
    }
  }

  /**
   * How one {@code m×n} matrix of C is split into about {@code splits} blocks: {@code {row parts,
   * column parts}}, whose product is at most {@code splits} (less only where C has too few panels
   * of {@code MR} rows and {@code NR} columns). Each block's task packs its rows of A and its
   * columns of B, so the grid minimises {@code m/rows + n/columns}, and of equal grids takes the
   * one with fewer row parts (a square C on 2 threads splits by columns, which is faster than by
   * rows on the machines measured). A two-dimensional grid keeps every task from packing all of A
   * on many threads.
   */
  static int[] grid(int m, int n, int splits) {
    int rowUnits = (m + MR - 1) / MR;
    int colUnits = (n + NR - 1) / NR;
    for (int s = (int) Math.min(splits, (long) rowUnits * colUnits); s > 1; s--) {
      int[] best = null;
      double bestCost = Double.MAX_VALUE;
      for (int rows = 1; rows <= s; rows++) {
        int cols = s / rows;
        if (rows * cols != s || rows > rowUnits || cols > colUnits) {
          continue;
        }
        double cost = (double) m / rows + (double) n / cols;
        if (cost < bestCost) {
          bestCost = cost;
          best = new int[] {rows, cols};
        }
      }
      if (best != null) {
        return best;
      }
    }
    return new int[] {1, 1};
  }

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C} for one matrix ({@code s.batch()} must be 1) on the
   * calling thread: for kernels that already split their work over the threads.
   */
  static void serial(MatmulSpec s, float[] a, float[] b, float[] c) {
    if (s.m() == 0 || s.n() == 0) {
      return;
    }
    if (s.k() == 0) {
      matmul(null, s, a, b, c);
      return;
    }
    single(
        s,
        a,
        (int) s.aOffset(),
        b,
        (int) s.bOffset(),
        c,
        (int) s.cOffset(),
        0,
        s.m(),
        0,
        s.n(),
        SCRATCH.get(),
        null);
  }

  /**
   * Writes blocks of an op(B) that is not stored as a matrix (a convolution's columns, computed
   * from the image as they are packed) in the layout {@link #packB} gives: for the depth {@code
   * [pc, pc+kc)} and columns {@code [jc, jc+nc)} ({@code jc} a multiple of {@link #NR}), panel
   * {@code q} of {@link #NR} columns at {@code q·NR·kc}, element {@code (p, j)} at {@code q·NR·kc +
   * p·NR + j}, columns past {@code n} zero.
   */
  interface BPanels {
    void pack(int pc, int kc, int jc, int nc, float[] dst);
  }

  /**
   * {@link #serial} with op(B) given by {@code panels} instead of an array: {@code s}'s B offset,
   * leading dimension and transposition are not used ({@code s.transB()} must be false).
   */
  static void serial(MatmulSpec s, float[] a, BPanels panels, float[] c) {
    if (s.m() == 0 || s.n() == 0 || s.k() == 0 || s.transB()) {
      throw new IllegalArgumentException("packed B needs a non-empty product of a plain op(B)");
    }
    single(
        s,
        a,
        (int) s.aOffset(),
        null,
        0,
        c,
        (int) s.cOffset(),
        0,
        s.m(),
        0,
        s.n(),
        SCRATCH.get(),
        panels);
  }

  /** One matrix of the batch, rows {@code [i0, i1)} and columns {@code [j0, j1)} of C. */
  private static void single(
      MatmulSpec s,
      float[] a,
      int ao,
      float[] b,
      int bo,
      float[] c,
      int co,
      int i0,
      int i1,
      int j0,
      int j1,
      Scratch scratch,
      BPanels panels) {
    int n = s.n();
    int k = s.k();
    int ldA = s.lda();
    int ldB = s.ldb();
    float alpha = (float) s.alpha();
    float beta0 = (float) s.beta();
    // a row-major A feeding few column panels is read where it lies: packing it costs more than
    // the in-place kernel loses (about 6 %) on fewer than IN_PLACE_A_MAX_COLUMNS columns
    boolean inPlace = !s.transA() && j1 - j0 < IN_PLACE_A_MAX_COLUMNS;
    for (int jc = j0; jc < j1; jc += NC) {
      int nc = Math.min(NC, j1 - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        // a small row-major B whose columns are whole panels is read where it lies, its steps a
        // row of B apart, unless enough rows of C share its packing
        boolean inPlaceB =
            panels == null
                && !inPlace
                && !s.transB()
                && n % NR == 0
                && (long) k * n <= IN_PLACE_B_MAX
                && i1 - i0 < PACK_B_MIN_ROWS;
        if (panels != null) {
          panels.pack(pc, kc, jc, nc, scratch.b);
        } else if (!inPlaceB) {
          packB(s, b, bo, pc, kc, jc, nc, scratch.b);
        }
        float beta = pc == 0 ? beta0 : 1f;
        // the kernel writes C directly for C = alpha·acc and C += alpha·acc; other betas merge a
        // tile
        boolean direct = beta == 0f || beta == 1f;
        for (int ic = i0; ic < i1; ic += MC) {
          int mc = Math.min(MC, i1 - ic);
          // a transposed A whose block is whole panels is read where it lies: each step of a panel
          // is MR consecutive values, as packed, only a row of A apart, so packing it only copies
          // (which pays from PACK_T_MIN_COLUMNS columns on, for the faster kernel)
          boolean inPlaceT = s.transA() && mc % MR == 0 && j1 - j0 < PACK_T_MIN_COLUMNS;
          if (!inPlace && !inPlaceT) {
            packA(s, a, ao, ic, mc, pc, kc, scratch.a);
          }
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bp = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              int ap = ir * kc;
              int cIndex = co + (ic + ir) * n + jc + jr;
              float[] out = c;
              int oi = cIndex;
              int ld = n;
              boolean full = mr == MR && nr == NR && direct;
              if (!full) {
                out = scratch.tile;
                oi = 0;
                ld = NR;
              }
              float scale = full ? alpha : 1f;
              // the packed panel, or a transposed A where it lies (MR consecutive values per step)
              float[] aArr = inPlaceT ? a : scratch.a;
              int aIdx = inPlaceT ? ao + pc * ldA + ic + ir : ap;
              int lda = inPlaceT ? ldA : MR;
              float[] bArr = inPlaceB ? b : scratch.b;
              int bIdx = inPlaceB ? bo + pc * ldB + jc + jr : bp;
              int ldb = inPlaceB ? ldB : NR;
              boolean acc = full && beta != 0f;
              if (inPlace) {
                // rows past the edge repeat the last row (valid memory; their results are dropped)
                int r0 = ao + (ic + ir) * ldA + pc;
                int last = mr - 1;
                kernelRows(
                    kc,
                    a,
                    r0,
                    r0 + Math.min(1, last) * ldA,
                    r0 + Math.min(2, last) * ldA,
                    r0 + Math.min(3, last) * ldA,
                    r0 + Math.min(4, last) * ldA,
                    r0 + Math.min(5, last) * ldA,
                    r0 + Math.min(6, last) * ldA,
                    r0 + Math.min(7, last) * ldA,
                    scratch.b,
                    bp,
                    out,
                    oi,
                    ld,
                    scale,
                    acc);
              } else if (mr <= MR / 2) {
                kernel4(kc, aArr, aIdx, lda, bArr, bIdx, ldb, out, oi, ld, scale, acc);
              } else if (!inPlaceT && !inPlaceB) {
                kernelPacked(kc, scratch.a, ap, scratch.b, bp, out, oi, ld, scale, acc);
              } else {
                kernel(kc, aArr, aIdx, lda, bArr, bIdx, ldb, out, oi, ld, scale, acc);
              }
              if (!full) {
                float[] tile = scratch.tile;
                for (int r = 0; r < mr; r++) {
                  int row = cIndex + r * n;
                  for (int j = 0; j < nr; j++) {
                    float v = alpha * tile[r * NR + j];
                    c[row + j] = beta == 0f ? v : v + beta * c[row + j];
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * Packs rows {@code [ic, ic+mc)}, depth {@code [pc, pc+kc)} of op(A) into panels of MR rows:
   * panel {@code q} at {@code q·MR·kc}, element {@code (r, p)} at {@code q·MR·kc + p·MR + r}.
   */
  private static void packA(
      MatmulSpec s, float[] a, int ao, int ic, int mc, int pc, int kc, float[] dst) {
    // stored rows of A are lda apart, whether they are rows of op(A) or its columns
    int ld = s.lda();
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      int base = ir * kc;
      if (!s.transA() && T16 && ir + 2 * MR <= mc) {
        // two panels of a row-major A: 16×16 blocks transposed in registers, a scalar tail of p
        int src = ao + (ic + ir) * ld + pc;
        int p = 0;
        for (; p + 16 <= kc; p += 16) {
          packRows16(a, src + p, ld, dst, base + p * MR, kc);
        }
        for (int r = 0; r < 2 * MR; r++) {
          int d = base + (r / MR) * MR * kc + r % MR;
          for (int q = p; q < kc; q++) {
            dst[d + q * MR] = a[src + r * ld + q];
          }
        }
        ir += MR;
      } else if (s.transA() && mr == MR) {
        // op(A)[i][p] = a[ao + p*ld + i]: MR = 8 consecutive values per p, one 256-bit vector
        int src = ao + pc * ld + ic + ir;
        if (A8 != null) {
          for (int p = 0, d = base; p < kc; p++, d += MR, src += ld) {
            FloatVector.fromArray(A8, a, src).intoArray(dst, d);
          }
        } else {
          for (int p = 0, d = base; p < kc; p++, d += MR, src += ld) {
            System.arraycopy(a, src, dst, d, MR);
          }
        }
      } else if (s.transA()) {
        for (int p = 0; p < kc; p++) {
          int src = ao + (pc + p) * ld + ic + ir;
          int d = base + p * MR;
          for (int r = 0; r < mr; r++) {
            dst[d + r] = a[src + r];
          }
          for (int r = mr; r < MR; r++) {
            dst[d + r] = 0f;
          }
        }
      } else if (mr == MR) {
        // op(A)[i][p] = a[ao + i*ld + p]: eight row streams, written in order
        int s0 = ao + (ic + ir) * ld + pc;
        int s1 = s0 + ld;
        int s2 = s1 + ld;
        int s3 = s2 + ld;
        int s4 = s3 + ld;
        int s5 = s4 + ld;
        int s6 = s5 + ld;
        int s7 = s6 + ld;
        for (int p = 0, d = base; p < kc; p++, d += MR) {
          dst[d] = a[s0 + p];
          dst[d + 1] = a[s1 + p];
          dst[d + 2] = a[s2 + p];
          dst[d + 3] = a[s3 + p];
          dst[d + 4] = a[s4 + p];
          dst[d + 5] = a[s5 + p];
          dst[d + 6] = a[s6 + p];
          dst[d + 7] = a[s7 + p];
        }
      } else {
        for (int r = 0; r < MR; r++) {
          if (r < mr) {
            int src = ao + (ic + ir + r) * ld + pc;
            for (int p = 0; p < kc; p++) {
              dst[base + p * MR + r] = a[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              dst[base + p * MR + r] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Packs depth {@code [pc, pc+kc)}, columns {@code [jc, jc+nc)} of op(B) into panels of NR
   * columns: panel {@code q} at {@code q·NR·kc}, element {@code (p, j)} at {@code q·NR·kc + p·NR +
   * j}.
   */
  private static void packB(
      MatmulSpec s, float[] b, int bo, int pc, int kc, int jc, int nc, float[] dst) {
    // stored rows of B are ldb apart, whether they are rows of op(B) or its columns
    int ld = s.ldb();
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int base = jr * kc;
      if (s.transB() && T16 && nr == NR) {
        // op(B)[p][j] = b[bo + j*ld + p]: 16×16 blocks transposed in registers, a scalar tail of p
        int p = 0;
        for (; p + 16 <= kc; p += 16) {
          for (int jj = 0; jj < NR; jj += 16) {
            transpose16(b, bo + (jc + jr + jj) * ld + pc + p, ld, dst, base + p * NR + jj);
          }
        }
        for (int j = 0; j < NR; j++) {
          int src = bo + (jc + jr + j) * ld + pc;
          for (int q = p; q < kc; q++) {
            dst[base + q * NR + j] = b[src + q];
          }
        }
      } else if (s.transB()) {
        // op(B)[p][j] = b[bo + j*ld + p]: contiguous reads along each row of B (a gather of NR
        // values ld apart per p is about 3x slower overall)
        for (int j = 0; j < NR; j++) {
          if (j < nr) {
            int src = bo + (jc + jr + j) * ld + pc;
            for (int p = 0; p < kc; p++) {
              dst[base + p * NR + j] = b[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              dst[base + p * NR + j] = 0f;
            }
          }
        }
      } else {
        // op(B)[p][j] = b[bo + p*ld + j]: NR consecutive values per p
        for (int p = 0; p < kc; p++) {
          int src = bo + (pc + p) * ld + jc + jr;
          int d = base + p * NR;
          if (nr == NR) {
            FloatVector.fromArray(S, b, src).intoArray(dst, d);
            FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
          } else {
            for (int j = 0; j < nr; j++) {
              dst[d + j] = b[src + j];
            }
            for (int j = nr; j < NR; j++) {
              dst[d + j] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Packs two panels of a row-major A at once: the 16×16 block {@code a[src + i·k + p]} ({@code i,
   * p < 16}) is written as {@code dst[d + (i/8)·8·kc + p·8 + i%8]}, i.e. rows 0–7 into the panel at
   * {@code d} and rows 8–15 into the next one, eight rows per depth. Three rounds of two-vector
   * lane selections turn the sixteen row vectors into sixteen vectors of eight rows at two
   * consecutive depths, each stored whole.
   */
  private static void packRows16(float[] a, int src, int k, float[] dst, int d, int kc) {
    FloatVector v0 = FloatVector.fromArray(S, a, src + 0 * k);
    FloatVector v1 = FloatVector.fromArray(S, a, src + 1 * k);
    FloatVector v2 = FloatVector.fromArray(S, a, src + 2 * k);
    FloatVector v3 = FloatVector.fromArray(S, a, src + 3 * k);
    FloatVector v4 = FloatVector.fromArray(S, a, src + 4 * k);
    FloatVector v5 = FloatVector.fromArray(S, a, src + 5 * k);
    FloatVector v6 = FloatVector.fromArray(S, a, src + 6 * k);
    FloatVector v7 = FloatVector.fromArray(S, a, src + 7 * k);
    FloatVector v8 = FloatVector.fromArray(S, a, src + 8 * k);
    FloatVector v9 = FloatVector.fromArray(S, a, src + 9 * k);
    FloatVector v10 = FloatVector.fromArray(S, a, src + 10 * k);
    FloatVector v11 = FloatVector.fromArray(S, a, src + 11 * k);
    FloatVector v12 = FloatVector.fromArray(S, a, src + 12 * k);
    FloatVector v13 = FloatVector.fromArray(S, a, src + 13 * k);
    FloatVector v14 = FloatVector.fromArray(S, a, src + 14 * k);
    FloatVector v15 = FloatVector.fromArray(S, a, src + 15 * k);
    FloatVector x;
    FloatVector y;
    FloatVector lo0 = P16_LO[0];
    FloatVector hi0 = P16_HI[0];
    x = v0;
    y = v4;
    v0 = lo0.selectFrom(x, y);
    v4 = hi0.selectFrom(x, y);
    x = v1;
    y = v5;
    v1 = lo0.selectFrom(x, y);
    v5 = hi0.selectFrom(x, y);
    x = v2;
    y = v6;
    v2 = lo0.selectFrom(x, y);
    v6 = hi0.selectFrom(x, y);
    x = v3;
    y = v7;
    v3 = lo0.selectFrom(x, y);
    v7 = hi0.selectFrom(x, y);
    x = v8;
    y = v12;
    v8 = lo0.selectFrom(x, y);
    v12 = hi0.selectFrom(x, y);
    x = v9;
    y = v13;
    v9 = lo0.selectFrom(x, y);
    v13 = hi0.selectFrom(x, y);
    x = v10;
    y = v14;
    v10 = lo0.selectFrom(x, y);
    v14 = hi0.selectFrom(x, y);
    x = v11;
    y = v15;
    v11 = lo0.selectFrom(x, y);
    v15 = hi0.selectFrom(x, y);
    FloatVector lo1 = P16_LO[1];
    FloatVector hi1 = P16_HI[1];
    x = v0;
    y = v2;
    v0 = lo1.selectFrom(x, y);
    v2 = hi1.selectFrom(x, y);
    x = v1;
    y = v3;
    v1 = lo1.selectFrom(x, y);
    v3 = hi1.selectFrom(x, y);
    x = v4;
    y = v6;
    v4 = lo1.selectFrom(x, y);
    v6 = hi1.selectFrom(x, y);
    x = v5;
    y = v7;
    v5 = lo1.selectFrom(x, y);
    v7 = hi1.selectFrom(x, y);
    x = v8;
    y = v10;
    v8 = lo1.selectFrom(x, y);
    v10 = hi1.selectFrom(x, y);
    x = v9;
    y = v11;
    v9 = lo1.selectFrom(x, y);
    v11 = hi1.selectFrom(x, y);
    x = v12;
    y = v14;
    v12 = lo1.selectFrom(x, y);
    v14 = hi1.selectFrom(x, y);
    x = v13;
    y = v15;
    v13 = lo1.selectFrom(x, y);
    v15 = hi1.selectFrom(x, y);
    FloatVector lo2 = P16_LO[2];
    FloatVector hi2 = P16_HI[2];
    x = v0;
    y = v1;
    v0 = lo2.selectFrom(x, y);
    v1 = hi2.selectFrom(x, y);
    x = v2;
    y = v3;
    v2 = lo2.selectFrom(x, y);
    v3 = hi2.selectFrom(x, y);
    x = v4;
    y = v5;
    v4 = lo2.selectFrom(x, y);
    v5 = hi2.selectFrom(x, y);
    x = v6;
    y = v7;
    v6 = lo2.selectFrom(x, y);
    v7 = hi2.selectFrom(x, y);
    x = v8;
    y = v9;
    v8 = lo2.selectFrom(x, y);
    v9 = hi2.selectFrom(x, y);
    x = v10;
    y = v11;
    v10 = lo2.selectFrom(x, y);
    v11 = hi2.selectFrom(x, y);
    x = v12;
    y = v13;
    v12 = lo2.selectFrom(x, y);
    v13 = hi2.selectFrom(x, y);
    x = v14;
    y = v15;
    v14 = lo2.selectFrom(x, y);
    v15 = hi2.selectFrom(x, y);
    int e = d + 8 * kc;
    v0.intoArray(dst, d + 0);
    v1.intoArray(dst, d + 16);
    v2.intoArray(dst, d + 32);
    v3.intoArray(dst, d + 48);
    v4.intoArray(dst, d + 64);
    v5.intoArray(dst, d + 80);
    v6.intoArray(dst, d + 96);
    v7.intoArray(dst, d + 112);
    v8.intoArray(dst, e + 0);
    v9.intoArray(dst, e + 16);
    v10.intoArray(dst, e + 32);
    v11.intoArray(dst, e + 48);
    v12.intoArray(dst, e + 64);
    v13.intoArray(dst, e + 80);
    v14.intoArray(dst, e + 96);
    v15.intoArray(dst, e + 112);
  }

  /**
   * Writes the transpose of the 16×16 block {@code b[src + j·k + p]} ({@code j, p < 16}) to {@code
   * dst[d + p·NR + j]}: four rounds of two-vector lane selections, each swapping one bit of the row
   * index with the same bit of the lane index (2.3× faster than scalar moves; the vectors must stay
   * in locals, an array of vectors boxes them).
   */
  static void transpose16(float[] b, int src, int k, float[] dst, int d) {
    FloatVector v0 = FloatVector.fromArray(S, b, src + 0 * k);
    FloatVector v1 = FloatVector.fromArray(S, b, src + 1 * k);
    FloatVector v2 = FloatVector.fromArray(S, b, src + 2 * k);
    FloatVector v3 = FloatVector.fromArray(S, b, src + 3 * k);
    FloatVector v4 = FloatVector.fromArray(S, b, src + 4 * k);
    FloatVector v5 = FloatVector.fromArray(S, b, src + 5 * k);
    FloatVector v6 = FloatVector.fromArray(S, b, src + 6 * k);
    FloatVector v7 = FloatVector.fromArray(S, b, src + 7 * k);
    FloatVector v8 = FloatVector.fromArray(S, b, src + 8 * k);
    FloatVector v9 = FloatVector.fromArray(S, b, src + 9 * k);
    FloatVector v10 = FloatVector.fromArray(S, b, src + 10 * k);
    FloatVector v11 = FloatVector.fromArray(S, b, src + 11 * k);
    FloatVector v12 = FloatVector.fromArray(S, b, src + 12 * k);
    FloatVector v13 = FloatVector.fromArray(S, b, src + 13 * k);
    FloatVector v14 = FloatVector.fromArray(S, b, src + 14 * k);
    FloatVector v15 = FloatVector.fromArray(S, b, src + 15 * k);
    FloatVector x;
    FloatVector y;
    FloatVector lo0 = T16_LO[0];
    FloatVector hi0 = T16_HI[0];
    x = v0;
    y = v1;
    v0 = lo0.selectFrom(x, y);
    v1 = hi0.selectFrom(x, y);
    x = v2;
    y = v3;
    v2 = lo0.selectFrom(x, y);
    v3 = hi0.selectFrom(x, y);
    x = v4;
    y = v5;
    v4 = lo0.selectFrom(x, y);
    v5 = hi0.selectFrom(x, y);
    x = v6;
    y = v7;
    v6 = lo0.selectFrom(x, y);
    v7 = hi0.selectFrom(x, y);
    x = v8;
    y = v9;
    v8 = lo0.selectFrom(x, y);
    v9 = hi0.selectFrom(x, y);
    x = v10;
    y = v11;
    v10 = lo0.selectFrom(x, y);
    v11 = hi0.selectFrom(x, y);
    x = v12;
    y = v13;
    v12 = lo0.selectFrom(x, y);
    v13 = hi0.selectFrom(x, y);
    x = v14;
    y = v15;
    v14 = lo0.selectFrom(x, y);
    v15 = hi0.selectFrom(x, y);
    FloatVector lo1 = T16_LO[1];
    FloatVector hi1 = T16_HI[1];
    x = v0;
    y = v2;
    v0 = lo1.selectFrom(x, y);
    v2 = hi1.selectFrom(x, y);
    x = v1;
    y = v3;
    v1 = lo1.selectFrom(x, y);
    v3 = hi1.selectFrom(x, y);
    x = v4;
    y = v6;
    v4 = lo1.selectFrom(x, y);
    v6 = hi1.selectFrom(x, y);
    x = v5;
    y = v7;
    v5 = lo1.selectFrom(x, y);
    v7 = hi1.selectFrom(x, y);
    x = v8;
    y = v10;
    v8 = lo1.selectFrom(x, y);
    v10 = hi1.selectFrom(x, y);
    x = v9;
    y = v11;
    v9 = lo1.selectFrom(x, y);
    v11 = hi1.selectFrom(x, y);
    x = v12;
    y = v14;
    v12 = lo1.selectFrom(x, y);
    v14 = hi1.selectFrom(x, y);
    x = v13;
    y = v15;
    v13 = lo1.selectFrom(x, y);
    v15 = hi1.selectFrom(x, y);
    FloatVector lo2 = T16_LO[2];
    FloatVector hi2 = T16_HI[2];
    x = v0;
    y = v4;
    v0 = lo2.selectFrom(x, y);
    v4 = hi2.selectFrom(x, y);
    x = v1;
    y = v5;
    v1 = lo2.selectFrom(x, y);
    v5 = hi2.selectFrom(x, y);
    x = v2;
    y = v6;
    v2 = lo2.selectFrom(x, y);
    v6 = hi2.selectFrom(x, y);
    x = v3;
    y = v7;
    v3 = lo2.selectFrom(x, y);
    v7 = hi2.selectFrom(x, y);
    x = v8;
    y = v12;
    v8 = lo2.selectFrom(x, y);
    v12 = hi2.selectFrom(x, y);
    x = v9;
    y = v13;
    v9 = lo2.selectFrom(x, y);
    v13 = hi2.selectFrom(x, y);
    x = v10;
    y = v14;
    v10 = lo2.selectFrom(x, y);
    v14 = hi2.selectFrom(x, y);
    x = v11;
    y = v15;
    v11 = lo2.selectFrom(x, y);
    v15 = hi2.selectFrom(x, y);
    FloatVector lo3 = T16_LO[3];
    FloatVector hi3 = T16_HI[3];
    x = v0;
    y = v8;
    v0 = lo3.selectFrom(x, y);
    v8 = hi3.selectFrom(x, y);
    x = v1;
    y = v9;
    v1 = lo3.selectFrom(x, y);
    v9 = hi3.selectFrom(x, y);
    x = v2;
    y = v10;
    v2 = lo3.selectFrom(x, y);
    v10 = hi3.selectFrom(x, y);
    x = v3;
    y = v11;
    v3 = lo3.selectFrom(x, y);
    v11 = hi3.selectFrom(x, y);
    x = v4;
    y = v12;
    v4 = lo3.selectFrom(x, y);
    v12 = hi3.selectFrom(x, y);
    x = v5;
    y = v13;
    v5 = lo3.selectFrom(x, y);
    v13 = hi3.selectFrom(x, y);
    x = v6;
    y = v14;
    v6 = lo3.selectFrom(x, y);
    v14 = hi3.selectFrom(x, y);
    x = v7;
    y = v15;
    v7 = lo3.selectFrom(x, y);
    v15 = hi3.selectFrom(x, y);
    v0.intoArray(dst, d + 0 * NR);
    v1.intoArray(dst, d + 1 * NR);
    v2.intoArray(dst, d + 2 * NR);
    v3.intoArray(dst, d + 3 * NR);
    v4.intoArray(dst, d + 4 * NR);
    v5.intoArray(dst, d + 5 * NR);
    v6.intoArray(dst, d + 6 * NR);
    v7.intoArray(dst, d + 7 * NR);
    v8.intoArray(dst, d + 8 * NR);
    v9.intoArray(dst, d + 9 * NR);
    v10.intoArray(dst, d + 10 * NR);
    v11.intoArray(dst, d + 11 * NR);
    v12.intoArray(dst, d + 12 * NR);
    v13.intoArray(dst, d + 13 * NR);
    v14.intoArray(dst, d + 14 * NR);
    v15.intoArray(dst, d + 15 * NR);
  }

  /**
   * {@link #kernel} for an edge panel of at most four rows: the first four rows of the packed panel
   * (its layout is unchanged, {@code MR} values per step) into four rows of C, with half the FMAs
   * of the full tile.
   */
  private static void kernel4(
      int kc,
      float[] ap,
      int ai,
      int lda,
      float[] bp,
      int bi,
      int ldb,
      float[] c,
      int ci,
      int ldc,
      float alpha,
      boolean accumulate) {
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
    FloatVector c20 = z, c21 = z, c30 = z, c31 = z;
    for (int p = 0; p < kc; p++, ai += lda, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector x = FloatVector.broadcast(S, ap[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, ap[ai + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, ap[ai + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, ap[ai + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    if (alpha != 1f) {
      FloatVector va = FloatVector.broadcast(S, alpha);
      c00 = c00.mul(va);
      c01 = c01.mul(va);
      c10 = c10.mul(va);
      c11 = c11.mul(va);
      c20 = c20.mul(va);
      c21 = c21.mul(va);
      c30 = c30.mul(va);
      c31 = c31.mul(va);
    }
    int r0 = ci;
    int r1 = r0 + ldc;
    int r2 = r1 + ldc;
    int r3 = r2 + ldc;
    if (accumulate) {
      c00 = c00.add(FloatVector.fromArray(S, c, r0));
      c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
      c10 = c10.add(FloatVector.fromArray(S, c, r1));
      c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
      c20 = c20.add(FloatVector.fromArray(S, c, r2));
      c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
      c30 = c30.add(FloatVector.fromArray(S, c, r3));
      c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
    }
    c00.intoArray(c, r0);
    c01.intoArray(c, r0 + L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
  }

  /**
   * {@code C[MR × NR] at ci (row stride ldc) = alpha·Apanel·Bpanel}, or {@code += } when {@code
   * accumulate}. Written out in full, with no vector crossing a call, so that the accumulators stay
   * in registers (a vector passed to a method that is not inlined is boxed).
   */
  private static void kernel(
      int kc,
      float[] ap,
      int ai,
      int lda,
      float[] bp,
      int bi,
      int ldb,
      float[] c,
      int ci,
      int ldc,
      float alpha,
      boolean accumulate) {
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
    FloatVector c20 = z, c21 = z, c30 = z, c31 = z;
    FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
    FloatVector c60 = z, c61 = z, c70 = z, c71 = z;
    for (int p = 0; p < kc; p++, ai += lda, bi += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector x = FloatVector.broadcast(S, ap[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, ap[ai + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, ap[ai + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, ap[ai + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, ap[ai + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, ap[ai + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, ap[ai + 6]);
      c60 = x.fma(b0, c60);
      c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, ap[ai + 7]);
      c70 = x.fma(b0, c70);
      c71 = x.fma(b1, c71);
    }
    if (alpha != 1f) {
      FloatVector va = FloatVector.broadcast(S, alpha);
      c00 = c00.mul(va);
      c01 = c01.mul(va);
      c10 = c10.mul(va);
      c11 = c11.mul(va);
      c20 = c20.mul(va);
      c21 = c21.mul(va);
      c30 = c30.mul(va);
      c31 = c31.mul(va);
      c40 = c40.mul(va);
      c41 = c41.mul(va);
      c50 = c50.mul(va);
      c51 = c51.mul(va);
      c60 = c60.mul(va);
      c61 = c61.mul(va);
      c70 = c70.mul(va);
      c71 = c71.mul(va);
    }
    int r0 = ci;
    int r1 = r0 + ldc;
    int r2 = r1 + ldc;
    int r3 = r2 + ldc;
    int r4 = r3 + ldc;
    int r5 = r4 + ldc;
    int r6 = r5 + ldc;
    int r7 = r6 + ldc;
    if (accumulate) {
      c00 = c00.add(FloatVector.fromArray(S, c, r0));
      c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
      c10 = c10.add(FloatVector.fromArray(S, c, r1));
      c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
      c20 = c20.add(FloatVector.fromArray(S, c, r2));
      c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
      c30 = c30.add(FloatVector.fromArray(S, c, r3));
      c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
      c40 = c40.add(FloatVector.fromArray(S, c, r4));
      c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
      c50 = c50.add(FloatVector.fromArray(S, c, r5));
      c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
      c60 = c60.add(FloatVector.fromArray(S, c, r6));
      c61 = c61.add(FloatVector.fromArray(S, c, r6 + L));
      c70 = c70.add(FloatVector.fromArray(S, c, r7));
      c71 = c71.add(FloatVector.fromArray(S, c, r7 + L));
    }
    c00.intoArray(c, r0);
    c01.intoArray(c, r0 + L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
    c60.intoArray(c, r6);
    c61.intoArray(c, r6 + L);
    c70.intoArray(c, r7);
    c71.intoArray(c, r7 + L);
  }

  /**
   * {@link #kernel} for a packed A panel and a packed B panel, whose steps are the constants {@code
   * MR} and {@code NR} apart. With every index the loop counter times a constant plus an invariant,
   * C2 hoists the range checks out of the loop and leaves ten loads, sixteen FMAs and four integer
   * instructions per step; the strides of {@link #kernel}, which serves the operands read in place,
   * keep a range check per load in its loop (about 7 % slower on the large products measured).
   */
  private static void kernelPacked(
      int kc,
      float[] ap,
      int ai,
      float[] bp,
      int bi,
      float[] c,
      int ci,
      int ldc,
      float alpha,
      boolean accumulate) {
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
    FloatVector c20 = z, c21 = z, c30 = z, c31 = z;
    FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
    FloatVector c60 = z, c61 = z, c70 = z, c71 = z;
    for (int p = 0; p < kc; p++) {
      int a = ai + p * MR;
      int b = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
      FloatVector x = FloatVector.broadcast(S, ap[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, ap[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, ap[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, ap[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, ap[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, ap[a + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, ap[a + 6]);
      c60 = x.fma(b0, c60);
      c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, ap[a + 7]);
      c70 = x.fma(b0, c70);
      c71 = x.fma(b1, c71);
    }
    if (alpha != 1f) {
      FloatVector va = FloatVector.broadcast(S, alpha);
      c00 = c00.mul(va);
      c01 = c01.mul(va);
      c10 = c10.mul(va);
      c11 = c11.mul(va);
      c20 = c20.mul(va);
      c21 = c21.mul(va);
      c30 = c30.mul(va);
      c31 = c31.mul(va);
      c40 = c40.mul(va);
      c41 = c41.mul(va);
      c50 = c50.mul(va);
      c51 = c51.mul(va);
      c60 = c60.mul(va);
      c61 = c61.mul(va);
      c70 = c70.mul(va);
      c71 = c71.mul(va);
    }
    int r0 = ci;
    int r1 = r0 + ldc;
    int r2 = r1 + ldc;
    int r3 = r2 + ldc;
    int r4 = r3 + ldc;
    int r5 = r4 + ldc;
    int r6 = r5 + ldc;
    int r7 = r6 + ldc;
    if (accumulate) {
      c00 = c00.add(FloatVector.fromArray(S, c, r0));
      c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
      c10 = c10.add(FloatVector.fromArray(S, c, r1));
      c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
      c20 = c20.add(FloatVector.fromArray(S, c, r2));
      c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
      c30 = c30.add(FloatVector.fromArray(S, c, r3));
      c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
      c40 = c40.add(FloatVector.fromArray(S, c, r4));
      c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
      c50 = c50.add(FloatVector.fromArray(S, c, r5));
      c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
      c60 = c60.add(FloatVector.fromArray(S, c, r6));
      c61 = c61.add(FloatVector.fromArray(S, c, r6 + L));
      c70 = c70.add(FloatVector.fromArray(S, c, r7));
      c71 = c71.add(FloatVector.fromArray(S, c, r7 + L));
    }
    c00.intoArray(c, r0);
    c01.intoArray(c, r0 + L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
    c60.intoArray(c, r6);
    c61.intoArray(c, r6 + L);
    c70.intoArray(c, r7);
    c71.intoArray(c, r7 + L);
  }

  /**
   * As {@link #kernel}, with A read in place: row {@code r} of the tile is {@code a[ar + p]} for
   * {@code p < kc} (eight row pointers instead of a packed panel).
   */
  private static void kernelRows(
      int kc,
      float[] a,
      int a0,
      int a1,
      int a2,
      int a3,
      int a4,
      int a5,
      int a6,
      int a7,
      float[] bp,
      int bi,
      float[] c,
      int ci,
      int ldc,
      float alpha,
      boolean accumulate) {
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z;
    FloatVector c20 = z, c21 = z, c30 = z, c31 = z;
    FloatVector c40 = z, c41 = z, c50 = z, c51 = z;
    FloatVector c60 = z, c61 = z, c70 = z, c71 = z;
    for (int p = 0; p < kc; p++, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + p]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + p]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + p]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[a4 + p]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[a5 + p]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      x = FloatVector.broadcast(S, a[a6 + p]);
      c60 = x.fma(b0, c60);
      c61 = x.fma(b1, c61);
      x = FloatVector.broadcast(S, a[a7 + p]);
      c70 = x.fma(b0, c70);
      c71 = x.fma(b1, c71);
    }
    if (alpha != 1f) {
      FloatVector va = FloatVector.broadcast(S, alpha);
      c00 = c00.mul(va);
      c01 = c01.mul(va);
      c10 = c10.mul(va);
      c11 = c11.mul(va);
      c20 = c20.mul(va);
      c21 = c21.mul(va);
      c30 = c30.mul(va);
      c31 = c31.mul(va);
      c40 = c40.mul(va);
      c41 = c41.mul(va);
      c50 = c50.mul(va);
      c51 = c51.mul(va);
      c60 = c60.mul(va);
      c61 = c61.mul(va);
      c70 = c70.mul(va);
      c71 = c71.mul(va);
    }
    int r0 = ci;
    int r1 = r0 + ldc;
    int r2 = r1 + ldc;
    int r3 = r2 + ldc;
    int r4 = r3 + ldc;
    int r5 = r4 + ldc;
    int r6 = r5 + ldc;
    int r7 = r6 + ldc;
    if (accumulate) {
      c00 = c00.add(FloatVector.fromArray(S, c, r0));
      c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
      c10 = c10.add(FloatVector.fromArray(S, c, r1));
      c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
      c20 = c20.add(FloatVector.fromArray(S, c, r2));
      c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
      c30 = c30.add(FloatVector.fromArray(S, c, r3));
      c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
      c40 = c40.add(FloatVector.fromArray(S, c, r4));
      c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
      c50 = c50.add(FloatVector.fromArray(S, c, r5));
      c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
      c60 = c60.add(FloatVector.fromArray(S, c, r6));
      c61 = c61.add(FloatVector.fromArray(S, c, r6 + L));
      c70 = c70.add(FloatVector.fromArray(S, c, r7));
      c71 = c71.add(FloatVector.fromArray(S, c, r7 + L));
    }
    c00.intoArray(c, r0);
    c01.intoArray(c, r0 + L);
    c10.intoArray(c, r1);
    c11.intoArray(c, r1 + L);
    c20.intoArray(c, r2);
    c21.intoArray(c, r2 + L);
    c30.intoArray(c, r3);
    c31.intoArray(c, r3 + L);
    c40.intoArray(c, r4);
    c41.intoArray(c, r4 + L);
    c50.intoArray(c, r5);
    c51.intoArray(c, r5 + L);
    c60.intoArray(c, r6);
    c61.intoArray(c, r6 + L);
    c70.intoArray(c, r7);
    c71.intoArray(c, r7 + L);
  }
}
