// Kernels for each floating-point type T (float, double); K(name) appends the type suffix.
// Operation codes are the ordinals of UnaryOp, BinaryOp and ReduceOp.

// Java's Math.max/min: NaN if either is NaN, and +0 > -0.
inline T K(jmax)(T x, T y) {
  if (x != x || y != y) return x + y;
  if (x == 0 && y == 0) return signbit(x) ? y : x;
  return x > y ? x : y;
}
inline T K(jmin)(T x, T y) {
  if (x != x || y != y) return x + y;
  if (x == 0 && y == 0) return signbit(x) ? x : y;
  return x < y ? x : y;
}

inline T K(unop)(int op, T x, T a, T b) {
  switch (op) {
    case 0: return -x;
    case 1: return fabs(x);
    case 2: return x > 0 ? (T) 1 : (x < 0 ? (T) -1 : x);
    case 3: return exp(x);
    case 4: return expm1(x);
    case 5: return log(x);
    case 6: return log1p(x);
    case 7: return sqrt(x);
    case 8: return (T) 1 / x;
    case 9: return x * x;
    case 10: return sin(x);
    case 11: return cos(x);
    case 12: return tanh(x);
    case 13: return x >= 0 ? (T) 1 / ((T) 1 + exp(-x)) : exp(x) / ((T) 1 + exp(x));
    case 14: return x > 0 ? x : (x == x ? (T) 0 : x);
    case 15: return erf(x);
    case 16: return a * x + b;
    case 17: return pow(x, a);
    case 18: return x != x ? x : K(jmin)(K(jmax)(x, a), b);
    default: return x > a ? (T) 1 : (T) 0;
  }
}

inline T K(binop)(int op, T x, T y) {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return pow(x, y);
    case 5: return K(jmax)(x, y);
    case 6: return K(jmin)(x, y);
    case 7: return x > y ? (T) 1 : (T) 0;
    case 8: return x >= y ? (T) 1 : (T) 0;
    case 9: return x < y ? (T) 1 : (T) 0;
    case 10: return x <= y ? (T) 1 : (T) 0;
    case 11: return x == y ? (T) 1 : (T) 0;
    default: return x != y ? (T) 1 : (T) 0;
  }
}

__kernel void K(unary)(int op, T a, T b, __global const T* x, __global T* y, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  y[i] = K(unop)(op, x[i], a, b);
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

// reduce with inner > 1: one work item per output, walking its column of the axis in order
// (compensated summation for SUM).
__kernel void K(reduce_cols)(int op, __global const T* x, int outer, int axis, int inner,
                             __global T* out, __global int* iout) {
  long g = get_global_id(0);
  if (g >= (long) outer * inner) return;
  long o = g / inner;
  long i = g % inner;
  __global const T* p = x + o * axis * inner + i;
  if (op >= 3) {
    T v = p[0];
    int best = 0;
    for (int j = 1; j < axis; j++) {
      T c = p[(long) j * inner];
      if (K(beats)(op, c, j, v, best)) {
        v = c;
        best = j;
      }
    }
    iout[g] = best;
  } else if (op == 0) {
    T s = 0, comp = 0;
    for (int j = 0; j < axis; j++) {
      T y = p[(long) j * inner] - comp;
      T t = s + y;
      comp = (t - s) - y;
      s = t;
    }
    out[g] = s;
  } else {
    T acc = K(identity)(op);
    for (int j = 0; j < axis; j++) {
      acc = K(combine)(op, acc, p[(long) j * inner]);
    }
    out[g] = acc;
  }
}

// reduce with inner == 1: one work-group of RWG items per row, a strided pass then a tree.
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) void K(reduce_rows)(
    int op, __global const T* x, int axis, __global T* out, __global int* iout) {
  __local T lv[RWG];
  __local int li[RWG];
  int lid = get_local_id(0);
  long row = get_group_id(0);
  __global const T* p = x + row * axis;
  T v;
  int best = -1;
  if (op >= 3) {
    v = 0;
    for (int j = lid; j < axis; j += RWG) {
      if (K(beats)(op, p[j], j, v, best)) {
        v = p[j];
        best = j;
      }
    }
  } else if (op == 0) {
    T comp = 0;
    v = 0;
    for (int j = lid; j < axis; j += RWG) {
      T y = p[j] - comp;
      T t = v + y;
      comp = (t - v) - y;
      v = t;
    }
  } else {
    v = K(identity)(op);
    for (int j = lid; j < axis; j += RWG) {
      v = K(combine)(op, v, p[j]);
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

// softmax with inner > 1: one work item per (outer, inner) column, three passes.
__kernel void K(softmax_cols)(__global const T* x, int outer, int axis, int inner, int lg,
                              __global T* y) {
  long g = get_global_id(0);
  if (g >= (long) outer * inner) return;
  long base = (g / inner) * axis * inner + g % inner;
  T m = -INFINITY;
  for (int j = 0; j < axis; j++) {
    m = K(jmax)(m, x[base + (long) j * inner]);
  }
  T s = 0;
  for (int j = 0; j < axis; j++) {
    s += exp(x[base + (long) j * inner] - m);
  }
  T ls = log(s);
  for (int j = 0; j < axis; j++) {
    long at = base + (long) j * inner;
    T shifted = x[at] - m;
    y[at] = lg ? shifted - ls : exp(shifted) / s;
  }
}

// softmax with inner == 1: one work-group per row; y may be x (each item writes only what it read
// after the barriers of the two tree reductions).
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) void K(softmax_rows)(
    __global const T* x, int axis, int lg, __global T* y) {
  __local T lv[RWG];
  int lid = get_local_id(0);
  long base = get_group_id(0) * (long) axis;
  T m = -INFINITY;
  for (int j = lid; j < axis; j += RWG) {
    m = K(jmax)(m, x[base + j]);
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
    sum += exp(x[base + j] - m);
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
    T shifted = x[base + j] - m;
    y[base + j] = lg ? shifted - ls : exp(shifted) / sum;
  }
}

// C = alpha * op(A) * op(B) + beta * C for matrix get_global_id(2) of the batch. Tiles of
// MM_T x MM_T outputs per work-group of MM_L x MM_L items, each item MM_W x MM_W outputs strided
// by MM_L (so neighbouring items touch neighbouring columns); the k dimension walks in panels of
// MM_K through local memory. Accumulation runs in order of p, as in the reference.
#define MM_T (MM_L * MM_W)
#define MM_K 16
__kernel __attribute__((reqd_work_group_size(MM_L, MM_L, 1))) void K(matmul)(
    int m, int n, int k, int transA, int transB, __global const T* A, long aOff, long aStride,
    __global const T* B, long bOff, long bStride, __global T* C, long cOff, long cStride, T alpha,
    T beta) {
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
          ? (transA ? A[(long) gp * m + gi] : A[(long) gi * k + gp]) : (T) 0;
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
          ? (transB ? B[(long) gj * k + gp] : B[(long) gp * n + gj]) : (T) 0;
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
