package dev.heed.testkit;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Layout;

/**
 * Scaled dot-product attention in float64 on the host, written from {@link AttentionProblem} and
 * {@code FusedAttention}'s Javadoc: the expected values of {@link FusedAttentionContract}'s direct
 * calls. Operands are host arrays read through {@link Layout}s {@code [B, H, Tq, d]}, {@code [B,
 * Hkv, Tk, d]}, {@code [B, Hkv, Tk, dv]} and, for the mask, {@code [B, H, Tq, Tk]} (strides 0 where
 * it broadcasts); results are dense.
 */
final class AttentionOracle {
  private AttentionOracle() {}

  /**
   * What the forward writes.
   *
   * @param out {@code [B, H, Tq, dv]}
   * @param lse {@code [B, H, Tq]}, {@code -∞} for a row with no visible key
   * @param weights {@code [B, H, Tq, Tk]} before dropout
   */
  record Forward(double[] out, double[] lse, double[] weights) {}

  /** The gradients {@code [B, H, Tq, d]}, {@code [B, Hkv, Tk, d]} and {@code [B, Hkv, Tk, dv]}. */
  record Gradients(double[] gq, double[] gk, double[] gv) {}

  /** The operands of one call. */
  record Operands(
      double[] q,
      Layout qLayout,
      double[] k,
      Layout kLayout,
      double[] v,
      Layout vLayout,
      double[] mask,
      Layout maskLayout) {}

  private static double at(double[] data, Layout l, int i0, int i1, int i2, int i3) {
    return data[
        (int)
            (l.offset()
                + i0 * l.stride(0)
                + i1 * l.stride(1)
                + i2 * l.stride(2)
                + i3 * l.stride(3))];
  }

  /** The scores of query row {@code (b, h, i)}, {@code -∞} where hidden. */
  private static double[] scores(AttentionProblem p, Operands o, int b, int h, int i) {
    int kv = p.kvHead(h);
    double[] s = new double[p.keys()];
    for (int j = 0; j < p.keys(); j++) {
      double dot = 0;
      for (int c = 0; c < p.headDim(); c++) {
        dot += at(o.q(), o.qLayout(), b, h, i, c) * at(o.k(), o.kLayout(), b, kv, j, c);
      }
      double v = p.scale() * dot;
      if (o.mask() != null) {
        v += at(o.mask(), o.maskLayout(), b, h, i, j);
      }
      s[j] = p.visible(i, j) ? v : Double.NEGATIVE_INFINITY;
    }
    return s;
  }

  /** The forward pass. */
  static Forward forward(AttentionProblem p, Operands o) {
    int tq = p.queries();
    int tk = p.keys();
    int dv = p.valueDim();
    double[] out = new double[p.batch() * p.heads() * tq * dv];
    double[] lse = new double[p.batch() * p.heads() * tq];
    double[] weights = new double[p.batch() * p.heads() * tq * tk];
    double keep = p.dropout() > 0 ? 1 / (1 - p.dropout()) : 1;
    for (int b = 0; b < p.batch(); b++) {
      for (int h = 0; h < p.heads(); h++) {
        int kv = p.kvHead(h);
        for (int i = 0; i < tq; i++) {
          int row = (b * p.heads() + h) * tq + i;
          double[] s = scores(p, o, b, h, i);
          double max = Double.NEGATIVE_INFINITY;
          for (double x : s) {
            max = Math.max(max, x);
          }
          double sum = 0;
          for (double x : s) {
            sum += Math.exp(x - max);
          }
          lse[row] = max == Double.NEGATIVE_INFINITY ? max : max + Math.log(sum);
          for (int j = 0; j < tk; j++) {
            double w = Math.exp(s[j] - max) / sum; // NaN for a row with no visible key
            weights[row * tk + j] = w;
            double dropped = w * (p.kept(b, h, i, j) ? keep : 0);
            for (int c = 0; c < dv; c++) {
              out[row * dv + c] += dropped * at(o.v(), o.vLayout(), b, kv, j, c);
            }
          }
        }
      }
    }
    return new Forward(out, lse, weights);
  }

  /**
   * The gradients for the output gradient {@code gOut} (a view {@code [B, H, Tq, dv]}), as {@code
   * FusedAttention.backward} defines them.
   */
  static Gradients backward(AttentionProblem p, Operands o, double[] gOut, Layout gOutLayout) {
    Forward f = forward(p, o);
    int tq = p.queries();
    int tk = p.keys();
    int d = p.headDim();
    int dv = p.valueDim();
    double[] gq = new double[p.batch() * p.heads() * tq * d];
    double[] gk = new double[p.batch() * p.kvHeads() * tk * d];
    double[] gv = new double[p.batch() * p.kvHeads() * tk * dv];
    double keep = p.dropout() > 0 ? 1 / (1 - p.dropout()) : 1;
    for (int b = 0; b < p.batch(); b++) {
      for (int h = 0; h < p.heads(); h++) {
        int kv = p.kvHead(h);
        for (int i = 0; i < tq; i++) {
          int row = (b * p.heads() + h) * tq + i;
          double dsum = 0;
          for (int c = 0; c < dv; c++) {
            dsum += at(gOut, gOutLayout, b, h, i, c) * f.out()[row * dv + c];
          }
          for (int j = 0; j < tk; j++) {
            double w = f.weights()[row * tk + j];
            double z = p.kept(b, h, i, j) ? keep : 0;
            double dp = 0;
            int kvRow = (b * p.kvHeads() + kv) * tk + j;
            for (int c = 0; c < dv; c++) {
              double g = at(gOut, gOutLayout, b, h, i, c);
              dp += g * at(o.v(), o.vLayout(), b, kv, j, c);
              gv[kvRow * dv + c] += w * z * g;
            }
            double gs = w * (dp * z - dsum) * p.scale();
            for (int c = 0; c < d; c++) {
              gq[row * d + c] += gs * at(o.k(), o.kLayout(), b, kv, j, c);
              gk[kvRow * d + c] += gs * at(o.q(), o.qLayout(), b, h, i, c);
            }
          }
        }
      }
    }
    return new Gradients(gq, gk, gv);
  }
}
