// Fused scaled dot-product attention (dev.heed.core.backend.FusedAttention) for one element type T
// and one pair of head sizes, compile-time constants of the program: HD (queries and keys) and VD
// (values). WG is the work-group size (one query or key row per item) and BK the rows of a tile
// staged in local memory. heed_bits (bits.cl) comes first.
//
// A view argument is a long8 (offset, then the strides of batch, head, row and feature), so every
// operand may be any strided view. Sizes: H query heads, G = H / Hkv query heads per key head, tq
// queries, tk keys. Causal: query i sees key j when j <= i + tk - tq (bottom-right aligned), so for
// a fixed query the visible keys are a prefix, and for a fixed key the queries that see it a suffix.

#define AT(v, b, h, r, c) \
  ((v).s0 + (long) (b) * (v).s1 + (long) (h) * (v).s2 + (long) (r) * (v).s3 + (long) (c) * (v).s4)

// The dropout factor of weight (b, h, i, j): keep (1 / (1 - p) rounded to T) when element
// ((b * H + h) * tq + i) * tk + j of the stream is kept (its top 53 bits below threshold), else 0;
// 1 without dropout.
inline T att_drop(int dropout, ulong seed, ulong threshold, T keep, int b, int h, int i, int j,
                  int H, int tq, int tk) {
  if (!dropout) return (T) 1;
  ulong index = (((ulong) b * H + h) * tq + i) * tk + j;
  return (heed_bits(seed, index) >> 11) < threshold ? keep : (T) 0;
}

// The score of query row qr (private) and key row kr (local): scale · q·k + mask, summed in order
// of the features.
inline T att_score(const T* qr, __local const T* kr, T scale) {
  T s = 0;
  for (int c = 0; c < HD; c++) s += qr[c] * kr[c];
  return s * scale;
}

