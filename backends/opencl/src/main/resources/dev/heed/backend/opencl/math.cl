// Kernels for each floating-point type T (float, double); K(name) appends the type suffix.
// Operation codes are the ordinals of UnaryOp, BinaryOp and ReduceOp.

// Contiguous x and y from their offsets (no strides to walk); y may be x (in place).
__kernel void K(unary)(int op, T a, T b, __global const T* x, long ox, __global T* y, long oy,
                       long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  y[oy + i] = K(unop)(op, x[ox + i], a, b);
}

// Strided views; x may broadcast (stride 0), y may be x only as the identical view.
__kernel void K(unary_strided)(int op, T a, T b, int rank, int8 shape, __global const T* x,
                               long8 sx, long ox, __global T* y, long8 sy, long oy, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  UNPACK(sh, shape);
  UNPACKL(tx, sx);
  UNPACKL(ty, sy);
  long ix = ox, iy = oy, r = i;
  for (int k = rank - 1; k >= 0; k--) {
    long c = r % sh[k];
    r /= sh[k];
    ix += c * tx[k];
    iy += c * ty[k];
  }
  y[iy] = K(unop)(op, x[ix], a, b);
}

__kernel void K(binary)(int op, int rank, int8 shape, __global const T* a, long8 sa, long oa,
                        __global const T* b, long8 sb, long ob, __global T* o, long8 so, long oo,
                        long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  UNPACK(sh, shape);
  UNPACKL(ta, sa);
  UNPACKL(tb, sb);
  UNPACKL(to, so);
  long ia = oa, ib = ob, io = oo, r = i;
  for (int k = rank - 1; k >= 0; k--) {
    long c = r % sh[k];
    r /= sh[k];
    ia += c * ta[k];
    ib += c * tb[k];
    io += c * to[k];
  }
  o[io] = K(binop)(op, a[ia], b[ib]);
}

// Contiguous operands of one length (no strides to walk).
__kernel void K(binary_dense)(int op, __global const T* a, long oa, __global const T* b, long ob,
                              __global T* o, long oo, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  o[oo + i] = K(binop)(op, a[oa + i], b[ob + i]);
}

__kernel void K(where)(int rank, int8 shape, __global const T* c, long8 sc, long oc,
                       __global const T* a, long8 sa, long oa, __global const T* b, long8 sb,
                       long ob, __global T* o, long8 so, long oo, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  UNPACK(sh, shape);
  UNPACKL(tc, sc);
  UNPACKL(ta, sa);
  UNPACKL(tb, sb);
  UNPACKL(to, so);
  long ic = oc, ia = oa, ib = ob, io = oo, r = i;
  for (int k = rank - 1; k >= 0; k--) {
    long q = r % sh[k];
    r /= sh[k];
    ic += q * tc[k];
    ia += q * ta[k];
    ib += q * tb[k];
    io += q * to[k];
  }
  o[io] = c[ic] != 0 ? a[ia] : b[ib];
}

// Whether candidate (vb, ib) replaces the current extreme (va, ia) of ARGMAX (op 3) or ARGMIN:
// a NaN beats every number, the first NaN stays, ties keep the smaller index, ia < 0 is empty.
inline bool K(beats)(int op, T vb, int ib, T va, int ia) {
  if (ib < 0) return false;
  if (ia < 0) return true;
  bool an = va != va;
  bool bn = vb != vb;
  if (an || bn) return an && bn ? ib < ia : bn;
  if (vb == va) return ib < ia;
  return op == 3 ? vb > va : vb < va;
}

inline T K(identity)(int op) {
  return op == 0 ? (T) 0 : (op == 1 ? (T) -INFINITY : (T) INFINITY);
}

inline T K(combine)(int op, T x, T y) {
  return op == 0 ? x + y : (op == 1 ? K(jmax)(x, y) : K(jmin)(x, y));
}

// The reductions and softmax read a view [outer, axis, inner] of x: element (o, j, i) at
// x[xo + o * so + j * sa + i * si]. Their outputs are contiguous [outer, inner] (reduce) and
// [outer, axis, inner] (softmax) from element 0.

