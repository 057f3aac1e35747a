package dev.heed.backend.simd;

/**
 * One thread's working memory for {@link SimdFlashAttention}'s tiles, reused from call to call: the
 * score (then weight) tile, the dropped weights and dropout factors, the gradient of the weights,
 * and for the forward the running output, maximum and sum of a block of query rows.
 */
final class SimdFlashScratch {
  private static final ThreadLocal<SimdFlashScratch> LOCAL =
      ThreadLocal.withInitial(SimdFlashScratch::new);

  private static final int TILE = SimdFlashCall.BQ * SimdFlashCall.BK;

  /** Scores, then weights: {@code [BQ, BK]}. */
  final float[] s = new float[TILE];

  /** Weights times the dropout factors {@code [BQ, BK]}. */
  final float[] pz = new float[TILE];

  /** Dropout factors {@code [BQ, BK]}. */
  final float[] z = new float[TILE];

  /** Gradient of the weights, then of the scores: {@code [BQ, BK]}. */
  final float[] dp = new float[TILE];

  /** Running maximum and sum of each query row. */
  final float[] m = new float[SimdFlashCall.BQ];

  final float[] l = new float[SimdFlashCall.BQ];

  /** The logarithm of each row's sum. */
  final float[] logL = new float[SimdFlashCall.BQ];

  /** Unnormalised output {@code [BQ, dv]}. */
  float[] o = new float[0];

  /** Each query row's shift of each key block, for the kept weights. */
  private float[] shifts = new float[0];

  private SimdFlashScratch() {}

  /** {@link #shifts}, at least {@code n} floats. */
  float[] shifts(int n) {
    if (shifts.length < n) {
      shifts = new float[n];
    }
    return shifts;
  }

  /** The calling thread's scratch, with room for an output block of {@code dv} columns. */
  static SimdFlashScratch get(int dv) {
    SimdFlashScratch w = LOCAL.get();
    if (w.o.length < SimdFlashCall.BQ * dv) {
      w.o = new float[SimdFlashCall.BQ * dv];
    }
    return w;
  }
}
