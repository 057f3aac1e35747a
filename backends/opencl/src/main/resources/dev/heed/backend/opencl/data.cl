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

// One work item per (outer, unique target, inner): sums the source rows of its target in index
// order onto the output, so the result is deterministic and equals the sequential definition.
__kernel void K(scatter_add)(__global const T* src, int count, int inner,
                             __global const int* plan, int unique, int axis, __global T* out,
                             long n) {
  long g = get_global_id(0);
  if (g >= n) return;
  long i = g % inner;
  long r = g / inner;
  long u = r % unique;
  long o = r / unique;
  __global const int* order = plan + 2 * unique + 1;
  long at = (o * axis + plan[unique + 1 + u]) * inner + i;
  T acc = out[at];
  for (int q = plan[u]; q < plan[u + 1]; q++) {
    acc += src[(o * count + order[q]) * inner + i];
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
