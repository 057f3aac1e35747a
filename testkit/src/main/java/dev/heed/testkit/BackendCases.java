package dev.heed.testkit;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The argument sources of {@link BackendContract}: awkward sizes (1, primes, sizes that are not a
 * multiple of 8 or 16, an empty reduced axis), layouts with offsets, strides, transposes,
 * permutations and broadcasting, leading dimensions, and every operation of every kernel. No case
 * has an empty output (core never issues one).
 */
final class BackendCases {
  /** Element counts of one-dimensional cases. */
  static final int[] SIZES = {0, 1, 7, 13, 31, 33, 67, 129};

  /** {@code (outer, axis, inner)} of reductions and softmax; empty axes are added separately. */
  static final int[][] AXES = {
    {1, 1, 1},
    {1, 7, 1},
    {3, 13, 1},
    {1, 31, 5},
    {2, 67, 3},
    {5, 33, 1},
    {1, 129, 1},
    {4, 1, 6}
  };

  private static final List<DType> ALL = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32);
  private static final List<DType> FLOATS = List.of(DType.FLOAT32, DType.FLOAT64);

  private BackendCases() {}

  /** A view of a buffer, named for test reports. */
  record View(String name, Layout layout) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Source and destination views of one copy. */
  record CopyCase(String name, Layout src, Layout dst) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Views of an elementwise kernel's operands and output. */
  record ElementwiseCase(String name, Layout a, Layout b, Layout c, Layout out) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Layout view(int[] shape, long[] strides, long offset) {
    return new Layout(shape, strides, offset);
  }

  static Layout dense(int... shape) {
    return Layout.contiguous(shape);
  }

  static Stream<Arguments> floatTypes() {
    return FLOATS.stream().map(Arguments::of);
  }

  static Stream<Arguments> typesAndSizes() {
    List<Arguments> list = new ArrayList<>();
    for (DType t : ALL) {
      for (int n : SIZES) {
        list.add(Arguments.of(t, n));
      }
    }
    return list.stream();
  }

  static Stream<Arguments> copyCases() {
    List<Arguments> list = new ArrayList<>();
    for (CopyCase c : copyLayouts()) {
      for (DType from : ALL) {
        for (DType to : ALL) {
          list.add(Arguments.of(c.name(), from, to));
        }
      }
    }
    return list.stream();
  }

  static CopyCase copyCase(String name) {
    return copyLayouts().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  static ElementwiseCase elementwiseCase(String name) {
    return elementwiseLayouts().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static List<CopyCase> copyLayouts() {
    return List.of(
        new CopyCase("contiguous [7, 13]", dense(7, 13), dense(7, 13)),
        new CopyCase(
            "transpose [13, 7] of [7, 13]",
            view(new int[] {13, 7}, new long[] {1, 13}, 0),
            dense(13, 7)),
        new CopyCase(
            "permute [5, 2, 3] of [2, 3, 5]",
            view(new int[] {5, 2, 3}, new long[] {1, 15, 5}, 0),
            dense(5, 2, 3)),
        new CopyCase(
            "every other element from offset 1 [33]",
            view(new int[] {33}, new long[] {2}, 1),
            dense(33)),
        new CopyCase(
            "broadcast [3, 1] to [3, 31]",
            view(new int[] {3, 31}, new long[] {1, 0}, 0),
            dense(3, 31)),
        new CopyCase(
            "broadcast a scalar to [5, 7]",
            view(new int[] {5, 7}, new long[] {0, 0}, 2),
            dense(5, 7)),
        new CopyCase(
            "offsets [4, 13]",
            Layout.contiguous(new int[] {4, 13}, 5),
            Layout.contiguous(new int[] {4, 13}, 3)),
        new CopyCase(
            "into a column [7] of [7, 13]", dense(7), view(new int[] {7}, new long[] {13}, 2)),
        new CopyCase(
            "strided to transposed [3, 5]",
            view(new int[] {3, 5}, new long[] {10, 2}, 1),
            view(new int[] {3, 5}, new long[] {1, 3}, 0)),
        new CopyCase("one element [1]", dense(1), dense(1)),
        new CopyCase(
            "rank 0 from offset 2",
            view(new int[0], new long[0], 2),
            view(new int[0], new long[0], 1)),
        new CopyCase("129 elements [3, 43]", dense(3, 43), dense(3, 43)),
        new CopyCase(
            "key heads [2, 3, 4, 5] of a packed [2, 4, 45] projection",
            view(new int[] {2, 3, 4, 5}, new long[] {180, 5, 45, 1}, 15),
            dense(2, 3, 4, 5)),
        new CopyCase(
            "merge heads: [2, 3, 4, 5] into a [2, 4, 3·5] view",
            dense(2, 3, 4, 5),
            view(new int[] {2, 3, 4, 5}, new long[] {60, 5, 15, 1}, 0)),
        new CopyCase(
            "transposed [67, 3] of [3, 67] into rows of stride 4",
            view(new int[] {67, 3}, new long[] {1, 67}, 0),
            view(new int[] {67, 3}, new long[] {4, 1}, 1)),
        new CopyCase(
            "padded rows [5, 33] with row stride 40",
            view(new int[] {5, 33}, new long[] {40, 1}, 3),
            dense(5, 33)));
  }

  /**
   * Views of a unary kernel's input and output; {@code y} null means in place (the output is the
   * input's buffer with the same view).
   */
  record UnaryCase(String name, Layout x, Layout y) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<UnaryCase> unaryLayouts() {
    return List.of(
        new UnaryCase(
            "every other element [33] from offset 1",
            view(new int[] {33}, new long[] {2}, 1),
            dense(33)),
        new UnaryCase(
            "offsets [4, 13]",
            Layout.contiguous(new int[] {4, 13}, 3),
            Layout.contiguous(new int[] {4, 13}, 2)),
        new UnaryCase(
            "transposed [13, 7] of [7, 13]",
            view(new int[] {13, 7}, new long[] {1, 13}, 0),
            dense(13, 7)),
        new UnaryCase(
            "permuted [5, 2, 3] of [2, 3, 5] into a permuted output",
            view(new int[] {5, 2, 3}, new long[] {1, 15, 5}, 0),
            view(new int[] {5, 2, 3}, new long[] {1, 5, 10}, 1)),
        new UnaryCase(
            "broadcast [3, 1] to [3, 31]",
            view(new int[] {3, 31}, new long[] {1, 0}, 0),
            dense(3, 31)),
        new UnaryCase(
            "broadcast a scalar to [5, 7]",
            view(new int[] {5, 7}, new long[] {0, 0}, 2),
            dense(5, 7)),
        new UnaryCase(
            "into a strided output [4, 13] (row stride 26, column stride 2)",
            dense(4, 13),
            view(new int[] {4, 13}, new long[] {26, 2}, 1)),
        new UnaryCase(
            "into a transposed output [3, 5]",
            dense(3, 5),
            view(new int[] {3, 5}, new long[] {1, 3}, 0)),
        new UnaryCase(
            "padded rows [2, 67] with row stride 70 at offset 3 into padded rows",
            view(new int[] {2, 67}, new long[] {70, 1}, 3),
            view(new int[] {2, 67}, new long[] {68, 1}, 1)),
        new UnaryCase(
            "rank 0 with offsets",
            view(new int[0], new long[0], 2),
            view(new int[0], new long[0], 1)),
        new UnaryCase(
            "in place, every other element [67]", view(new int[] {67}, new long[] {2}, 1), null),
        new UnaryCase(
            "in place, transposed [13, 7]", view(new int[] {13, 7}, new long[] {1, 13}, 0), null),
        new UnaryCase(
            "in place, contiguous at offset 5 [129]", Layout.contiguous(new int[] {129}, 5), null));
  }

  static UnaryCase unaryCase(String name) {
    return unaryLayouts().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  static Stream<Arguments> unaryViewCases() {
    List<Arguments> list = new ArrayList<>();
    for (UnaryOp op : UnaryOp.values()) {
      for (DType t : FLOATS) {
        for (UnaryCase c : unaryLayouts()) {
          list.add(Arguments.of(op, t, c.name()));
        }
      }
    }
    return list.stream();
  }

  /**
   * Rank-3 {@code [outer, axis, inner]} views for {@code reduce} and {@code softmax}: permuted,
   * transposed, every other element, offsets, broadcast along the axis or the outer dimension, and
   * rows further apart than their length.
   */
  static List<View> reductionViews() {
    return List.of(
        new View(
            "a column of [7, 4]: [4, 7, 1] strides (1, 4, 1)",
            view(new int[] {4, 7, 1}, new long[] {1, 4, 1}, 0)),
        new View(
            "permuted [3, 5, 4] of [4, 5, 3]: strides (1, 3, 15)",
            view(new int[] {3, 5, 4}, new long[] {1, 3, 15}, 0)),
        new View(
            "permuted [2, 3, 33] of [33, 2, 3]: strides (3, 1, 6), offset 2",
            view(new int[] {2, 3, 33}, new long[] {3, 1, 6}, 2)),
        new View(
            "every other element [2, 13, 3]: strides (80, 6, 2), offset 1",
            view(new int[] {2, 13, 3}, new long[] {80, 6, 2}, 1)),
        new View("contiguous at offset 5 [2, 33, 3]", Layout.contiguous(new int[] {2, 33, 3}, 5)),
        new View(
            "rows of 129 with stride 3 and inner 2 [2, 129, 2]: strides (400, 3, 1)",
            view(new int[] {2, 129, 2}, new long[] {400, 3, 1}, 1)),
        new View(
            "broadcast along the axis [3, 6, 2]: strides (2, 0, 1)",
            view(new int[] {3, 6, 2}, new long[] {2, 0, 1}, 0)),
        new View(
            "broadcast outer [4, 9, 1]: strides (0, 1, 1), offset 3",
            view(new int[] {4, 9, 1}, new long[] {0, 1, 1}, 3)),
        new View("one element [1, 1, 1] at offset 4", Layout.contiguous(new int[] {1, 1, 1}, 4)));
  }

  static View reductionView(String name) {
    return reductionViews().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }

  static Stream<Arguments> reduceViewCases() {
    List<Arguments> list = new ArrayList<>();
    for (ReduceOp op : ReduceOp.values()) {
      for (DType t : FLOATS) {
        for (View v : reductionViews()) {
          list.add(Arguments.of(op, t, v.name()));
        }
      }
    }
    return list.stream();
  }

  static Stream<Arguments> softmaxViewCases() {
    List<Arguments> list = new ArrayList<>();
    for (boolean log : new boolean[] {false, true}) {
      for (DType t : FLOATS) {
        for (View v : reductionViews()) {
          list.add(Arguments.of(log, t, v.name()));
        }
      }
    }
    return list.stream();
  }

  /** Layouts for binary operations in place: the output is operand a's or b's view. */
  static List<View> inPlaceViews() {
    return List.of(
        new View("contiguous at offset 1 [3, 11]", Layout.contiguous(new int[] {3, 11}, 1)),
        new View("transposed [13, 7]", view(new int[] {13, 7}, new long[] {1, 13}, 0)),
        new View("every other element [67] from offset 1", view(new int[] {67}, new long[] {2}, 1)),
        new View(
            "permuted [5, 2, 3] at offset 2", view(new int[] {5, 2, 3}, new long[] {1, 15, 5}, 2)));
  }

  static View inPlaceView(String name) {
    return inPlaceViews().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }

  static Stream<Arguments> binaryInPlaceCases() {
    List<Arguments> list = new ArrayList<>();
    for (BinaryOp op : BinaryOp.values()) {
      for (DType t : FLOATS) {
        for (View v : inPlaceViews()) {
          for (boolean intoA : new boolean[] {true, false}) {
            list.add(Arguments.of(op, t, v.name(), intoA));
          }
        }
      }
    }
    return list.stream();
  }

  static Stream<Arguments> unaryCases() {
    List<Arguments> list = new ArrayList<>();
    for (UnaryOp op : UnaryOp.values()) {
      for (DType t : FLOATS) {
        list.add(Arguments.of(op, t));
      }
    }
    return list.stream();
  }

  static List<ElementwiseCase> elementwiseLayouts() {
    return List.of(
        new ElementwiseCase("same shape [7, 13]", dense(7, 13), dense(7, 13), dense(7, 13), null),
        new ElementwiseCase(
            "broadcast [3, 1, 5], [4, 1] and [3, 4, 1] to [3, 4, 5]",
            view(new int[] {3, 4, 5}, new long[] {5, 0, 1}, 0),
            view(new int[] {3, 4, 5}, new long[] {0, 1, 0}, 0),
            view(new int[] {3, 4, 5}, new long[] {4, 1, 0}, 0),
            null),
        new ElementwiseCase(
            "scalar with [31]",
            view(new int[] {31}, new long[] {0}, 0),
            dense(31),
            view(new int[] {31}, new long[] {0}, 1),
            null),
        new ElementwiseCase(
            "transposed [13, 7]",
            view(new int[] {13, 7}, new long[] {1, 13}, 0),
            dense(13, 7),
            view(new int[] {13, 7}, new long[] {1, 13}, 0),
            null),
        new ElementwiseCase(
            "offsets into a strided output [4, 13]",
            Layout.contiguous(new int[] {4, 13}, 3),
            view(new int[] {4, 13}, new long[] {1, 4}, 1),
            Layout.contiguous(new int[] {4, 13}, 2),
            view(new int[] {4, 13}, new long[] {26, 2}, 1)),
        new ElementwiseCase("one element [1]", dense(1), dense(1), dense(1), null),
        new ElementwiseCase("129 elements [129]", dense(129), dense(129), dense(129), null),
        new ElementwiseCase(
            "rank 0 with offsets",
            view(new int[0], new long[0], 1),
            view(new int[0], new long[0], 2),
            view(new int[0], new long[0], 0),
            view(new int[0], new long[0], 1)),
        new ElementwiseCase(
            "permuted [5, 2, 3] views",
            view(new int[] {5, 2, 3}, new long[] {1, 15, 5}, 0),
            dense(5, 2, 3),
            view(new int[] {5, 2, 3}, new long[] {3, 15, 1}, 2),
            view(new int[] {5, 2, 3}, new long[] {1, 15, 5}, 1)),
        new ElementwiseCase(
            "transposed output [7, 13] with a broadcast row",
            dense(7, 13),
            view(new int[] {7, 13}, new long[] {0, 1}, 3),
            dense(7, 13),
            view(new int[] {7, 13}, new long[] {1, 7}, 0)),
        new ElementwiseCase(
            "padded rows [3, 43] with row stride 50 at odd offsets",
            view(new int[] {3, 43}, new long[] {50, 1}, 3),
            view(new int[] {3, 43}, new long[] {50, 1}, 7),
            Layout.contiguous(new int[] {3, 43}, 1),
            view(new int[] {3, 43}, new long[] {50, 1}, 5)),
        new ElementwiseCase(
            "every other element [67]",
            view(new int[] {67}, new long[] {2}, 1),
            view(new int[] {67}, new long[] {3}, 0),
            view(new int[] {67}, new long[] {2}, 0),
            view(new int[] {67}, new long[] {2}, 1)));
  }

  static Stream<Arguments> binaryCases() {
    List<Arguments> list = new ArrayList<>();
    for (BinaryOp op : BinaryOp.values()) {
      for (DType t : FLOATS) {
        for (ElementwiseCase c : elementwiseLayouts()) {
          list.add(Arguments.of(op, t, c.name()));
        }
      }
    }
    return list.stream();
  }

  static Stream<Arguments> binaryOps() {
    List<Arguments> list = new ArrayList<>();
    for (BinaryOp op : BinaryOp.values()) {
      for (DType t : FLOATS) {
        list.add(Arguments.of(op, t));
      }
    }
    return list.stream();
  }

  static Stream<Arguments> whereCases() {
    List<Arguments> list = new ArrayList<>();
    for (DType t : FLOATS) {
      for (ElementwiseCase c : elementwiseLayouts()) {
        list.add(Arguments.of(t, c.name()));
      }
    }
    return list.stream();
  }

  static Stream<Arguments> reduceCases() {
    List<Arguments> list = new ArrayList<>();
    for (ReduceOp op : ReduceOp.values()) {
      for (DType t : FLOATS) {
        List<int[]> axes = new ArrayList<>(Arrays.asList(AXES));
        if (!op.producesIndices()) {
          axes.add(new int[] {2, 0, 3});
        }
        for (int[] a : axes) {
          list.add(Arguments.of(op, t, a[0], a[1], a[2]));
        }
      }
    }
    return list.stream();
  }

  static Stream<Arguments> softmaxCases() {
    List<Arguments> list = new ArrayList<>();
    for (boolean log : new boolean[] {false, true}) {
      for (DType t : FLOATS) {
        for (int[] a : AXES) {
          list.add(Arguments.of(log, t, a[0], a[1], a[2]));
        }
      }
    }
    return list.stream();
  }

  static Stream<Arguments> matmulCases() {
    int[][] dims = {{1, 1, 1}, {7, 13, 31}, {33, 17, 5}, {13, 1, 67}, {1, 31, 7}, {4, 129, 3}};
    List<Arguments> list = new ArrayList<>();
    for (DType t : FLOATS) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          String tr = (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B");
          for (int[] d : dims) {
            String name = tr + " m=" + d[0] + " n=" + d[1] + " k=" + d[2];
            list.add(Arguments.of(name, t, MatmulSpec.of(1, d[0], d[1], d[2], ta, tb), false));
          }
          list.add(Arguments.of(tr + " batch 3", t, MatmulSpec.of(3, 5, 7, 3, ta, tb), false));
          list.add(
              Arguments.of(
                  tr + " batch 4, A broadcast (stride 0)",
                  t,
                  new MatmulSpec(4, 5, 6, 3, ta, tb, 0, 0, 0, 18, 0, 30, 1, 0),
                  false));
          list.add(
              Arguments.of(
                  tr + " batch 4, B broadcast (stride 0)",
                  t,
                  new MatmulSpec(4, 5, 6, 3, ta, tb, 0, 15, 0, 0, 0, 30, 1, 0),
                  false));
          list.add(
              Arguments.of(
                  tr + " alpha 1.5, beta 0.5",
                  t,
                  new MatmulSpec(2, 7, 13, 5, ta, tb, 0, 35, 0, 65, 0, 91, 1.5, 0.5),
                  false));
          list.add(
              Arguments.of(
                  tr + " offsets and gaps between batch entries, alpha -0.75, beta 2",
                  t,
                  new MatmulSpec(2, 3, 4, 5, ta, tb, 3, 19, 5, 21, 2, 15, -0.75, 2),
                  false));
          list.add(
              Arguments.of(
                  tr + " beta 0 ignores NaN in C",
                  t,
                  new MatmulSpec(2, 5, 3, 4, ta, tb, 0, 20, 0, 12, 0, 15, 1, 0),
                  true));
          list.add(
              Arguments.of(
                  tr + " k = 0, beta 0.5",
                  t,
                  new MatmulSpec(2, 3, 4, 0, ta, tb, 0, 0, 0, 0, 0, 12, 1, 0.5),
                  false));
          list.add(Arguments.of(tr + " k = 0, beta 0", t, MatmulSpec.of(2, 3, 4, 0, ta, tb), true));
          for (Object[] c : leadingDimensionCases(ta, tb)) {
            list.add(Arguments.of(tr + " " + c[0], t, c[1], false));
          }
        }
      }
    }
    return list.stream();
  }

  /**
   * Products whose A or B rows are further apart than their length ({@code lda}, {@code ldb}): a
   * matrix read out of a wider one at an offset, the heads of a packed projection (matrix {@code i}
   * starts {@code i} row lengths into each wide row), a transposed view, with broadcasting and
   * {@code beta}.
   */
  private static List<Object[]> leadingDimensionCases(boolean ta, boolean tb) {
    List<Object[]> list = new ArrayList<>();
    int m = 7;
    int n = 9;
    int k = 5;
    int rowA = ta ? m : k;
    int rowB = tb ? k : n;
    list.add(
        new Object[] {
          "A the columns [2, 2 + row) of a wider matrix (lda = row + 6)",
          new MatmulSpec(1, m, n, k, ta, tb, 2, 0, 0, 0, 0, m * n, 1, 0, rowA + 6, rowB)
        });
    list.add(
        new Object[] {
          "B with ldb = row + 3 at offset 1",
          new MatmulSpec(1, m, n, k, ta, tb, 0, 0, 1, 0, 0, m * n, 1, 0, rowA, rowB + 3)
        });
    int h = 3;
    int q = 4;
    int kk = 6;
    int rq = ta ? q : kk;
    int rk = tb ? kk : 5;
    list.add(
        new Object[] {
          "three heads of packed projections (batch strides of one row, lda and ldb 3·row + 2)",
          new MatmulSpec(h, q, 5, kk, ta, tb, 1, rq, 2, rk, 0, q * 5, 1, 0, 3 * rq + 2, 3 * rk + 2)
        });
    list.add(
        new Object[] {
          "B broadcast (stride 0) with ldb = row + 4, alpha 0.5, beta -1 into C at offset 3",
          new MatmulSpec(
              2,
              m,
              n,
              k,
              ta,
              tb,
              0,
              (long) (ta ? k : m) * (rowA + 1),
              0,
              0,
              3,
              m * n,
              0.5,
              -1,
              rowA + 1,
              rowB + 4)
        });
    list.add(
        new Object[] {
          "one row and one column, lda and ldb 17",
          new MatmulSpec(1, 1, 1, 13, ta, tb, 0, 0, 0, 0, 0, 1, 1, 0, 17, 17)
        });
    return list;
  }

  static Stream<Arguments> gatherCases() {
    int[][] cases = {
      {1, 7, 1, 5}, {3, 13, 2, 20}, {2, 1, 5, 4}, {1, 31, 33, 1}, {4, 67, 1, 129}, {1, 1, 1, 1}
    };
    List<Arguments> list = new ArrayList<>();
    for (DType t : FLOATS) {
      for (int[] c : cases) {
        list.add(Arguments.of(t, c[0], c[1], c[2], c[3]));
      }
    }
    return list.stream();
  }

  static Stream<Arguments> randomCases() {
    long[][] cases = {
      {0, 0, 1}, {42, 0, 129}, {-7, 1000, 67}, {Long.MAX_VALUE, 3, 33}, {123456789, 0, 2}
    };
    List<Arguments> list = new ArrayList<>();
    for (Distribution d : Distribution.values()) {
      for (DType t : FLOATS) {
        for (long[] c : cases) {
          list.add(Arguments.of(d, t, c[0], c[1], (int) c[2]));
        }
      }
    }
    return list.stream();
  }

  /** Indices with repeats: {@code (3j + 1) mod extent}, the first two equal. */
  static int[] indices(int count, int extent) {
    int[] idx = new int[count];
    for (int j = 0; j < count; j++) {
      idx[j] = j == 1 ? idx[0] : (3 * j + 1) % extent;
    }
    return idx;
  }
}