// reduce, one work item per output, walking its column of the axis in order (compensated
// summation for SUM).
__kernel void K(reduce_cols)(int op, __global const T* x, long xo, long so, long sa, long si,
                             int outer, int axis, int inner, __global T* out,
                             __global int* iout) {
  long g = get_global_id(0);
  if (g >= (long) outer * inner) return;
  __global const T* p = x + xo + (g / inner) * so + (g % inner) * si;
  if (op >= 3) {
    T v = p[0];
    int best = 0;
    for (int j = 1; j < axis; j++) {
      T c = p[j * sa];
      if (K(beats)(op, c, j, v, best)) {
        v = c;
        best = j;
      }
    }
    iout[g] = best;
  } else if (op == 0) {
    T s = 0, comp = 0;
    for (int j = 0; j < axis; j++) {
      T y = p[j * sa] - comp;
      T t = s + y;
      comp = (t - s) - y;
      s = t;
    }
    out[g] = s;
  } else {
    T acc = K(identity)(op);
    for (int j = 0; j < axis; j++) {
      acc = K(combine)(op, acc, p[j * sa]);
    }
    out[g] = acc;
  }
}

// reduce, one work-group of RWG items per output (o, i): a strided pass over the axis, then a
// tree.
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) void K(reduce_rows)(
    int op, __global const T* x, long xo, long so, long sa, long si, int axis, int inner,
    __global T* out, __global int* iout) {
  __local T lv[RWG];
  __local int li[RWG];
  int lid = get_local_id(0);
  long row = get_group_id(0);
  __global const T* p = x + xo + (row / inner) * so + (row % inner) * si;
  T v;
  int best = -1;
  if (op >= 3) {
    v = 0;
    for (int j = lid; j < axis; j += RWG) {
      T c = p[j * sa];
      if (K(beats)(op, c, j, v, best)) {
        v = c;
        best = j;
      }
    }
  } else if (op == 0) {
    T comp = 0;
    v = 0;
    for (int j = lid; j < axis; j += RWG) {
      T y = p[j * sa] - comp;
      T t = v + y;
      comp = (t - v) - y;
      v = t;
    }
  } else {
    v = K(identity)(op);
    for (int j = lid; j < axis; j += RWG) {
      v = K(combine)(op, v, p[j * sa]);
    }
  }
  lv[lid] = v;
  li[lid] = best;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = RWG / 2; s > 0; s >>= 1) {
    if (lid < s) {
      if (op >= 3) {
        if (K(beats)(op, lv[lid + s], li[lid + s], lv[lid], li[lid])) {
          lv[lid] = lv[lid + s];
          li[lid] = li[lid + s];
        }
      } else {
        lv[lid] = K(combine)(op, lv[lid], lv[lid + s]);
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) {
    if (op >= 3) {
      iout[row] = li[0];
    } else {
      out[row] = lv[0];
    }
  }
}

// softmax, one work item per (outer, inner) column, three passes. y may be x when the view is
// contiguous from element 0: each item reads its column before writing it.
__kernel void K(softmax_cols)(__global const T* x, long xo, long so, long sa, long si, int outer,
                              int axis, int inner, int lg, __global T* y) {
  long g = get_global_id(0);
  if (g >= (long) outer * inner) return;
  __global const T* p = x + xo + (g / inner) * so + (g % inner) * si;
  __global T* q = y + (g / inner) * axis * inner + g % inner;
  T m = -INFINITY;
  for (int j = 0; j < axis; j++) {
    m = K(jmax)(m, p[j * sa]);
  }
  T s = 0;
  for (int j = 0; j < axis; j++) {
    s += exp(p[j * sa] - m);
  }
  T ls = log(s);
  for (int j = 0; j < axis; j++) {
    T shifted = p[j * sa] - m;
    q[(long) j * inner] = lg ? shifted - ls : exp(shifted) / s;
  }
}

// softmax, one work-group per (outer, inner) row; y may be x as for softmax_cols (each item
// writes only what it read, after the barriers of the two tree reductions).
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) void K(softmax_rows)(
    __global const T* x, long xo, long so, long sa, long si, int axis, int inner, int lg,
    __global T* y) {
  __local T lv[RWG];
  int lid = get_local_id(0);
  long row = get_group_id(0);
  __global const T* p = x + xo + (row / inner) * so + (row % inner) * si;
  __global T* q = y + (row / inner) * axis * inner + row % inner;
  T m = -INFINITY;
  for (int j = lid; j < axis; j += RWG) {
    m = K(jmax)(m, p[j * sa]);
  }
  lv[lid] = m;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = RWG / 2; s > 0; s >>= 1) {
    if (lid < s) lv[lid] = K(jmax)(lv[lid], lv[lid + s]);
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  m = lv[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  T sum = 0;
  for (int j = lid; j < axis; j += RWG) {
    sum += exp(p[j * sa] - m);
  }
  lv[lid] = sum;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = RWG / 2; s > 0; s >>= 1) {
    if (lid < s) lv[lid] += lv[lid + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  sum = lv[0];
  T ls = log(sum);
  for (int j = lid; j < axis; j += RWG) {
    T shifted = p[j * sa] - m;
    q[(long) j * inner] = lg ? shifted - ls : exp(shifted) / sum;
  }
}

// C = alpha * op(A) * op(B) + beta * C for matrix get_global_id(2) of the batch; stored rows of A
// and B are lda and ldb elements apart, C is dense. Tiles of MM_T x MM_T outputs per work-group of
// MM_L x MM_L items, each item MM_W x MM_W outputs strided by MM_L (so neighbouring items touch
// neighbouring columns); the k dimension walks in panels of MM_K through local memory.
// Accumulation runs in order of p, as in the reference.
#define MM_T (MM_L * MM_W)
#define MM_K 16
__kernel __attribute__((reqd_work_group_size(MM_L, MM_L, 1))) void K(matmul)(
    int m, int n, int k, int transA, int transB, __global const T* A, long aOff, long aStride,
    int lda, __global const T* B, long bOff, long bStride, int ldb, __global T* C, long cOff,
    long cStride, T alpha, T beta) {
  __local T As[MM_K][MM_T];
  __local T Bs[MM_K][MM_T];
  int tx = get_local_id(0);
  int ty = get_local_id(1);
  int col0 = get_group_id(0) * MM_T;
  int row0 = get_group_id(1) * MM_T;
  long bt = get_global_id(2);
  A += aOff + bt * aStride;
  B += bOff + bt * bStride;
  C += cOff + bt * cStride;
  T acc[MM_W][MM_W];
  for (int wm = 0; wm < MM_W; wm++)
    for (int wn = 0; wn < MM_W; wn++) acc[wm][wn] = 0;
  int lin = ty * MM_L + tx;
  for (int t = 0; t < k; t += MM_K) {
    for (int l = lin; l < MM_K * MM_T; l += MM_L * MM_L) {
      int p, r;
      if (transA) {
        p = l / MM_T;
        r = l % MM_T;
      } else {
        p = l % MM_K;
        r = l / MM_K;
      }
      int gi = row0 + r;
      int gp = t + p;
      As[p][r] = (gi < m && gp < k)
          ? (transA ? A[(long) gp * lda + gi] : A[(long) gi * lda + gp]) : (T) 0;
    }
    for (int l = lin; l < MM_K * MM_T; l += MM_L * MM_L) {
      int p, c;
      if (transB) {
        p = l % MM_K;
        c = l / MM_K;
      } else {
        p = l / MM_T;
        c = l % MM_T;
      }
      int gj = col0 + c;
      int gp = t + p;
      Bs[p][c] = (gj < n && gp < k)
          ? (transB ? B[(long) gj * ldb + gp] : B[(long) gp * ldb + gj]) : (T) 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    int pend = min(MM_K, k - t);
    for (int p = 0; p < pend; p++) {
      T ar[MM_W];
      T br[MM_W];
      for (int w = 0; w < MM_W; w++) {
        ar[w] = As[p][ty + w * MM_L];
        br[w] = Bs[p][tx + w * MM_L];
      }
      for (int wm = 0; wm < MM_W; wm++)
        for (int wn = 0; wn < MM_W; wn++) acc[wm][wn] += ar[wm] * br[wn];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  for (int wm = 0; wm < MM_W; wm++) {
    int i = row0 + ty + wm * MM_L;
    if (i >= m) continue;
    for (int wn = 0; wn < MM_W; wn++) {
      int j = col0 + tx + wn * MM_L;
      if (j >= n) continue;
      long at = (long) i * n + j;
      C[at] = beta == 0 ? alpha * acc[wm][wn] : alpha * acc[wm][wn] + beta * C[at];
    }
  }
}