// One item per query row i of head (b, h): the keys in tiles of BK, with a running maximum m and
// sum l of exp(score - m) (online softmax); out = Σ exp(s - m)·drop·v / l, lse = m + log l. Keys
// that no row of the work-group sees under the causal rule are not loaded. Within a tile the items
// take no branches of their own: a hidden key gets weight 0 by selects, so that the items of a
// work-group run in step (and PoCL vectorises them). The backward passes do the same.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void attention_forward(
    int H, int G, int tq, int tk, T scale, int causal, __global const T* q, long8 qv,
    __global const T* k, long8 kv, __global const T* v, long8 vv, int masked,
    __global const T* mask, long8 mv, int dropout, ulong seed, ulong threshold, T keep,
    __global T* out, long8 ov, __global T* lse) {
  __local T ks[BK][HD];
  __local T vs[BK][VD];
  int lid = get_local_id(0);
  int i = get_global_id(0);
  int bh = get_global_id(1);
  int b = bh / H;
  int h = bh % H;
  int kh = h / G;
  bool active = i < tq;
  T qr[HD];
  T acc[VD];
  for (int c = 0; c < HD; c++) qr[c] = active ? q[AT(qv, b, h, i, c)] : (T) 0;
  for (int c = 0; c < VD; c++) acc[c] = 0;
  T m = -INFINITY;
  T l = 0;
  int last = min(tq - 1, (int) get_group_id(0) * WG + WG - 1);
  int end = causal ? min(tk, last + tk - tq + 1) : tk;
  for (int kb = 0; kb < end; kb += BK) {
    int n = min(BK, end - kb);
    for (int e = lid; e < n * HD; e += WG) ks[e / HD][e % HD] = k[AT(kv, b, kh, kb + e / HD, e % HD)];
    for (int e = lid; e < n * VD; e += WG) vs[e / VD][e % VD] = v[AT(vv, b, kh, kb + e / VD, e % VD)];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (active) {
      for (int r = 0; r < n; r++) {
        int j = kb + r;
        T s = att_score(qr, ks[r], scale);
        if (masked) s += mask[AT(mv, b, h, i, j)];
        s = causal && j > i + tk - tq ? (T) -INFINITY : s;
        T mNew = s > m ? s : m; // a NaN score keeps m, and makes l NaN below
        bool none = s == -INFINITY && m == -INFINITY; // no visible key yet
        T corr = none ? (T) 1 : exp(m - mNew);
        T p = none ? (T) 0 : exp(s - mNew);
        l = l * corr + p;
        T pz = p * att_drop(dropout, seed, threshold, keep, b, h, i, j, H, tq, tk);
        for (int c = 0; c < VD; c++) acc[c] = acc[c] * corr + pz * vs[r][c];
        m = mNew;
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (active) {
    for (int c = 0; c < VD; c++) out[AT(ov, b, h, i, c)] = acc[c] / l; // no key: 0 / 0, NaN
    lse[(long) bh * tq + i] = m + log(l);
  }
}

// The weights before dropout, contiguous [B, H, tq, tk]: exp(score - lse), 0 where hidden (NaN
// in a row that sees no key, as softmax gives).
__kernel void attention_weights(int H, int G, int tq, int tk, T scale, int causal,
                                __global const T* q, long8 qv, __global const T* k, long8 kv,
                                int masked, __global const T* mask, long8 mv,
                                __global const T* lse, __global T* w, long n) {
  long g = get_global_id(0);
  if (g >= n) return;
  int j = g % tk;
  long r = g / tk;
  int i = r % tq;
  int bh = r / tq;
  int b = bh / H;
  int h = bh % H;
  T s = -INFINITY;
  if (!causal || j <= i + tk - tq) {
    s = 0;
    for (int c = 0; c < HD; c++) s += q[AT(qv, b, h, i, c)] * k[AT(kv, b, h / G, j, c)];
    s *= scale;
    if (masked) s += mask[AT(mv, b, h, i, j)];
  }
  w[g] = exp(s - lse[r]);
}

// Backward, first pass: one item per query row i. D = Σ gOut·out of the row (kept in dsum for the
// second pass); for each visible key, p = exp(s - lse), dp = gOut·v, gs = p·(dp·drop - D)·scale,
// and gq = Σ gs·k (contiguous [B, H, tq, HD], written when wq).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void attention_dq(
    int H, int G, int tq, int tk, T scale, int causal, __global const T* q, long8 qv,
    __global const T* k, long8 kv, __global const T* v, long8 vv, int masked,
    __global const T* mask, long8 mv, int dropout, ulong seed, ulong threshold, T keep,
    __global const T* out, long8 ov, __global const T* lse, __global const T* gout, long8 gv,
    __global T* dsum, int wq, __global T* gq) {
  __local T ks[BK][HD];
  __local T vs[BK][VD];
  int lid = get_local_id(0);
  int i = get_global_id(0);
  int bh = get_global_id(1);
  int b = bh / H;
  int h = bh % H;
  int kh = h / G;
  bool active = i < tq;
  T qr[HD];
  T gr[VD];
  T acc[HD];
  T d = 0;
  for (int c = 0; c < HD; c++) {
    qr[c] = active ? q[AT(qv, b, h, i, c)] : (T) 0;
    acc[c] = 0;
  }
  for (int c = 0; c < VD; c++) {
    gr[c] = active ? gout[AT(gv, b, h, i, c)] : (T) 0;
    d += active ? gr[c] * out[AT(ov, b, h, i, c)] : (T) 0;
  }
  T ls = active ? lse[(long) bh * tq + i] : (T) 0;
  if (active) dsum[(long) bh * tq + i] = d;
  int last = min(tq - 1, (int) get_group_id(0) * WG + WG - 1);
  int end = causal ? min(tk, last + tk - tq + 1) : tk;
  for (int kb = 0; kb < end; kb += BK) {
    int n = min(BK, end - kb);
    for (int e = lid; e < n * HD; e += WG) ks[e / HD][e % HD] = k[AT(kv, b, kh, kb + e / HD, e % HD)];
    for (int e = lid; e < n * VD; e += WG) vs[e / VD][e % VD] = v[AT(vv, b, kh, kb + e / VD, e % VD)];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (active && wq) {
      for (int r = 0; r < n; r++) {
        int j = kb + r;
        T s = att_score(qr, ks[r], scale);
        if (masked) s += mask[AT(mv, b, h, i, j)];
        bool hidden = s == -INFINITY || causal && j > i + tk - tq;
        T p = hidden ? (T) 0 : exp(s - ls);
        T dp = 0;
        for (int c = 0; c < VD; c++) dp += gr[c] * vs[r][c];
        T z = att_drop(dropout, seed, threshold, keep, b, h, i, j, H, tq, tk);
        T gs = p * (dp * z - d) * scale;
        for (int c = 0; c < HD; c++) acc[c] += gs * ks[r][c];
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (active && wq) {
    for (int c = 0; c < HD; c++) gq[((long) bh * tq + i) * HD + c] = acc[c];
  }
}

// Backward, second pass: one item per key row j of key head (b, kh), over the G query heads of its
// group and their queries in tiles of BK (queries that no key of the work-group is visible to are
// skipped): gk = Σ gs·q and gv = Σ p·drop·gOut (contiguous [B, Hkv, tk, HD] and [..., VD], written
// when wk, wv). Every sum runs in a fixed order, so the gradients are deterministic.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1))) void attention_dkv(
    int H, int G, int tq, int tk, T scale, int causal, __global const T* q, long8 qv,
    __global const T* k, long8 kv, __global const T* v, long8 vv, int masked,
    __global const T* mask, long8 mv, int dropout, ulong seed, ulong threshold, T keep,
    __global const T* lse, __global const T* gout, long8 gv, __global const T* dsum, int wk,
    __global T* gk, int wv, __global T* gvo) {
  __local T qs[BK][HD];
  __local T gs[BK][VD];
  __local T lss[BK];
  __local T ds[BK];
  int lid = get_local_id(0);
  int j = get_global_id(0);
  int bk = get_global_id(1);
  int Hkv = H / G;
  int b = bk / Hkv;
  int kh = bk % Hkv;
  bool active = j < tk;
  T kr[HD];
  T vr[VD];
  T ak[HD];
  T av[VD];
  for (int c = 0; c < HD; c++) {
    kr[c] = active ? k[AT(kv, b, kh, j, c)] : (T) 0;
    ak[c] = 0;
  }
  for (int c = 0; c < VD; c++) {
    vr[c] = active ? v[AT(vv, b, kh, j, c)] : (T) 0;
    av[c] = 0;
  }
  int first = (int) get_group_id(0) * WG;
  int start = causal ? max(0, first - (tk - tq)) : 0;
  for (int hh = 0; hh < G; hh++) {
    int h = kh * G + hh;
    long bh = (long) b * H + h;
    for (int ib = start; ib < tq; ib += BK) {
      int n = min(BK, tq - ib);
      for (int e = lid; e < n * HD; e += WG) qs[e / HD][e % HD] = q[AT(qv, b, h, ib + e / HD, e % HD)];
      for (int e = lid; e < n * VD; e += WG) gs[e / VD][e % VD] = gout[AT(gv, b, h, ib + e / VD, e % VD)];
      for (int e = lid; e < n; e += WG) {
        lss[e] = lse[bh * tq + ib + e];
        ds[e] = dsum[bh * tq + ib + e];
      }
      barrier(CLK_LOCAL_MEM_FENCE);
      if (active) {
        for (int r = 0; r < n; r++) {
          int i = ib + r;
          T s = 0;
          for (int c = 0; c < HD; c++) s += qs[r][c] * kr[c];
          s *= scale;
          if (masked) s += mask[AT(mv, b, h, i, j)];
          bool hidden = s == -INFINITY || causal && j > i + tk - tq;
          T p = hidden ? (T) 0 : exp(s - lss[r]);
          T dp = 0;
          for (int c = 0; c < VD; c++) dp += gs[r][c] * vr[c];
          T z = att_drop(dropout, seed, threshold, keep, b, h, i, j, H, tq, tk);
          T g = p * (dp * z - ds[r]) * scale;
          for (int c = 0; c < HD; c++) ak[c] += g * qs[r][c];
          T pz = p * z;
          for (int c = 0; c < VD; c++) av[c] += pz * gs[r][c];
        }
      }
      barrier(CLK_LOCAL_MEM_FENCE);
    }
  }
  if (active && wk) {
    for (int c = 0; c < HD; c++) gk[((long) bk * tk + j) * HD + c] = ak[c];
  }
  if (active && wv) {
    for (int c = 0; c < VD; c++) gvo[((long) bk * tk + j) * VD + c] = av[c];
  }
}
