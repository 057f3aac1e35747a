// Fused layer normalisation over the last axis (dev.heed.core.backend.FusedLayerNorm) for one
// element type T, as PyTorch's nn.LayerNorm with the biased variance. WG is the work-group size of
// the row kernels, a power of two.
//
// Row kernels: a work-group of WG items takes WG / lanes rows, each row `lanes` consecutive items
// (lanes a power of two, at most WG, passed as an argument: fewer on CPU devices). Item `lane` of a
// row sums elements lane, lane + lanes, ... in order (compensated, as the backend's SUM), and the
// row's items then add their sums in a fixed tree in local memory, so every sum has one order for
// given (d, lanes). Items past the last row take part in the barriers only. Offsets are long:
// rows·d may pass 2^31.

// Adds v to the sum s with Kahan's compensation c: a row of 129 values near 300 summed in order
// in float would lose the mean's last digits, which the centred values then lack.
#define LN_ADD(s, c, v) \
  { \
    T y_ = (v) - (c); \
    T t_ = (s) + y_; \
    (c) = (t_ - (s)) - y_; \
    (s) = t_; \
  }

// Adds the slots of each row's items in a fixed tree, the row's sum ending in its first slot
// (ln_tree2: two arrays at once). Every item of the work-group calls it (barriers).
inline void ln_tree(__local T* red, int lid, int lane, int lanes) {
  for (int h = lanes >> 1; h > 0; h >>= 1) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lane < h) red[lid] += red[lid + h];
  }
  barrier(CLK_LOCAL_MEM_FENCE);
}

inline void ln_tree2(__local T* ra, __local T* rb, int lid, int lane, int lanes) {
  for (int h = lanes >> 1; h > 0; h >>= 1) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lane < h) {
      ra[lid] += ra[lid + h];
      rb[lid] += rb[lid + h];
    }
  }
  barrier(CLK_LOCAL_MEM_FENCE);
}

// y = (x - mean)·rstd·w + b per row, with the mean first and then the variance as the mean of
// (x - mean)² (two passes over the row, as stable as the composite), rstd = 1/√(var + eps); writes
// each row's mean and rstd. hasW / hasB: 0 for a weight of ones / a bias of zeros (w / b then name
// another buffer, never read).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void layer_norm_forward(
    int rows, int d, int lanes, T eps, __global const T* x, int hasW, __global const T* w,
    int hasB, __global const T* b, __global T* y, __global T* mean, __global T* rstd) {
  __local T red[WG];
  int lid = get_local_id(0);
  int lane = lid & (lanes - 1);
  int first = lid - lane;
  long r = (long) get_group_id(0) * (WG / lanes) + lid / lanes;
  bool active = r < rows;
  long base = r * d;
  T s = 0, sc = 0;
  if (active) {
    for (int j = lane; j < d; j += lanes) LN_ADD(s, sc, x[base + j]);
  }
  red[lid] = s;
  ln_tree(red, lid, lane, lanes);
  T mu = red[first] / (T) d;
  barrier(CLK_LOCAL_MEM_FENCE); // every item has read the mean before the slots are reused
  T q = 0, qc = 0;
  if (active) {
    for (int j = lane; j < d; j += lanes) {
      T c = x[base + j] - mu;
      LN_ADD(q, qc, c * c);
    }
  }
  red[lid] = q;
  ln_tree(red, lid, lane, lanes);
  T rs = (T) 1 / sqrt(red[first] / (T) d + eps);
  if (!active) return;
  if (lane == 0) {
    mean[r] = mu;
    rstd[r] = rs;
  }
  for (int j = lane; j < d; j += lanes) {
    T v = (x[base + j] - mu) * rs;
    if (hasW) v *= w[j];
    if (hasB) v += b[j];
    y[base + j] = v;
  }
}

// gx per row, with x̂ = (x - mean)·rstd and g = gy·w: gx = rstd·(g - mean(g) - x̂·mean(g·x̂)), the two
// row means from one pass of two trees.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void layer_norm_backward(
    int rows, int d, int lanes, __global const T* gy, __global const T* x, int hasW,
    __global const T* w, __global const T* mean, __global const T* rstd, __global T* gx) {
  __local T ra[WG];
  __local T rb[WG];
  int lid = get_local_id(0);
  int lane = lid & (lanes - 1);
  int first = lid - lane;
  long r = (long) get_group_id(0) * (WG / lanes) + lid / lanes;
  bool active = r < rows;
  long base = r * d;
  T mu = active ? mean[r] : (T) 0;
  T rs = active ? rstd[r] : (T) 0;
  T sg = 0, sgc = 0;
  T sgx = 0, sgxc = 0;
  if (active) {
    for (int j = lane; j < d; j += lanes) {
      T g = hasW ? gy[base + j] * w[j] : gy[base + j];
      T xh = (x[base + j] - mu) * rs;
      LN_ADD(sg, sgc, g);
      LN_ADD(sgx, sgxc, g * xh);
    }
  }
  ra[lid] = sg;
  rb[lid] = sgx;
  ln_tree2(ra, rb, lid, lane, lanes);
  if (!active) return;
  T mg = ra[first] / (T) d;
  T mgx = rb[first] / (T) d;
  for (int j = lane; j < d; j += lanes) {
    T g = hasW ? gy[base + j] * w[j] : gy[base + j];
    T xh = (x[base + j] - mu) * rs;
    gx[base + j] = (g - mg - xh * mgx) * rs;
  }
}

// The parameter gradients as column sums without atomics, in a fixed order: item (c, j) of
// chunks·d sums gy·x̂ and gy of column j over rows [c·span, min(rows, (c + 1)·span)) in row order
// (compensated)
// and writes them to pw[c·d + j] and pb[bOff + c·d + j] (when wantW / wantB). With one chunk these
// are the outputs; otherwise layer_norm_param_sum adds the chunks in order.
__kernel void layer_norm_param_partial(
    int rows, int d, int span, int chunks, __global const T* gy, __global const T* x,
    __global const T* mean, __global const T* rstd, int wantW, __global T* pw, int wantB,
    __global T* pb, long bOff) {
  long i = get_global_id(0);
  if (i >= (long) chunks * d) return;
  int c = (int) (i / d);
  int j = (int) (i - (long) c * d);
  int from = c * span;
  int to = (int) min((long) rows, (long) from + span);
  T sw = 0, swc = 0;
  T sb = 0, sbc = 0;
  for (int r = from; r < to; r++) {
    long at = (long) r * d + j;
    T g = gy[at];
    LN_ADD(sw, swc, g * ((x[at] - mean[r]) * rstd[r]));
    LN_ADD(sb, sbc, g);
  }
  if (wantW) pw[i] = sw;
  if (wantB) pb[bOff + i] = sb;
}

// gWeight[j] and gBias[j]: the chunks' partial sums of column j (pw[c·d + j] and pb[bOff + c·d + j])
// added in chunk order (compensated).
__kernel void layer_norm_param_sum(
    int d, int chunks, __global const T* part, long bOff, int wantW, __global T* gw, int wantB,
    __global T* gb) {
  long j = get_global_id(0);
  if (j >= d) return;
  T sw = 0, swc = 0;
  T sb = 0, sbc = 0;
  for (int c = 0; c < chunks; c++) {
    long at = (long) c * d + j;
    LN_ADD(sw, swc, part[at]);
    LN_ADD(sb, sbc, part[bOff + at]);
  }
  if (wantW) gw[j] = sw;
  if (wantB) gb[j] = sb;
}
