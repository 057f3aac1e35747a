package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each contract fails a plugin with a typical bug, with a message that says what is wrong. */
class ContractsCatchBrokenPluginsTest {

  private static void fails(Executable test, String expected) {
    AssertionError e = assertThrows(AssertionError.class, test);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static ActivationContract activation(ActivationProvider p) {
    return new ActivationContract() {
      @Override
      protected ActivationProvider provider() {
        return p;
      }
    };
  }

  @Test
  void activationWithAWrongGradient() {
    ActivationContract c = activation(Fixtures.activation("bad-square", x -> x.mul(x.detach())));
    fails(c::gradientsMatchCentralDifferences, "input element");
  }

  @Test
  void activationWhoseUntakenBranchOverflows() {
    // elu written naively: where(x > 0, x, expm1(x)) overflows for x = 1e4 and poisons the gradient
    ActivationContract c =
        activation(
            Fixtures.activation(
                "naive-elu",
                x -> {
                  Tensor zero = dev.heed.core.tensor.Tensors.scalar(x.backend(), x.dtype(), 0);
                  return Elementwise.where(Elementwise.greater(x, zero), x, Elementwise.expm1(x));
                }));
    c.gradientsMatchCentralDifferences();
    fails(c::largeInputsGiveNoNaN, "input gradient for inputs up to ±1e4");
  }

  @Test
  void unregisteredActivation() {
    fails(
        activation(Fixtures.activation("nowhere", x -> x))::registryFindsProviderByName,
        "is not registered");
  }

  private abstract static class DotContract extends AttentionUnitContract {
    @Override
    protected AttentionSpec spec() {
      return new AttentionSpec(4, 4, 2);
    }

    @Override
    protected Shape queryShape(int batch) {
      return Fixtures.queries(batch);
    }

    @Override
    protected Shape keyShape(int batch) {
      return Fixtures.keys(batch);
    }

    @Override
    protected Shape valueShape(int batch) {
      return Fixtures.values(batch);
    }
  }

  @Test
  void attentionWhoseWeightsAreNotADistribution() {
    AttentionUnitContract c =
        new DotContract() {
          @Override
          protected AttentionUnitProvider provider() {
            return new Fixtures.DotAttentionProvider() {
              @Override
              Tensor normalise(Tensor scores) {
                return scores.sigmoid();
              }
            };
          }
        };
    c.gradientsMatchCentralDifferences();
    fails(c::weightsAreDistributions, "must sum to 1");
  }

  @Test
  void attentionThatMixesTheBatch() {
    AttentionUnitContract c =
        new DotContract() {
          @Override
          protected AttentionUnitProvider provider() {
            return new Fixtures.DotAttentionProvider() {
              @Override
              Tensor combine(Tensor weights, Tensor value) {
                return super.combine(weights, value).add(Reductions.mean(value));
              }
            };
          }
        };
    fails(c::examplesOfABatchAreIndependent, "alone vs in a batch of 3");
  }

  @Test
  void attentionThatIgnoresItsMask() {
    AttentionUnitContract c =
        new DotContract() {
          @Override
          protected AttentionUnitProvider provider() {
            return new Fixtures.DotAttentionProvider() {
              @Override
              Tensor normalise(Tensor scores) {
                Tensor finite =
                    Elementwise.maximum(
                        scores,
                        dev.heed.core.tensor.Tensors.scalar(
                            scores.backend(), scores.dtype(), -1e9));
                return NeuralOps.softmax(finite.mul(1e-12), -1);
              }
            };
          }

          @Override
          protected boolean supportsMask() {
            return true;
          }

          @Override
          protected Tensor mask(Backend backend, DType dtype, int batch) {
            return Fixtures.mask(backend, dtype, batch);
          }
        };
    fails(c::maskedPositionsGetZeroWeight, "must be exactly 0");
  }

  private static OptimizerContract optimizer(OptimizerProvider p) {
    return new OptimizerContract() {
      @Override
      protected OptimizerProvider provider() {
        return p;
      }

      @Override
      protected Map<String, Object> options() {
        return Map.of("lr", 0.02, "momentum", 0.8);
      }
    };
  }

  @Test
  void optimizerThatForgetsItsState() {
    OptimizerContract c =
        optimizer(
            new Fixtures.MomentumProvider() {
              @Override
              boolean restores() {
                return false;
              }
            });
    fails(c::stateRoundTripContinuesIdentically, "state names after loadState");
  }

  @Test
  void optimizerThatDecaysParametersWithoutGradient() {
    OptimizerContract c =
        optimizer(
            new Fixtures.MomentumProvider() {
              @Override
              boolean decayEverything() {
                return true;
              }
            });
    fails(c::parametersWithoutGradientAreUntouched, "a parameter without a gradient changed");
  }

  @Test
  void optimizerThatDoesNotConverge() {
    OptimizerContract c =
        new OptimizerContract() {
          @Override
          protected OptimizerProvider provider() {
            return new Fixtures.MomentumProvider();
          }

          @Override
          protected Map<String, Object> options() {
            return Map.of("lr", 1e-5);
          }
        };
    fails(c::convergesOnIllConditionedQuadratic, "the largest |x - c| is");
  }

  private static BackendContract backend(Backend broken) {
    BackendContract c =
        new BackendContract() {
          @Override
          protected Backend backend() {
            return broken;
          }
        };
    c.openBackendUnderTest();
    return c;
  }

  @Test
  void backendWhoseSumDropsTheLastElement() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void reduce(
                  ReduceOp op, Buffer x, int outer, int axis, int inner, Buffer out) {
                cpu.reduce(
                    op, x, outer, op == ReduceOp.SUM ? Math.max(0, axis - 1) : axis, inner, out);
              }
            });
    try {
      fails(() -> c.reduce(ReduceOp.SUM, DType.FLOAT32, 3, 13, 1), "SUM of [3, 13, 1]");
    } finally {
      c.releaseTestBuffers();
    }
  }

  @Test
  void backendWhoseMaxIgnoresNaN() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void binary(
                  BinaryOp op,
                  Buffer a,
                  Layout aLayout,
                  Buffer b,
                  Layout bLayout,
                  Buffer out,
                  Layout outLayout) {
                cpu.binary(op, a, aLayout, b, bLayout, out, outLayout);
                if (op == BinaryOp.MAX) {
                  // fmax semantics: where b is NaN take a
                  cpu.where(b, bLayout, out, outLayout, a, aLayout, out, outLayout);
                }
              }
            });
    try {
      fails(() -> c.binarySpecialValues(BinaryOp.MAX, DType.FLOAT64), "MAX of");
    } finally {
      c.releaseTestBuffers();
    }
  }

  @Test
  void backendWhoseTanhOverflows() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void unary(UnaryOp op, double a, double b, Buffer x, Buffer y, long count) {
                if (op != UnaryOp.TANH) {
                  cpu.unary(op, a, b, x, y, count);
                  return;
                }
                // (e^2x - 1) / (e^2x + 1): NaN for large x
                cpu.unary(UnaryOp.AFFINE, 2, 0, x, y, count);
                cpu.unary(UnaryOp.EXP, 0, 0, y, y, count);
                Buffer plus = cpu.allocate(y.dtype(), count);
                cpu.unary(UnaryOp.AFFINE, 1, 1, y, plus, count);
                cpu.unary(UnaryOp.AFFINE, 1, -1, y, y, count);
                Layout l = Layout.contiguous((int) count);
                cpu.binary(BinaryOp.DIV, y, l, plus, l, y, l);
                plus.close();
              }
            });
    try {
      c.unary(UnaryOp.TANH, DType.FLOAT32);
      fails(() -> c.unarySpecialValues(UnaryOp.TANH, DType.FLOAT32), "TANH of");
    } finally {
      c.releaseTestBuffers();
    }
  }

  @Test
  void backendWhoseMatmulIgnoresBeta() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void matmul(MatmulSpec s, Buffer a, Buffer b, Buffer cb) {
                cpu.matmul(
                    new MatmulSpec(
                        s.batch(),
                        s.m(),
                        s.n(),
                        s.k(),
                        s.transA(),
                        s.transB(),
                        s.aOffset(),
                        s.aBatchStride(),
                        s.bOffset(),
                        s.bBatchStride(),
                        s.cOffset(),
                        s.cBatchStride(),
                        s.alpha(),
                        0),
                    a,
                    b,
                    cb);
              }
            });
    try {
      MatmulSpec spec = new MatmulSpec(2, 7, 13, 5, false, true, 0, 35, 0, 65, 0, 91, 1.5, 0.5);
      fails(() -> c.matmul("beta", DType.FLOAT32, spec, false), "matmul beta");
    } finally {
      c.releaseTestBuffers();
    }
  }
}
