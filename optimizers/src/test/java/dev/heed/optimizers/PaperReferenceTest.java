package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimizers that PyTorch 1.13 lacks, checked step by step against their papers' update rules
 * computed here independently with plain Java doubles (no Heed tensor code):
 *
 * <ul>
 *   <li>Lion: X. Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023
 *       (arXiv:2302.06675), Algorithm 2.
 *   <li>LAMB: Y. You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76
 *       minutes", ICLR 2020 (arXiv:1904.00962, 2019), Algorithm 2 with φ the identity.
 *   <li>AdaBelief: J. Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
 *       Observed Gradients", NeurIPS 2020 (arXiv:2010.07468), Algorithm 2.
 * </ul>
 *
 * The problem: a 2×2 matrix w and a vector b of 3 (two "layers" for LAMB's trust ratios), with
 * {@code loss = Σ k_i p_i²/2 + Σ p_i⁴/4}, so {@code grad_i = k_i p_i + p_i³}. Float64 throughout; 8
 * steps; agreement to 1e-12 relative.
 */
@SuppressWarnings("try")
class PaperReferenceTest {
  private static final double[] W0 = {0.8, -1.2, 0.3, 1.5};
  private static final double[] B0 = {-0.7, 0.4, 2.0};
  private static final double[] KW = {1.0, 2.0, 0.5, 3.0};
  private static final double[] KB = {1.5, 0.2, 1.0};
  private static final int STEPS = 8;

  /** One update of one tensor {@code p} with gradient {@code g} at step {@code t} (1-based). */
  private interface Rule {
    void step(double[] p, double[] g, double[][] state, int t);
  }

  private static double[] grad(double[] p, double[] k) {
    double[] g = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      g[i] = k[i] * p[i] + p[i] * p[i] * p[i];
    }
    return g;
  }

  private static void check(String name, Map<String, Object> options, Rule rule) {
    OptimizerProvider provider = Plugins.shared().optimizers().get(name);
    Parameter w =
        new Parameter(
            Scope.outside(
                () -> Tensors.of(TestBackends.reference(), DType.FLOAT64, W0.clone(), 2, 2)));
    Parameter b =
        new Parameter(
            Scope.outside(
                () -> Tensors.of(TestBackends.reference(), DType.FLOAT64, B0.clone(), 3)));
    Tensor kw = Scope.outside(() -> Tensors.of(TestBackends.reference(), DType.FLOAT64, KW, 2, 2));
    Tensor kb = Scope.outside(() -> Tensors.of(TestBackends.reference(), DType.FLOAT64, KB, 3));
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("w", w);
    params.put("b", b);
    Optimizer optimizer =
        provider.create(
            provider.options().resolve(name, options),
            java.util.List.of(ParameterGroup.of(params)));

    double[] pw = W0.clone();
    double[] pb = B0.clone();
    double[][] sw = new double[3][4];
    double[][] sb = new double[3][3];
    for (int t = 1; t <= STEPS; t++) {
      try (Scope s = Scope.open()) {
        optimizer.zeroGrad();
        Tensor loss =
            Reductions.sum(kw.mul(w.value().square()))
                .mul(0.5)
                .add(Reductions.sum(w.value().square().square()).mul(0.25))
                .add(Reductions.sum(kb.mul(b.value().square())).mul(0.5))
                .add(Reductions.sum(b.value().square().square()).mul(0.25));
        loss.backward();
        optimizer.step();
      }
      rule.step(pw, grad(pw, KW), sw, t);
      rule.step(pb, grad(pb, KB), sb, t);
      assertClose(name, t, "w", pw, w.value().toDoubleArray());
      assertClose(name, t, "b", pb, b.value().toDoubleArray());
    }
  }

  private static void assertClose(
      String name, int t, String what, double[] expected, double[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertTrue(
          Math.abs(actual[i] - expected[i]) <= 1e-12 * Math.abs(expected[i]) + 1e-15,
          name
              + " step "
              + t
              + " "
              + what
              + "["
              + i
              + "]: Heed "
              + actual[i]
              + ", paper rule "
              + expected[i]);
    }
  }

  private static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  @Test
  void lionFollowsChenEtAl2023() {
    double lr = 0.01;
    double beta1 = 0.9;
    double beta2 = 0.99;
    double lambda = 0.1;
    check(
        "lion",
        Map.of("lr", lr, "betas", "0.9,0.99", "weight_decay", lambda),
        (p, g, state, t) -> {
          double[] m = state[0];
          for (int i = 0; i < p.length; i++) {
            // c_t = β1 m_{t-1} + (1-β1) g_t;  θ_t = θ_{t-1} - η (sign(c_t) + λ θ_{t-1})
            double c = beta1 * m[i] + (1 - beta1) * g[i];
            p[i] = p[i] - lr * (Math.signum(c) + lambda * p[i]);
            // m_t = β2 m_{t-1} + (1-β2) g_t
            m[i] = beta2 * m[i] + (1 - beta2) * g[i];
          }
        });
  }

  @Test
  void lambFollowsYouEtAl2019() {
    double lr = 0.02;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-6;
    double lambda = 0.01;
    check(
        "lamb",
        Map.of("lr", lr, "weight_decay", lambda),
        (p, g, state, t) -> {
          double[] m = state[0];
          double[] v = state[1];
          double[] update = new double[p.length];
          for (int i = 0; i < p.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.pow(beta1, t));
            double vHat = v[i] / (1 - Math.pow(beta2, t));
            // r_t = m̂ / (√v̂ + ε);  update = r_t + λ x_t
            update[i] = mHat / (Math.sqrt(vHat) + eps) + lambda * p[i];
          }
          // x_{t+1} = x_t - η φ(‖x_t‖)/‖r_t + λ x_t‖ (r_t + λ x_t), φ(z) = z
          double trust = norm(p) / norm(update);
          for (int i = 0; i < p.length; i++) {
            p[i] = p[i] - lr * trust * update[i];
          }
        });
  }

  @Test
  void adaBeliefFollowsZhuangEtAl2020() {
    double lr = 0.05;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    check(
        "adabelief",
        Map.of("lr", lr, "eps", eps, "weight_decay", 0.0),
        (p, g, state, t) -> {
          double[] m = state[0];
          double[] s = state[1];
          for (int i = 0; i < p.length; i++) {
            // m_t = β1 m + (1-β1) g;  s_t = β2 s + (1-β2)(g - m_t)² + ε
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            double r = g[i] - m[i];
            s[i] = beta2 * s[i] + (1 - beta2) * r * r + eps;
            double mHat = m[i] / (1 - Math.pow(beta1, t));
            double sHat = s[i] / (1 - Math.pow(beta2, t));
            // θ_t = θ_{t-1} - α m̂ / (√ŝ + ε)
            p[i] = p[i] - lr * mHat / (Math.sqrt(sHat) + eps);
          }
        });
  }

  @Test
  void adaBeliefDecoupledWeightDecay() {
    double lr = 0.05;
    double beta1 = 0.8;
    double beta2 = 0.99;
    double eps = 1e-16;
    double decay = 0.1;
    check(
        "adabelief",
        Map.of("lr", lr, "betas", "0.8,0.99", "weight_decay", decay),
        (p, g, state, t) -> {
          double[] m = state[0];
          double[] s = state[1];
          for (int i = 0; i < p.length; i++) {
            p[i] = p[i] * (1 - lr * decay);
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            double r = g[i] - m[i];
            s[i] = beta2 * s[i] + (1 - beta2) * r * r + eps;
            double mHat = m[i] / (1 - Math.pow(beta1, t));
            double sHat = s[i] / (1 - Math.pow(beta2, t));
            p[i] = p[i] - lr * mHat / (Math.sqrt(sHat) + eps);
          }
        });
  }
}
