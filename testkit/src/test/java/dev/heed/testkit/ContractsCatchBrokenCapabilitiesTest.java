package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.Layout;
import dev.heed.testkit.AttentionOracle.Operands;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.TestAbortedException;

/**
 * Each capability contract fails a capability with a typical bug, with a message that says what is
 * wrong, and skips what a backend does not offer. The broken capabilities are {@link
 * CapableBackend}'s right ones with one thing changed.
 */
class ContractsCatchBrokenCapabilitiesTest {

  private static void fails(Executable test, String expected) {
    AssertionError e = assertThrows(AssertionError.class, test);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static void passes(Executable test) throws Throwable {
    test.execute();
  }

  // ------------------------------------------------------------------ fused elementwise

  private static void elementwise(Backend b, Consumer<FusedElementwiseContract> body) {
    FusedElementwiseContract c =
        new FusedElementwiseContract() {
          @Override
          protected Backend backend() {
            return b;
          }
        };
    c.openFusedElementwiseBackend();
    try {
      body.accept(c);
    } finally {
      c.releaseFusedElementwiseBuffers();
    }
  }

  private static final String ADAM = "Adam update with parameters";
  private static final String EVERY =
      "every operation, with STEP, CLAMP, POW and AFFINE parameters";

  @Test
  void elementwiseThatIgnoresParameters() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedElementwise elementwise() {
            return new HostElementwise() {
              @Override
              double[] evaluate(ElementwiseProgram p, double[] x, double[] params, boolean f32) {
                return p.evaluate(x, new double[params.length], f32);
              }
            };
          }
        };
    elementwise(
        broken,
        c -> {
          c.programsMatchTheirDefinition("tanh derivative g·(1 - y²)", DType.FLOAT32);
          fails(() -> c.programsMatchTheirDefinition(ADAM, DType.FLOAT32), "with parameters");
        });
  }

  /** Compiles each program once with the parameter values of its first call baked in. */
  @Test
  void elementwiseThatBakesTheFirstParametersIn() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedElementwise elementwise() {
            Map<ElementwiseProgram, double[]> compiled = new HashMap<>();
            return new HostElementwise() {
              @Override
              double[] evaluate(ElementwiseProgram p, double[] x, double[] params, boolean f32) {
                return p.evaluate(x, compiled.computeIfAbsent(p, k -> params.clone()), f32);
              }
            };
          }
        };
    elementwise(
        broken,
        c ->
            fails(() -> c.parametersChangeFromCallToCall(DType.FLOAT64), "call 1 with parameters"));
  }

  /** Caches compiled programs under a key that leaves out the constants. */
  @Test
  void elementwiseThatCachesByTooShortAKey() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedElementwise elementwise() {
            Map<String, ElementwiseProgram> compiled = new HashMap<>();
            return new HostElementwise() {
              @Override
              double[] evaluate(ElementwiseProgram p, double[] x, double[] params, boolean f32) {
                String key = p.inputs() + "/" + p.stepCount() + "/" + p.outputCount();
                return compiled.computeIfAbsent(key, k -> p).evaluate(x, params, f32);
              }
            };
          }
        };
    elementwise(
        broken, c -> fails(() -> c.parametersChangeFromCallToCall(DType.FLOAT32), "output 0"));
  }

  @Test
  void elementwiseThatComparesFloat32InDouble() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedElementwise elementwise() {
            return new HostElementwise() {
              @Override
              double[] evaluate(ElementwiseProgram p, double[] x, double[] params, boolean f32) {
                double[] y = p.evaluate(x, params, false);
                for (int j = 0; j < y.length && f32; j++) {
                  y[j] = (float) y[j];
                }
                return y;
              }
            };
          }
        };
    elementwise(
        broken,
        c -> {
          c.programsMatchTheirDefinition(EVERY, DType.FLOAT64);
          fails(
              () -> c.programsMatchTheirDefinition(EVERY, DType.FLOAT32),
              "with parameters [0.1, -0.1, 0.3, 1.5, 0.5] over 1 elements");
        });
  }

  // ------------------------------------------------------------------ fused layer norm

  private static void layerNorm(Backend b, Consumer<FusedLayerNormContract> body) {
    FusedLayerNormContract c =
        new FusedLayerNormContract() {
          @Override
          protected Backend backend() {
            return b;
          }
        };
    c.openFusedLayerNormBackend();
    try {
      body.accept(c);
    } finally {
      c.releaseFusedLayerNormBuffers();
    }
  }

  @Test
  void layerNormThatAddsToItsGradientOutputs() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedLayerNorm layerNorm() {
            return new HostLayerNorm() {
              @Override
              public void backward(
                  Buffer gy,
                  Buffer x,
                  Buffer weight,
                  Buffer mean,
                  Buffer rstd,
                  int rows,
                  int d,
                  Buffer gx,
                  Buffer gWeight,
                  Buffer gBias) {
                double[] before = gBias == null ? null : read(gBias);
                super.backward(gy, x, weight, mean, rstd, rows, d, gx, gWeight, gBias);
                if (gBias != null) {
                  double[] after = read(gBias);
                  for (int i = 0; i < d; i++) {
                    after[i] += before[i];
                  }
                  write(gBias, after);
                }
              }
            };
          }
        };
    layerNorm(
        broken,
        c -> {
          c.valuesAndGradientsMatchTheComposite("3 rows, d 7", DType.FLOAT32);
          fails(() -> c.directForwardAndBackward("3 rows, d 7", DType.FLOAT32), "backward gBias");
        });
  }

  /**
   * Computes the variance as {@code E[x²] - mean²} in float: cancellation when the mean is large.
   */
  @Test
  void layerNormWithAOnePassFloatVariance() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedLayerNorm layerNorm() {
            return new HostLayerNorm() {
              @Override
              public void forward(
                  Buffer x,
                  Buffer weight,
                  Buffer bias,
                  int rows,
                  int d,
                  double eps,
                  Buffer y,
                  Buffer mean,
                  Buffer rstd) {
                super.forward(x, weight, bias, rows, d, eps, y, mean, rstd);
                if (x.dtype() != DType.FLOAT32) {
                  return;
                }
                double[] xv = read(x);
                double[] w = readOrNull(weight);
                double[] b = readOrNull(bias);
                double[] yv = new double[rows * d];
                double[] rs = new double[rows];
                for (int r = 0; r < rows; r++) {
                  float sum = 0;
                  float sumSq = 0;
                  for (int c = 0; c < d; c++) {
                    float v = (float) xv[r * d + c];
                    sum += v;
                    sumSq += v * v;
                  }
                  float mu = sum / d;
                  float var = Math.max(0, sumSq / d - mu * mu);
                  rs[r] = 1 / Math.sqrt(var + eps);
                  for (int c = 0; c < d; c++) {
                    yv[r * d + c] =
                        (xv[r * d + c] - mu) * rs[r] * (w == null ? 1 : w[c])
                            + (b == null ? 0 : b[c]);
                  }
                }
                write(y, yv);
                write(rstd, rs);
              }
            };
          }
        };
    layerNorm(
        broken,
        c -> {
          c.valuesAndGradientsMatchTheComposite("3 rows, d 7", DType.FLOAT32);
          fails(
              () -> c.valuesAndGradientsMatchTheComposite("rows of mean 300, d 129", DType.FLOAT32),
              "rows of mean 300, d 129 (FLOAT32) vs the composite: output");
        });
  }

  // ------------------------------------------------------------------ fused attention

  private static void attention(Backend b, Consumer<FusedAttentionContract> body) {
    FusedAttentionContract c =
        new FusedAttentionContract() {
          @Override
          protected Backend backend() {
            return b;
          }
        };
    c.openFusedAttentionBackend();
    try {
      body.accept(c);
    } finally {
      c.releaseFusedAttentionBuffers();
    }
  }

  /** A fused attention whose forward and backward see other operands or another problem. */
  private abstract static class AlteredAttention extends CapableBackend {
    AttentionProblem problem(AttentionProblem p) {
      return p;
    }

    Operands alter(AttentionProblem p, Operands o) {
      return o;
    }

    boolean altersBackward() {
      return true;
    }

    @Override
    FusedAttention attention() {
      return new HostAttention() {
        @Override
        public void forward(
            AttentionProblem p,
            Buffer q,
            Layout ql,
            Buffer k,
            Layout kl,
            Buffer v,
            Layout vl,
            Buffer mask,
            Layout ml,
            Buffer out,
            Layout outLayout,
            Buffer lse,
            Buffer weights) {
          AttentionOracle.Forward f =
              AttentionOracle.forward(
                  problem(p), alter(p, operands(q, ql, k, kl, v, vl, mask, ml)));
          write(out, outLayout, f.out());
          write(lse, f.lse());
          if (weights != null) {
            write(weights, f.weights());
          }
        }

        @Override
        public void backward(
            AttentionProblem p,
            Buffer q,
            Layout ql,
            Buffer k,
            Layout kl,
            Buffer v,
            Layout vl,
            Buffer mask,
            Layout ml,
            Buffer out,
            Layout outLayout,
            Buffer lse,
            Buffer weights,
            Buffer gOut,
            Layout gl,
            Buffer gq,
            Buffer gk,
            Buffer gv) {
          Operands o = operands(q, ql, k, kl, v, vl, mask, ml);
          AttentionOracle.Gradients g =
              altersBackward()
                  ? AttentionOracle.backward(problem(p), alter(p, o), read(gOut), gl)
                  : AttentionOracle.backward(p, o, read(gOut), gl);
          if (gq != null) {
            write(gq, g.gq());
          }
          if (gk != null) {
            write(gk, g.gk());
          }
          if (gv != null) {
            write(gv, g.gv());
          }
        }
      };
    }
  }

  @Test
  void attentionThatIgnoresTheMask() {
    Backend broken =
        new AlteredAttention() {
          @Override
          Operands alter(AttentionProblem p, Operands o) {
            return new Operands(
                o.q(), o.qLayout(), o.k(), o.kLayout(), o.v(), o.vLayout(), null, null);
          }
        };
    attention(
        broken,
        c -> {
          c.valuesAndGradientsMatchTheComposite("Tq 5, Tk 7", DType.FLOAT32);
          fails(
              () -> c.valuesAndGradientsMatchTheComposite("mask [Tk] with -∞", DType.FLOAT32),
              "mask [Tk] with -∞ (FLOAT32) vs the composite: output");
          fails(
              () ->
                  c.forwardWithHandMadeLayouts(
                      "grouped heads, mask [B, 1, 1, Tk], permuted, packed and transposed views",
                      DType.FLOAT64),
              "out in its view");
        });
  }

  /** Hides key j from query i when j > i: right for Tq = Tk, wrong when there are more keys. */
  @Test
  void attentionWithTheCausalMaskAtTheTopLeft() {
    Backend broken =
        new AlteredAttention() {
          @Override
          AttentionProblem problem(AttentionProblem p) {
            return new AttentionProblem(
                p.batch(),
                p.heads(),
                p.kvHeads(),
                p.queries(),
                p.keys(),
                p.headDim(),
                p.valueDim(),
                p.scale(),
                false,
                p.dropout(),
                p.seed());
          }

          @Override
          Operands alter(AttentionProblem p, Operands o) {
            if (!p.causal()) {
              return o;
            }
            int rows = p.batch() * p.heads() * p.queries();
            double[] mask = new double[rows * p.keys()];
            Layout dense = Layout.contiguous(p.batch(), p.heads(), p.queries(), p.keys());
            for (int e = 0; e < mask.length; e++) {
              int j = e % p.keys();
              int i = (e / p.keys()) % p.queries();
              double m = o.mask() == null ? 0 : o.mask()[(int) o.maskLayout().indexOf(e)];
              mask[e] = j > i ? Double.NEGATIVE_INFINITY : m;
            }
            return new Operands(
                o.q(), o.qLayout(), o.k(), o.kLayout(), o.v(), o.vLayout(), mask, dense);
          }
        };
    attention(
        broken,
        c -> {
          c.valuesAndGradientsMatchTheComposite("causal, Tq = Tk", DType.FLOAT64);
          fails(
              () ->
                  c.valuesAndGradientsMatchTheComposite(
                      "causal, Tq 3 < Tk 10 (bottom-right)", DType.FLOAT64),
              "causal, Tq 3 < Tk 10 (bottom-right) (FLOAT64) vs the composite: output");
          fails(
              () ->
                  c.forwardWithHandMadeLayouts(
                      "causal Tq 3 < Tk 8, dropout 0.2, offsets", DType.FLOAT32),
              "out in its view");
        });
  }

  /** Writes the natural logarithm of the row sums without the row maximum. */
  @Test
  void attentionThatWritesAWrongLogSumExp() {
    Backend broken =
        new CapableBackend() {
          @Override
          FusedAttention attention() {
            return new HostAttention() {
              @Override
              public void forward(
                  AttentionProblem p,
                  Buffer q,
                  Layout ql,
                  Buffer k,
                  Layout kl,
                  Buffer v,
                  Layout vl,
                  Buffer mask,
                  Layout ml,
                  Buffer out,
                  Layout outLayout,
                  Buffer lse,
                  Buffer weights) {
                super.forward(p, q, ql, k, kl, v, vl, mask, ml, out, outLayout, lse, weights);
                double[] l = read(lse);
                int rows = p.batch() * p.heads() * p.queries();
                for (int r = 0; r < rows; r++) {
                  l[r] -= 0.5;
                }
                write(lse, l);
              }
            };
          }
        };
    attention(
        broken,
        c -> {
          c.valuesAndGradientsMatchTheComposite("Tq 5, Tk 7", DType.FLOAT32);
          fails(
              () ->
                  c.forwardWithHandMadeLayouts(
                      "causal Tq 3 < Tk 8, dropout 0.2, offsets", DType.FLOAT32),
              "lse");
        });
  }

  /** Writes the output as if its view were contiguous from element 0. */
  @Test
  void attentionThatIgnoresTheOutputLayout() {
    Backend broken =
        new CapableBackend() {
          @Override
          void write(Buffer b, Layout layout, double[] values) {
            super.write(b, values);
          }
        };
    attention(
        broken,
        c -> {
          fails(
              () -> c.valuesAndGradientsMatchTheComposite("Tq 5, Tk 7", DType.FLOAT32),
              "Tq 5, Tk 7 (FLOAT32) vs the composite: output");
          fails(
              () ->
                  c.forwardWithHandMadeLayouts(
                      "causal Tq 3 < Tk 8, dropout 0.2, offsets", DType.FLOAT64),
              "out in its view");
        });
  }

  /** Draws the dropout mask from stream 0, whatever the seed. */
  @Test
  void attentionWhoseDropoutIgnoresTheSeed() {
    Backend broken =
        new AlteredAttention() {
          @Override
          AttentionProblem problem(AttentionProblem p) {
            return new AttentionProblem(
                p.batch(),
                p.heads(),
                p.kvHeads(),
                p.queries(),
                p.keys(),
                p.headDim(),
                p.valueDim(),
                p.scale(),
                p.causal(),
                p.dropout(),
                0);
          }
        };
    attention(broken, c -> fails(() -> c.dropoutIsAFunctionOfTheSeed(DType.FLOAT32), "dropout"));
  }

  /** Query head h reads key head h mod Hkv instead of h / (H / Hkv) (in the forward). */
  @Test
  void attentionThatInterleavesGroupedHeads() {
    Backend broken =
        new AlteredAttention() {
          @Override
          boolean altersBackward() {
            return false;
          }

          @Override
          AttentionProblem problem(AttentionProblem p) {
            return new AttentionProblem(
                p.batch(),
                p.heads(),
                p.heads(),
                p.queries(),
                p.keys(),
                p.headDim(),
                p.valueDim(),
                p.scale(),
                p.causal(),
                p.dropout(),
                p.seed());
          }

          @Override
          Operands alter(AttentionProblem p, Operands o) {
            return new Operands(
                o.q(),
                o.qLayout(),
                interleaved(o.k(), o.kLayout(), p),
                Layout.contiguous(p.batch(), p.heads(), p.keys(), p.headDim()),
                interleaved(o.v(), o.vLayout(), p),
                Layout.contiguous(p.batch(), p.heads(), p.keys(), p.valueDim()),
                o.mask(),
                o.maskLayout());
          }

          /** {@code [B, H, Tk, x]} whose head h is head h mod Hkv of {@code l}. */
          double[] interleaved(double[] data, Layout l, AttentionProblem p) {
            int x = l.dim(3);
            double[] out = new double[p.batch() * p.heads() * p.keys() * x];
            for (int e = 0; e < out.length; e++) {
              int c = e % x;
              int j = (e / x) % p.keys();
              int h = (e / x / p.keys()) % p.heads();
              int b = e / x / p.keys() / p.heads();
              out[e] =
                  data[
                      (int)
                          (l.offset()
                              + b * l.stride(0)
                              + (h % p.kvHeads()) * l.stride(1)
                              + j * l.stride(2)
                              + c * l.stride(3))];
            }
            return out;
          }
        };
    attention(
        broken,
        c -> {
          c.valuesAndGradientsMatchTheComposite("Tq 5, Tk 7", DType.FLOAT64);
          fails(
              () ->
                  c.valuesAndGradientsMatchTheComposite(
                      "grouped heads H 6, Hkv 3, permuted", DType.FLOAT64),
              "grouped heads H 6, Hkv 3, permuted (FLOAT64) vs the composite: output");
        });
  }

  /** Supports no masked call: the contract skips those and runs the rest. */
  @Test
  void attentionWithoutMasksSkipsMaskedCases() throws Throwable {
    Backend partial =
        new CapableBackend() {
          @Override
          FusedAttention attention() {
            return new HostAttention() {
              @Override
              public boolean supports(DType dtype, AttentionProblem problem, boolean masked) {
                return !masked;
              }
            };
          }
        };
    FusedAttentionContract c =
        new FusedAttentionContract() {
          @Override
          protected Backend backend() {
            return partial;
          }
        };
    c.openFusedAttentionBackend();
    try {
      assertThrows(
          TestAbortedException.class,
          () -> c.valuesAndGradientsMatchTheComposite("mask [Tk] with -∞", DType.FLOAT32));
      passes(() -> c.valuesAndGradientsMatchTheComposite("causal, Tq = Tk", DType.FLOAT32));
    } finally {
      c.releaseFusedAttentionBuffers();
    }
  }

  // ------------------------------------------------------------------ fused max pooling

  private static void maxPool(Backend b, Consumer<FusedMaxPool2dContract> body) {
    FusedMaxPool2dContract c =
        new FusedMaxPool2dContract() {
          @Override
          protected Backend backend() {
            return b;
          }
        };
    c.openFusedMaxPool2dBackend();
    try {
      body.accept(c);
    } finally {
      c.releaseFusedMaxPool2dBuffers();
    }
  }

  /** Sends a window's gradient to its last maximum on ties (the last NaN still wins). */
  @Test
  void maxPoolWithTheGradientAtTheLastMaximum() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedMaxPool2d maxPool2d() {
            return new HostMaxPool2d() {
              @Override
              public void backward(
                  Buffer gy,
                  Buffer x,
                  Buffer y,
                  int planes,
                  int h,
                  int w,
                  int kh,
                  int kw,
                  Buffer gx) {
                double[] xv = read(x);
                double[] yv = read(y);
                double[] g = read(gy);
                double[] out = new double[planes * h * w];
                int oh = h / kh;
                int ow = w / kw;
                for (int o = 0; o < planes * oh * ow; o++) {
                  int p = o / (oh * ow);
                  int i = o / ow % oh;
                  int j = o % ow;
                  int at = -1;
                  for (int e = 0; e < kh * kw; e++) {
                    int idx = (p * h + i * kh + e / kw) * w + j * kw + e % kw;
                    if (xv[idx] == yv[o] || Double.isNaN(xv[idx])) {
                      at = idx;
                    }
                  }
                  out[at] = g[o];
                }
                write(gx, out);
              }
            };
          }
        };
    maxPool(
        broken,
        c -> {
          c.directForwardAndBackward("2x2 [2, 3, 8, 8]", DType.FLOAT32);
          c.valuesAndGradientsThroughCore("3x2 floor [1, 3, 11, 7]", DType.FLOAT64);
          fails(
              () -> c.directForwardAndBackward("2x2 ties [2, 3, 8, 8]", DType.FLOAT32),
              "2x2 ties [2, 3, 8, 8] (FLOAT32) direct backward gx");
          fails(
              () -> c.valuesAndGradientsThroughCore("2x3 [1, 3, 6, 12]", DType.FLOAT64),
              "2x3 [1, 3, 6, 12] (FLOAT64) through Windows.maxPool2d: gradient of x");
        });
  }

  /**
   * Sends the gradient of a window holding NaNs to its first NaN (PyTorch sends it to the last);
   * ties go to the first maximum, as they should.
   */
  @Test
  void maxPoolWithTheGradientAtTheFirstNaN() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedMaxPool2d maxPool2d() {
            return new HostMaxPool2d() {
              @Override
              public void backward(
                  Buffer gy,
                  Buffer x,
                  Buffer y,
                  int planes,
                  int h,
                  int w,
                  int kh,
                  int kw,
                  Buffer gx) {
                double[] xv = read(x);
                double[] yv = read(y);
                double[] g = read(gy);
                double[] out = new double[planes * h * w];
                int oh = h / kh;
                int ow = w / kw;
                for (int o = 0; o < planes * oh * ow; o++) {
                  int p = o / (oh * ow);
                  int i = o / ow % oh;
                  int j = o % ow;
                  int at = -1;
                  for (int e = 0; e < kh * kw && at < 0; e++) {
                    int idx = (p * h + i * kh + e / kw) * w + j * kw + e % kw;
                    if (xv[idx] == yv[o] || Double.isNaN(xv[idx])) {
                      at = idx;
                    }
                  }
                  out[at] = g[o];
                }
                write(gx, out);
              }
            };
          }
        };
    maxPool(
        broken,
        c -> {
          c.directForwardAndBackward("2x2 ties [2, 3, 8, 8]", DType.FLOAT32);
          c.valuesAndGradientsThroughCore("2x3 [1, 3, 6, 12]", DType.FLOAT64);
          c.agreesWithPyTorch("overlap3s2", DType.FLOAT32); // the composite: right
          fails(
              () ->
                  c.directForwardAndBackward("2x2 NaN and infinities [2, 2, 6, 20]", DType.FLOAT32),
              "2x2 NaN and infinities [2, 2, 6, 20] (FLOAT32) direct backward gx");
          fails(
              () -> c.valuesAndGradientsThroughCore("3x3 floor [1, 2, 10, 10]", DType.FLOAT64),
              "3x3 floor [1, 2, 10, 10] (FLOAT64) through Windows.maxPool2d: gradient of x");
          fails(
              () -> c.agreesWithPyTorch("tile2x2", DType.FLOAT32),
              "tile2x2 (FLOAT32, PyTorch 1.13.0a0) gradient of x");
        });
  }

  /** Takes the maximum of the numbers of a window, passing over its NaNs (as Math.max does not). */
  @Test
  void maxPoolThatSkipsNaN() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedMaxPool2d maxPool2d() {
            return new HostMaxPool2d() {
              @Override
              public void forward(Buffer x, int planes, int h, int w, int kh, int kw, Buffer y) {
                double[] xv = read(x);
                for (int i = 0; i < xv.length; i++) {
                  xv[i] = Double.isNaN(xv[i]) ? Double.NEGATIVE_INFINITY : xv[i];
                }
                write(y, MaxPool2dOracle.forward(xv, planes, h, w, kh, kw));
              }
            };
          }
        };
    maxPool(
        broken,
        c -> {
          c.directForwardAndBackward("2x2 ties [2, 3, 8, 8]", DType.FLOAT32);
          fails(
              () ->
                  c.directForwardAndBackward("2x2 NaN and infinities [2, 2, 6, 20]", DType.FLOAT32),
              "2x2 NaN and infinities [2, 2, 6, 20] (FLOAT32) direct forward y");
        });
  }

  /** Lets the last window of each row and column run to the image's edge (reads unread values). */
  @Test
  void maxPoolThatReadsPastTheLastWindow() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedMaxPool2d maxPool2d() {
            return new HostMaxPool2d() {
              @Override
              public void forward(Buffer x, int planes, int h, int w, int kh, int kw, Buffer y) {
                double[] xv = read(x);
                int oh = h / kh;
                int ow = w / kw;
                double[] out = new double[planes * oh * ow];
                for (int o = 0; o < out.length; o++) {
                  int p = o / (oh * ow);
                  int i = o / ow % oh;
                  int j = o % ow;
                  double m = Double.NEGATIVE_INFINITY;
                  for (int r = i * kh; r < (i == oh - 1 ? h : i * kh + kh); r++) {
                    for (int q = j * kw; q < (j == ow - 1 ? w : j * kw + kw); q++) {
                      double v = xv[(p * h + r) * w + q];
                      if (!Double.isNaN(m) && (Double.isNaN(v) || v > m)) {
                        m = v;
                      }
                    }
                  }
                  out[o] = m;
                }
                write(y, out);
              }
            };
          }
        };
    maxPool(
        broken,
        c -> {
          c.directForwardAndBackward("2x2 [2, 3, 8, 8]", DType.FLOAT32);
          fails(
              () -> c.directForwardAndBackward("3x2 floor [1, 3, 11, 7]", DType.FLOAT32),
              "3x2 floor [1, 3, 11, 7] (FLOAT32) direct forward y");
          fails(
              () -> c.valuesAndGradientsThroughCore("2x2 floor [1, 2, 7, 37]", DType.FLOAT64),
              "2x2 floor [1, 2, 7, 37] (FLOAT64) through Windows.maxPool2d: output");
        });
  }

  /** Writes only each window's gradient, as if gx had been zeroed before. */
  @Test
  void maxPoolThatLeavesTheZerosOfGxUnwritten() {
    CapableBackend broken =
        new CapableBackend() {
          @Override
          FusedMaxPool2d maxPool2d() {
            return new HostMaxPool2d() {
              @Override
              public void backward(
                  Buffer gy,
                  Buffer x,
                  Buffer y,
                  int planes,
                  int h,
                  int w,
                  int kh,
                  int kw,
                  Buffer gx) {
                double[] out = read(gx);
                double[] g = read(gy);
                int[] at = MaxPool2dOracle.argmax(read(x), planes, h, w, kh, kw);
                for (int o = 0; o < at.length; o++) {
                  out[at[o]] = g[o];
                }
                write(gx, out);
              }
            };
          }
        };
    maxPool(
        broken,
        c -> {
          c.valuesAndGradientsThroughCore("2x2 [2, 3, 8, 8]", DType.FLOAT32);
          fails(
              () -> c.directForwardAndBackward("2x2 [2, 3, 8, 8]", DType.FLOAT32),
              "2x2 [2, 3, 8, 8] (FLOAT32) direct backward gx");
        });
  }

  // ------------------------------------------------------------------ fused batch norm

  private static void batchNorm(Backend b, Consumer<FusedBatchNormContract> body) {
    FusedBatchNormContract c =
        new FusedBatchNormContract() {
          @Override
          protected Backend backend() {
            return b;
          }
        };
    c.openFusedBatchNormBackend();
    try {
      body.accept(c);
    } finally {
      c.releaseFusedBatchNormBuffers();
    }
  }

  /** A fused batch norm whose forward computes the variance in its own way. */
  private abstract static class BatchNormWithVariance extends CapableBackend {
    abstract double[] variance(double[] x, int n, int c, int s, boolean float32);

    @Override
    FusedBatchNorm batchNorm() {
      return new HostBatchNorm() {
        @Override
        public void forward(
            Buffer x,
            Buffer weight,
            Buffer bias,
            int n,
            int c,
            int s,
            double eps,
            Buffer y,
            Buffer mean,
            Buffer var) {
          super.forward(x, weight, bias, n, c, s, eps, y, mean, var);
          double[] xv = read(x);
          double[] w = readOrNull(weight);
          double[] b = readOrNull(bias);
          double[] m = read(mean);
          double[] v = variance(xv, n, c, s, x.dtype() == DType.FLOAT32);
          double[] yv = new double[n * c * s];
          for (int e = 0; e < yv.length; e++) {
            int ch = e / s % c;
            yv[e] =
                (xv[e] - m[ch]) / Math.sqrt(v[ch] + eps) * (w == null ? 1 : w[ch])
                    + (b == null ? 0 : b[ch]);
          }
          write(y, yv);
          write(var, v);
        }
      };
    }
  }

  /** Divides the squares by n·s - 1 (the unbiased variance) instead of n·s. */
  @Test
  void batchNormWithTheUnbiasedVariance() {
    Backend broken =
        new BatchNormWithVariance() {
          @Override
          double[] variance(double[] x, int n, int c, int s, boolean float32) {
            double[] v = BatchNormOracle.forward(x, null, null, n, c, s, 0).var();
            for (int ch = 0; ch < c; ch++) {
              v[ch] *= (double) n * s / (n * s - 1);
            }
            return v;
          }
        };
    batchNorm(
        broken,
        c -> {
          fails(
              () -> c.directForwardAndBackward("[2, 3, 5]", DType.FLOAT64),
              "[2, 3, 5] (FLOAT64) direct forward y");
          fails(
              () -> c.valuesAndGradientsThroughCore("[4, 8, 196]", DType.FLOAT32),
              "[4, 8, 196] (FLOAT32) through NeuralOps.batchNorm: output");
        });
  }

  /**
   * Computes the variance as {@code E[x²] - mean²} in float: cancellation when the mean is large.
   */
  @Test
  void batchNormWithAOnePassFloatVariance() {
    Backend broken =
        new BatchNormWithVariance() {
          @Override
          double[] variance(double[] x, int n, int c, int s, boolean float32) {
            double[] v = BatchNormOracle.forward(x, null, null, n, c, s, 0).var();
            if (!float32) {
              return v;
            }
            for (int ch = 0; ch < c; ch++) {
              float sum = 0;
              float sumSq = 0;
              for (int b = 0; b < n; b++) {
                for (int p = 0; p < s; p++) {
                  float xv = (float) x[(b * c + ch) * s + p];
                  sum += xv;
                  sumSq += xv * xv;
                }
              }
              float mu = sum / (n * s);
              v[ch] = Math.max(0, sumSq / (n * s) - mu * mu);
            }
            return v;
          }
        };
    batchNorm(
        broken,
        c -> {
          c.directForwardAndBackward("[2, 4, 33], no bias", DType.FLOAT32);
          fails(
              () ->
                  c.valuesAndGradientsThroughCore(
                      "[5, 3, 129], channels of mean 300", DType.FLOAT32),
              "[5, 3, 129], channels of mean 300 (FLOAT32) through NeuralOps.batchNorm: output");
        });
  }

  /** Sums gBias over every batch item but the last. */
  @Test
  void batchNormWhoseBiasGradientMissesARow() {
    Backend broken =
        new CapableBackend() {
          @Override
          FusedBatchNorm batchNorm() {
            return new HostBatchNorm() {
              @Override
              public void backward(
                  Buffer gy,
                  Buffer x,
                  Buffer weight,
                  Buffer mean,
                  Buffer var,
                  int n,
                  int c,
                  int s,
                  double eps,
                  Buffer gx,
                  Buffer gWeight,
                  Buffer gBias) {
                super.backward(gy, x, weight, mean, var, n, c, s, eps, gx, gWeight, gBias);
                if (gBias != null) {
                  double[] g = read(gy);
                  double[] gb = new double[c];
                  for (int b = 0; b < n - 1; b++) {
                    for (int ch = 0; ch < c; ch++) {
                      for (int p = 0; p < s; p++) {
                        gb[ch] += g[(b * c + ch) * s + p];
                      }
                    }
                  }
                  write(gBias, gb);
                }
              }
            };
          }
        };
    batchNorm(
        broken,
        c -> {
          fails(
              () -> c.directForwardAndBackward("[3, 5, 7], no weight", DType.FLOAT32),
              "[3, 5, 7], no weight (FLOAT32) direct backward gBias");
          fails(
              () -> c.valuesAndGradientsThroughCore("one position [8, 4, 1]", DType.FLOAT64),
              "one position [8, 4, 1] (FLOAT64) through NeuralOps.batchNorm: gradient of the bias");
        });
  }

  /** Treats the batch's mean and variance as constants: {@code gx = gy·weight·rstd}. */
  @Test
  void batchNormWithoutTheStatisticsGradient() {
    Backend broken =
        new CapableBackend() {
          @Override
          FusedBatchNorm batchNorm() {
            return new HostBatchNorm() {
              @Override
              public void backward(
                  Buffer gy,
                  Buffer x,
                  Buffer weight,
                  Buffer mean,
                  Buffer var,
                  int n,
                  int c,
                  int s,
                  double eps,
                  Buffer gx,
                  Buffer gWeight,
                  Buffer gBias) {
                super.backward(gy, x, weight, mean, var, n, c, s, eps, gx, gWeight, gBias);
                if (gx != null) {
                  double[] g = read(gy);
                  double[] w = readOrNull(weight);
                  double[] v = read(var);
                  double[] out = new double[n * c * s];
                  for (int e = 0; e < out.length; e++) {
                    int ch = e / s % c;
                    out[e] = g[e] * (w == null ? 1 : w[ch]) / Math.sqrt(v[ch] + eps);
                  }
                  write(gx, out);
                }
              }
            };
          }
        };
    batchNorm(
        broken,
        c ->
            fails(
                () -> c.valuesAndGradientsThroughCore("[2, 3, 5]", DType.FLOAT32),
                "[2, 3, 5] (FLOAT32) through NeuralOps.batchNorm: gradient of x"));
  }

  /** Writes gx only when gWeight is asked for too (a backward that assumes all three outputs). */
  @Test
  void batchNormThatSkipsGxWithoutGWeight() {
    Backend broken =
        new CapableBackend() {
          @Override
          FusedBatchNorm batchNorm() {
            return new HostBatchNorm() {
              @Override
              public void backward(
                  Buffer gy,
                  Buffer x,
                  Buffer weight,
                  Buffer mean,
                  Buffer var,
                  int n,
                  int c,
                  int s,
                  double eps,
                  Buffer gx,
                  Buffer gWeight,
                  Buffer gBias) {
                super.backward(
                    gy,
                    x,
                    weight,
                    mean,
                    var,
                    n,
                    c,
                    s,
                    eps,
                    gWeight == null ? null : gx,
                    gWeight,
                    gBias);
              }
            };
          }
        };
    batchNorm(
        broken,
        c -> {
          c.valuesAndGradientsThroughCore("[2, 3, 5]", DType.FLOAT32);
          fails(
              () -> c.directForwardAndBackward("[2, 3, 5]", DType.FLOAT32),
              "[2, 3, 5] (FLOAT32) direct backward gx without gWeight and gBias");
        });
  }

  /** A backend without the capabilities skips every capability contract. */
  @Test
  void backendWithoutCapabilitiesSkips() {
    Backend plain = new BrokenBackend();
    attention(
        plain,
        c ->
            assertThrows(
                TestAbortedException.class,
                () -> c.valuesAndGradientsMatchTheComposite("Tq 5, Tk 7", DType.FLOAT32)));
    layerNorm(
        plain,
        c ->
            assertThrows(
                TestAbortedException.class,
                () -> c.directForwardAndBackward("3 rows, d 7", DType.FLOAT32)));
    elementwise(
        plain,
        c ->
            assertThrows(
                TestAbortedException.class, () -> c.parametersChangeFromCallToCall(DType.FLOAT32)));
    maxPool(
        plain,
        c ->
            assertThrows(
                TestAbortedException.class,
                () -> c.valuesAndGradientsThroughCore("2x2 [2, 3, 8, 8]", DType.FLOAT32)));
    batchNorm(
        plain,
        c ->
            assertThrows(
                TestAbortedException.class,
                () -> c.directForwardAndBackward("[2, 3, 5]", DType.FLOAT32)));
  }

  /** A capability that handles FLOAT32 only: its FLOAT64 cases skip, its FLOAT32 ones run. */
  @Test
  void capabilitiesForFloat32OnlySkipFloat64() {
    Backend float32Only =
        new CapableBackend() {
          @Override
          FusedMaxPool2d maxPool2d() {
            return new HostMaxPool2d() {
              @Override
              public boolean supports(DType dtype) {
                return dtype == DType.FLOAT32;
              }
            };
          }

          @Override
          FusedBatchNorm batchNorm() {
            return new HostBatchNorm() {
              @Override
              public boolean supports(DType dtype) {
                return dtype == DType.FLOAT32;
              }
            };
          }
        };
    maxPool(
        float32Only,
        c -> {
          assertThrows(
              TestAbortedException.class,
              () -> c.directForwardAndBackward("2x2 [2, 3, 8, 8]", DType.FLOAT64));
          c.directForwardAndBackward("2x2 [2, 3, 8, 8]", DType.FLOAT32);
        });
    batchNorm(
        float32Only,
        c -> {
          assertThrows(
              TestAbortedException.class,
              () -> c.valuesAndGradientsThroughCore("[2, 3, 5]", DType.FLOAT64));
          c.valuesAndGradientsThroughCore("[2, 3, 5]", DType.FLOAT32);
        });
  }
}
