package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The composite attention: grouped heads, the causal rule, masks, dropout, gradients. */
class AttentionOpsTest {
  private final TestBackends.Reference be = TestBackends.reference();

  private Tensor random(long seed, int... shape) {
    return Tensors.normal(be, Shape.of(shape), DType.FLOAT64, 0, 1, seed);
  }

  /** softmax(scale·q·kᵀ + mask)·v for one head, by hand. */
  private static double[] byHand(
      double[] q,
      double[] k,
      double[] v,
      int tq,
      int tk,
      int d,
      int dv,
      double scale,
      boolean[] hide) {
    double[] out = new double[tq * dv];
    for (int i = 0; i < tq; i++) {
      double[] s = new double[tk];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < tk; j++) {
        double dot = 0;
        for (int c = 0; c < d; c++) {
          dot += q[i * d + c] * k[j * d + c];
        }
        s[j] = hide[i * tk + j] ? Double.NEGATIVE_INFINITY : dot * scale;
        max = Math.max(max, s[j]);
      }
      double sum = 0;
      for (int j = 0; j < tk; j++) {
        s[j] = Math.exp(s[j] - max);
        sum += s[j];
      }
      for (int j = 0; j < tk; j++) {
        for (int c = 0; c < dv; c++) {
          out[i * dv + c] += s[j] / sum * v[j * dv + c];
        }
      }
    }
    return out;
  }

  @Test
  void groupedHeadsReadTheirKeyHeadAndCausalIsAlignedToTheLastKey() {
    int b = 1;
    int h = 4;
    int hkv = 2;
    int tq = 2;
    int tk = 5;
    int d = 3;
    Tensor q = random(1, b, h, tq, d);
    Tensor k = random(2, b, hkv, tk, d);
    Tensor v = random(3, b, hkv, tk, 2);
    AttentionOps.Attended a =
        AttentionOps.attention(q, k, v, AttentionOptions.defaults().withCausal(true));
    assertEquals(Shape.of(b, h, tq, 2), a.output().shape());
    boolean[] hide = new boolean[tq * tk];
    for (int i = 0; i < tq; i++) {
      for (int j = 0; j < tk; j++) {
        hide[i * tk + j] = j > i + tk - tq; // query 0 sees keys 0..3, query 1 all five
      }
    }
    for (int head = 0; head < h; head++) {
      int kvHead = head / (h / hkv);
      double[] want =
          byHand(
              Shapes.select(Shapes.select(q, 0, 0), 0, head).toDoubleArray(),
              Shapes.select(Shapes.select(k, 0, 0), 0, kvHead).toDoubleArray(),
              Shapes.select(Shapes.select(v, 0, 0), 0, kvHead).toDoubleArray(),
              tq,
              tk,
              d,
              2,
              1 / Math.sqrt(d),
              hide);
      assertArrayEquals(
          want,
          Shapes.select(Shapes.select(a.output(), 0, 0), 0, head).toDoubleArray(),
          1e-12,
          "head " + head);
    }
    double[] w = a.weights().toDoubleArray();
    assertEquals(0.0, w[4], 0.0, "query 0 does not see the last key");
  }

  @Test
  void aBooleanMaskEqualsTheAdditiveOneAndAFullyMaskedRowIsNaN() {
    Tensor q = random(4, 2, 1, 3, 4);
    Tensor k = random(5, 2, 1, 3, 4);
    Tensor v = random(6, 2, 1, 3, 4);
    double inf = Double.NEGATIVE_INFINITY;
    Tensor additive =
        Tensors.of(be, DType.FLOAT64, new double[] {0, inf, 0, inf, inf, inf}, 2, 1, 1, 3);
    Tensor keep = Tensors.of(be, DType.FLOAT64, new double[] {1, 0, 1, 0, 0, 0}, 2, 1, 1, 3);
    Tensor x =
        AttentionOps.attention(q, k, v, AttentionOptions.defaults().withMask(additive)).output();
    Tensor y =
        AttentionOps.attention(q, k, v, AttentionOptions.defaults().withBooleanMask(keep)).output();
    double[] xs = x.toDoubleArray();
    double[] ys = y.toDoubleArray();
    for (int i = 0; i < 12; i++) {
      assertEquals(xs[i], ys[i], 1e-12);
    }
    for (int i = 12; i < 24; i++) {
      assertTrue(Double.isNaN(xs[i]) && Double.isNaN(ys[i]), "a row that sees no key is NaN");
    }
  }

  @Test
  void dropoutKeepsTheWeightsThatTheProblemKeeps() {
    Tensor q = random(7, 1, 2, 3, 4);
    Tensor k = random(8, 1, 2, 5, 4);
    Tensor v = Tensors.ones(be, Shape.of(1, 2, 5, 1), DType.FLOAT64);
    AttentionOptions o = AttentionOptions.defaults().withDropout(0.5, true, 42);
    AttentionOps.Attended a = AttentionOps.attention(q, k, v, o);
    double[] w = a.weights().toDoubleArray();
    double[] out = a.output().toDoubleArray();
    AttentionProblem p = new AttentionProblem(1, 2, 2, 3, 5, 4, 1, 0.5, false, 0.5, 42);
    for (int h = 0; h < 2; h++) {
      for (int i = 0; i < 3; i++) {
        double want = 0;
        for (int j = 0; j < 5; j++) {
          want += p.kept(0, h, i, j) ? w[(h * 3 + i) * 5 + j] * 2 : 0;
        }
        assertEquals(want, out[h * 3 + i], 1e-12, "head " + h + " query " + i);
      }
    }
    assertArrayEquals(out, AttentionOps.attention(q, k, v, o).output().toDoubleArray(), 0.0);
    assertArrayEquals(
        a.weights().toDoubleArray(),
        AttentionOps.attention(q, k, v, AttentionOptions.defaults()).weights().toDoubleArray(),
        0.0,
        "the weights are those before dropout");
  }

  @Test
  void gradientsWithGroupedHeadsCausalAndAMask() {
    double inf = Double.NEGATIVE_INFINITY;
    Tensor mask = Tensors.of(be, DType.FLOAT64, new double[] {0, 0, inf, 0}, 4);
    NumericGradient.check(
        be,
        List.of(
            NumericGradient.values(2 * 4 * 3 * 2, 11),
            NumericGradient.values(2 * 2 * 4 * 2, 12),
            NumericGradient.values(2 * 2 * 4 * 3, 13)),
        List.of(Shape.of(2, 4, 3, 2), Shape.of(2, 2, 4, 2), Shape.of(2, 2, 4, 3)),
        in -> {
          AttentionOps.Attended a =
              AttentionOps.attention(
                  Shapes.transpose(Shapes.transpose(in.get(0), 2, 3), 2, 3),
                  in.get(1),
                  in.get(2),
                  AttentionOptions.defaults().withCausal(true).withMask(mask).withScale(0.7));
          return Reductions.sum(a.output().square()).add(Reductions.sum(a.weights().mul(2)));
        });
  }

  @Test
  void packedSelfAttentionTakesTheHeadsAsViews() {
    Tensor qkv = random(14, 2, 3, 3 * 2 * 4); // [B, T, 3·H·d], H = 2, d = 4
    AttentionOps.Attended a = AttentionOps.selfAttention(qkv, 2, 0.5, 0, false, 0);
    Tensor split = Shapes.copy(Shapes.permute(Shapes.reshape(qkv, 2, 3, 3, 2, 4), 2, 0, 3, 1, 4));
    Tensor want =
        AttentionOps.scaledDotProduct(
                Shapes.copy(Shapes.select(split, 0, 0)),
                Shapes.copy(Shapes.select(split, 0, 1)),
                Shapes.copy(Shapes.select(split, 0, 2)),
                null,
                0.5,
                0,
                false,
                0)
            .output();
    assertArrayEquals(
        Shapes.reshape(Shapes.permute(want, 0, 2, 1, 3), 2, 3, 8).toDoubleArray(),
        a.output().toDoubleArray(),
        1e-12);
  }

  @Test
  void shapesThatDoNotFitAreRefused() {
    Tensor q = random(1, 1, 3, 2, 4);
    Tensor k = random(2, 1, 2, 2, 4);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AttentionOps.attention(q, k, k, AttentionOptions.defaults()));
    assertTrue(e.getMessage().contains("Hkv dividing H"), e.getMessage());
  }
}
