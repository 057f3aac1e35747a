// Heed OpenCL kernels: helpers shared by every element type. The Java side prepends the defines
// HAS_FP64 (when the device has cl_khr_fp64), RWG (power-of-two work-group size of the row
// reductions) and MM_L, MM_W (matmul: local size MM_L x MM_L, each work item MM_W x MM_W outputs).
#ifdef HAS_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real_t;
#else
typedef float real_t;
#endif

#define MAXR 8

// Element index of linear position i of a view of rank r (row-major) for up to four views that
// share one shape; the strides are unpacked from long8 arguments.
#define UNPACK(sh, v) int sh[MAXR] = {v.s0, v.s1, v.s2, v.s3, v.s4, v.s5, v.s6, v.s7}
#define UNPACKL(st, v) long st[MAXR] = {v.s0, v.s1, v.s2, v.s3, v.s4, v.s5, v.s6, v.s7}

// heed_bits, the counter-based stream, is in bits.cl (the Java side prepends it).

#ifdef HAS_FP64
inline real_t heed_uniform(ulong seed, ulong index) {
  return (double) (heed_bits(seed, index) >> 11) * 0x1.0p-53;
}
inline real_t heed_normal(ulong seed, ulong index) {
  double u1 = 1.0 - heed_uniform(seed, 2 * index);
  double u2 = heed_uniform(seed, 2 * index + 1);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
#else
// Without fp64: the top 24 bits, exact in a float and below 1; log1p keeps u near 0 accurate.
inline real_t heed_uniform(ulong seed, ulong index) {
  return (float) (heed_bits(seed, index) >> 40) * 0x1.0p-24f;
}
inline real_t heed_normal(ulong seed, ulong index) {
  float u = heed_uniform(seed, 2 * index);
  float u2 = heed_uniform(seed, 2 * index + 1);
  return sqrt(-2.0f * log1p(-u)) * cos(2.0f * M_PI_F * u2);
}
#endif

// The sample of Distribution: 0 UNIFORM on [a, b), 1 NORMAL(a, b), 2 BERNOULLI (bits below
// threshold, computed exactly on the host as ceil(a * 2^53)).
inline real_t heed_sample(int dist, real_t a, real_t b, ulong threshold, ulong seed, ulong index) {
  if (dist == 0) {
    return a + (b - a) * heed_uniform(seed, index);
  } else if (dist == 1) {
    return a + b * heed_normal(seed, index);
  }
  return (heed_bits(seed, index) >> 11) < threshold ? (real_t) 1 : (real_t) 0;
}

// copy between strided views with conversion: one kernel per (source, destination) type pair.
#define HEED_COPY(NAME, ST, DT, CONV)                                                           \
  __kernel void NAME(int rank, int8 shape, __global const ST* s, long8 ss, long os,             \
                     __global DT* d, long8 sd, long od, long n) {                               \
    long i = get_global_id(0);                                                                  \
    if (i >= n) return;                                                                         \
    UNPACK(sh, shape);                                                                          \
    UNPACKL(ts, ss);                                                                            \
    UNPACKL(td, sd);                                                                            \
    long is = os, id = od, r = i;                                                               \
    for (int k = rank - 1; k >= 0; k--) {                                                       \
      long c = r % sh[k];                                                                       \
      r /= sh[k];                                                                               \
      is += c * ts[k];                                                                          \
      id += c * td[k];                                                                          \
    }                                                                                           \
    d[id] = CONV(s[is]);                                                                        \
  }

#define HEED_SAME(x) (x)
HEED_COPY(copy_f32_f32, float, float, HEED_SAME)
HEED_COPY(copy_i32_i32, int, int, HEED_SAME)
HEED_COPY(copy_f32_i32, float, int, convert_int_sat_rtz)
HEED_COPY(copy_i32_f32, int, float, convert_float)
#ifdef HAS_FP64
HEED_COPY(copy_f64_f64, double, double, HEED_SAME)
HEED_COPY(copy_f32_f64, float, double, convert_double)
HEED_COPY(copy_f64_f32, double, float, convert_float)
HEED_COPY(copy_f64_i32, double, int, convert_int_sat_rtz)
HEED_COPY(copy_i32_f64, int, double, convert_double)
#endif

// The plan of a deterministic scatterAdd, built on the device from count indices idx (each in
// [0, axis)): order lists the positions 0..count-1 sorted by index, the positions of one index in
// increasing order (a stable counting sort).

// counts[t] = number of positions with index t (counts zeroed by the host).
__kernel void scatter_count(__global const int* idx, int count, __global int* counts) {
  int j = get_global_id(0);
  if (j >= count) return;
  atomic_inc(counts + idx[j]);
}

// starts = the exclusive prefix sums of counts (starts[axis] = count); counts becomes a copy of
// starts[0..axis), the cursors of scatter_order. One work-group: each item scans a contiguous
// chunk.
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) void scatter_scan(
    __global int* counts, int axis, __global int* starts) {
  __local int part[RWG];
  int lid = get_local_id(0);
  int per = (axis + RWG - 1) / RWG;
  int from = min(axis, lid * per);
  int to = min(axis, from + per);
  int s = 0;
  for (int t = from; t < to; t++) s += counts[t];
  part[lid] = s;
  barrier(CLK_LOCAL_MEM_FENCE);
  if (lid == 0) {
    int acc = 0;
    for (int q = 0; q < RWG; q++) {
      int c = part[q];
      part[q] = acc;
      acc += c;
    }
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  int acc = part[lid];
  for (int t = from; t < to; t++) {
    int c = counts[t];
    starts[t] = acc;
    counts[t] = acc;
    acc += c;
  }
  if (lid == RWG - 1) starts[axis] = acc;
}

// One work-group walks the positions in blocks of RWG, in order: a position goes to its index's
// cursor plus the number of earlier positions of the block with that index, and then the last such
// position of the block moves the cursor past them. So each run lists its positions in increasing
// order, at a cost of RWG comparisons per position whatever the indices.
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) void scatter_order(
    __global const int* idx, int count, __global int* cursor, __global int* order) {
  __local int block[RWG];
  int lid = get_local_id(0);
  for (int base = 0; base < count; base += RWG) {
    int j = base + lid;
    int t = j < count ? idx[j] : -1;
    block[lid] = t;
    barrier(CLK_LOCAL_MEM_FENCE);
    int before = 0;
    int after = 0;
    if (t >= 0) {
      for (int q = 0; q < RWG; q++) {
        int same = block[q] == t;
        before += q < lid ? same : 0;
        after += q > lid ? same : 0;
      }
      order[cursor[t] + before] = j;
    }
    barrier(CLK_GLOBAL_MEM_FENCE);
    if (t >= 0 && after == 0) cursor[t] += before + 1;
    barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
  }
}
