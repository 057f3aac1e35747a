package dev.heed.core.tensor;

import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;

/**
 * The arithmetic of views: strides for a reshape, a view's place inside its base, and its adjoint.
 */
final class Views {
  private Views() {}

  /**
   * Strides that present the elements of view {@code l} (of shape {@code from}) in row-major order
   * as shape {@code to}, or null when no strides can (the view would need a copy). As PyTorch's
   * {@code computeStride}: each run of input dimensions that lie one inside the other in memory may
   * be split or merged freely; a reshape that crosses the boundary of such a run cannot be a view.
   */
  static long[] restride(Shape from, Layout l, Shape to) {
    int[] newShape = to.dims();
    long[] newStrides = new long[newShape.length];
    if (from.size() == 0) {
      return Layout.contiguous(newShape).strides();
    }
    int oldRank = from.rank();
    int viewD = newShape.length - 1;
    long chunkBase = oldRank == 0 ? 1 : l.stride(oldRank - 1);
    long tensorNumel = 1;
    long viewNumel = 1;
    for (int d = oldRank - 1; d >= 0; d--) {
      tensorNumel *= from.dim(d);
      boolean boundary =
          d == 0 || (from.dim(d - 1) != 1 && l.stride(d - 1) != tensorNumel * chunkBase);
      if (boundary) {
        while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
          newStrides[viewD] = viewNumel * chunkBase;
          viewNumel *= newShape[viewD];
          viewD--;
        }
        if (viewNumel != tensorNumel) {
          return null;
        }
        if (d > 0) {
          chunkBase = l.stride(d - 1);
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    if (viewD != -1) {
      // trailing extents of 1 (a scalar reshaped to [1, 1], say)
      while (viewD >= 0) {
        if (newShape[viewD] != 1) {
          return null;
        }
        newStrides[viewD] = 1;
        viewD--;
      }
    }
    return newStrides;
  }

  /**
   * The layout that places view {@code view} (a layout in the storage of {@code base}) among the
   * elements of a contiguous tensor of {@code base}'s shape: the same strides and offset, measured
   * from {@code base}'s first element.
   *
   * @throws IllegalStateException when {@code base} is not contiguous (a detached view), where no
   *     such layout exists in general
   */
  static Layout within(Layout view, Tensor base) {
    Layout b = base.layout();
    if (!b.isContiguous()) {
      throw new IllegalStateException(
          "a write into a view of a non-contiguous tensor "
              + base.shape()
              + " cannot be differentiated; make the tensor contiguous() before taking the view");
    }
    return new Layout(view.shape(), view.strides(), view.offset() - b.offset());
  }

  /**
   * A new tensor of shape {@code shape}, zero except for the elements at {@code within} (a layout
   * in a contiguous tensor of that shape), which hold {@code g}: the adjoint of taking the view
   * {@code within}. Recorded, its own gradient is that view of the incoming gradient.
   */
  static Tensor scatterInto(Tensor g, Shape shape, Layout within) {
    Tensor full = Tensor.allocate(g.backend(), shape, g.dtype());
    Tensor src = g;
    Layout to = within;
    for (int k = 0; k < within.rank(); k++) {
      if (within.stride(k) == 0 && within.dim(k) > 1) {
        // a broadcast dimension: the positions that share one element sum their gradients
        src = Reductions.sum(src, k, true);
        int[] d = to.shape();
        d[k] = 1;
        to = new Layout(d, to.strides(), to.offset());
      }
    }
    Kernels.copy(g.backend(), src.buffer(), src.layout(), full.buffer(), to);
    return Autograd.recordView(
        full,
        "scatterInto",
        gg -> {
          Tensor packed = Shapes.dense(gg);
          return new Tensor[] {
            Shapes.view(packed, "view", within, x -> new Tensor[] {scatterInto(x, shape, within)})
          };
        },
        g);
  }

  /**
   * View {@code l} as the rank-3 layout {@code [outer, axis, inner]} around dimension {@code axis}
   * (the dimensions before it merged into one, and those after it), or null when the strides do not
   * allow merging them (the caller then copies).
   */
  static Layout around(Layout l, int axis) {
    if (l.isContiguous() && l.offset() == 0) {
      int outer = 1;
      for (int k = 0; k < axis; k++) {
        outer *= l.dim(k);
      }
      int inner = 1;
      for (int k = axis + 1; k < l.rank(); k++) {
        inner *= l.dim(k);
      }
      return Layout.contiguous(outer, l.dim(axis), inner);
    }
    long[] outer = merge(l, 0, axis);
    long[] inner = merge(l, axis + 1, l.rank());
    if (outer == null || inner == null) {
      return null;
    }
    return new Layout(
        new int[] {(int) outer[0], l.dim(axis), (int) inner[0]},
        new long[] {outer[1], l.stride(axis), inner[1]},
        l.offset());
  }

  /**
   * All of view {@code l} as one run {@code [1, count, 1]}, or null when its elements are not
   * contiguous.
   */
  static Layout flat(Layout l) {
    if (!l.isContiguous()) {
      return null;
    }
    return Layout.contiguous(new int[] {1, (int) l.elementCount(), 1}, l.offset());
  }

  /**
   * Dimensions {@code [from, to)} of {@code l} as one: {@code {extent, stride}}, or null when they
   * are not laid out one inside the other. Dimensions of extent 1 do not matter.
   */
  private static long[] merge(Layout l, int from, int to) {
    long extent = 1;
    long stride = 1;
    boolean any = false;
    for (int k = to - 1; k >= from; k--) {
      int d = l.dim(k);
      if (d == 0) {
        return new long[] {0, 1};
      }
      if (d == 1) {
        continue;
      }
      if (!any) {
        stride = l.stride(k);
        any = true;
      } else if (l.stride(k) != stride * extent) {
        return null;
      }
      extent *= d;
    }
    if (extent > Integer.MAX_VALUE) {
      return null;
    }
    return new long[] {extent, stride};
  }
}
