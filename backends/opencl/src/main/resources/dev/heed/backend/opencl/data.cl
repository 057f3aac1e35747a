// Kernels for every element type T (float, double, int); K(name) appends the type suffix.

__kernel void K(gather)(__global const T* src, int axis, int inner, __global const int* idx,
                        int count, __global T* out, long n) {
  long g = get_global_id(0);
  if (g >= n) return;
  long i = g % inner;
  long r = g / inner;
  long j = r % count;
  long o = r / count;
  out[g] = src[(o * axis + idx[j]) * inner + i];
}

// One work item per (outer, sorted position q, inner); the item at the first position of each
// index's run (see the plan kernels of common.cl) adds the source rows of that index onto the
// output in index order, so the result is deterministic and equals the sequential definition.
__kernel void K(scatter_add)(__global const T* src, int count, int inner, __global const int* idx,
                             __global const int* order, int axis, __global T* out, long n) {
  long g = get_global_id(0);
  if (g >= n) return;
  long i = g % inner;
  long r = g / inner;
  int q = r % count;
  long o = r / count;
  int t = idx[order[q]];
  if (q > 0 && idx[order[q - 1]] == t) return;
  long at = (o * axis + t) * inner + i;
  T acc = out[at];
  for (int p = q; p < count; p++) {
    int j = order[p];
    if (idx[j] != t) break;
    acc += src[(o * count + j) * inner + i];
  }
  out[at] = acc;
}

__kernel void K(random)(int dist, real_t a, real_t b, ulong threshold, ulong seed, ulong offset,
                        __global T* out, long n) {
  long i = get_global_id(0);
  if (i >= n) return;
  real_t v = heed_sample(dist, a, b, threshold, seed, offset + (ulong) i);
  out[i] = CONVERT_REAL(v);
}
