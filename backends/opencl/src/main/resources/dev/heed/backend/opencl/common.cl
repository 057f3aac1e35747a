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

// SplitMix64's output function at counter index of stream seed (dev.heed.core.backend.CounterRandom).
inline ulong heed_bits(ulong seed, ulong index) {
  ulong z = seed + (index + 1UL) * 0x9E3779B97F4A7C15UL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
  return z ^ (z >> 31);
}

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
