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
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** The dot fixture without the rank rules: a rank-2 tensor is a matrix shared by the batch. */
  private static AttentionUnitContract rankless() {
    return new DotContract() {
      @Override
      protected AttentionUnitProvider provider() {
        return new Fixtures.DotAttentionProvider() {
          @Override
          boolean followsRankRules() {
            return false;
          }
        };
      }
    };
  }

  @Test
  void attentionThatReadsARankTwoQueryAsASequence() {
    fails(rankless()::rankTwoQueryIsOneQueryPerExample, "drops the query axis");
  }

  @Test
  void attentionThatMixesTheExamplesOfFlatInputs() {
    fails(
        rankless()::flatInputsAreRefusedOrKeepExamplesApart,
        "the output of example 0 changed when example 1 did");
  }

  @Test
  void attentionWhoseLazyWeightsAreTheLatestCalls() {
    AttentionUnitContract c =
        new DotContract() {
          @Override
          protected AttentionUnitProvider provider() {
            return new Fixtures.DotAttentionProvider() {
              private Tensor latest;

              @Override
              AttentionResult result(Tensor output, Tensor weights) {
                latest = weights;
                return AttentionResult.lazy(output, () -> latest);
              }
            };
          }
        };
    c.weightsAreDistributions();
    fails(c::weightsAskedForLateAreThoseOfTheirCall, "weights asked for after another call");
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
  void optimizerThatReadsOnlyTheLearningRateOfItsGroups() {
    // the fixture takes lr from each group's overrides but momentum from the optimizer's options
    OptimizerContract c =
        new OptimizerContract() {
          @Override
          protected OptimizerProvider provider() {
            return new Fixtures.MomentumProvider();
          }

          @Override
          protected Map<String, Object> options() {
            return Map.of("lr", 0.02, "momentum", 0.8);
          }

          @Override
          protected Map<String, Object> groupOverrides() {
            return Map.of("momentum", 0.3);
          }
        };
    fails(c::groupOverridesApplyToTheirGroupOnly, "the update must read each group's options");
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
              public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
                int[] shape = xLayout.shape();
                if (op == ReduceOp.SUM) {
                  shape[1] = Math.max(0, shape[1] - 1);
                }
                super.reduce(op, x, new Layout(shape, xLayout.strides(), xLayout.offset()), out);
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
                super.binary(op, a, aLayout, b, bLayout, out, outLayout);
                if (op == BinaryOp.MAX) {
                  // fmax semantics: where b is NaN take a
                  super.where(b, bLayout, out, outLayout, a, aLayout, out, outLayout);
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
              public void unary(
                  UnaryOp op, double a, double b, Buffer x, Layout xl, Buffer y, Layout yl) {
                if (op != UnaryOp.TANH) {
                  super.unary(op, a, b, x, xl, y, yl);
                  return;
                }
                // (e^2x - 1) / (e^2x + 1): NaN for large x
                super.unary(UnaryOp.AFFINE, 2, 0, x, xl, y, yl);
                super.unary(UnaryOp.EXP, 0, 0, y, yl, y, yl);
                Buffer plus = allocate(y.dtype(), y.size());
                super.unary(UnaryOp.AFFINE, 1, 1, y, yl, plus, yl);
                super.unary(UnaryOp.AFFINE, 1, -1, y, yl, y, yl);
                super.binary(BinaryOp.DIV, y, yl, plus, yl, y, yl);
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
                super.matmul(
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
                        0,
                        s.lda(),
                        s.ldb()),
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

  @Test
  void backendWhoseUnaryReadsEveryViewAsContiguous() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void unary(
                  UnaryOp op, double a, double b, Buffer x, Layout xl, Buffer y, Layout yl) {
                super.unary(op, a, b, x, Layout.contiguous(xl.shape(), xl.offset()), y, yl);
              }
            });
    try {
      c.unaryViews(UnaryOp.EXP, DType.FLOAT32, "offsets [4, 13]");
      fails(
          () -> c.unaryViews(UnaryOp.EXP, DType.FLOAT32, "transposed [13, 7] of [7, 13]"),
          "EXP over transposed [13, 7]");
    } finally {
      c.releaseTestBuffers();
    }
  }

  @Test
  void backendWhoseStepComparesFloat32InDouble() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void unary(
                  UnaryOp op, double a, double b, Buffer x, Layout xl, Buffer y, Layout yl) {
                if (op != UnaryOp.STEP || x.dtype() != DType.FLOAT32) {
                  super.unary(op, a, b, x, xl, y, yl);
                  return;
                }
                float[] in = ((dev.heed.core.backend.support.HeapBuffer) x).floats();
                float[] out = ((dev.heed.core.backend.support.HeapBuffer) y).floats();
                for (long i = 0; i < yl.elementCount(); i++) {
                  out[(int) yl.indexOf(i)] = (double) in[(int) xl.indexOf(i)] > a ? 1f : 0f;
                }
              }
            });
    try {
      c.stepAndClampCompareInTheElementType(DType.FLOAT64);
      fails(() -> c.stepAndClampCompareInTheElementType(DType.FLOAT32), "STEP with parameters");
      fails(() -> c.unary(UnaryOp.STEP, DType.FLOAT32), "STEP of 1 elements");
    } finally {
      c.releaseTestBuffers();
    }
  }

  @Test
  void backendWhoseReductionIgnoresTheViewsOffset() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void reduce(ReduceOp op, Buffer x, Layout xl, Buffer out) {
                super.reduce(op, x, new Layout(xl.shape(), xl.strides(), 0), out);
              }
            });
    try {
      c.reduceViews(ReduceOp.SUM, DType.FLOAT32, "a column of [7, 4]: [4, 7, 1] strides (1, 4, 1)");
      fails(
          () -> c.reduceViews(ReduceOp.MAX, DType.FLOAT64, "contiguous at offset 5 [2, 33, 3]"),
          "MAX of the view contiguous at offset 5");
    } finally {
      c.releaseTestBuffers();
    }
  }

  @Test
  void backendWhoseSoftmaxAssumesAUnitInnerStride() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void softmax(Buffer x, Layout xl, boolean log, Buffer y) {
                long[] s = xl.strides();
                s[2] = 1;
                super.softmax(x, new Layout(xl.shape(), s, xl.offset()), log, y);
              }
            });
    try {
      fails(
          () ->
              c.softmaxViews(
                  false, DType.FLOAT32, "permuted [3, 5, 4] of [4, 5, 3]: strides (1, 3, 15)"),
          "softmax of the view permuted [3, 5, 4]");
    } finally {
      c.releaseTestBuffers();
    }
  }

  @Test
  void backendWhoseMatmulIgnoresLeadingDimensions() {
    BackendContract c =
        backend(
            new BrokenBackend() {
              @Override
              public void matmul(MatmulSpec s, Buffer a, Buffer b, Buffer cb) {
                super.matmul(
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
                        s.beta()),
                    a,
                    b,
                    cb);
              }
            });
    try {
      MatmulSpec dense = MatmulSpec.of(2, 3, 4, 5, false, true);
      c.matmul("dense", DType.FLOAT32, dense, false);
      MatmulSpec wide = new MatmulSpec(1, 7, 9, 5, false, false, 2, 0, 0, 0, 0, 63, 1, 0, 11, 9);
      fails(() -> c.matmul("lda 11", DType.FLOAT32, wide, false), "matmul lda 11");
    } finally {
      c.releaseTestBuffers();
    }
  }

  // ------------------------------------------------------------------ layers

  private static LayerContract layer(LayerProvider p) {
    return new LayerContract() {
      @Override
      protected LayerProvider provider() {
        return p;
      }
    };
  }

  @Test
  void rightLayerPassesTheLayerContract() {
    LayerContract c = layer(new LayerAndDatasetFixtures.ScaleLayerProvider());
    c.outputShapeIsAsDeclared();
    c.gradientsMatchCentralDifferences();
    c.deterministicPerSeed();
    c.stateDictNamesAreStable();
    c.float32AgreesWithFloat64();
  }

  @Test
  void layerWhoseWeightGetsNoGradient() {
    LayerContract c =
        layer(
            new LayerAndDatasetFixtures.ScaleLayerProvider() {
              @Override
              Tensor forward(Tensor x, Tensor w, Tensor b) {
                return Elementwise.tanh(x.mul(w.detach()).add(b));
              }
            });
    fails(c::gradientsMatchCentralDifferences, "parameter 'weight'");
  }

  @Test
  void layerThatIgnoresItsSeed() {
    SplittableRandom global = new SplittableRandom(1);
    LayerContract c =
        layer(
            new LayerAndDatasetFixtures.ScaleLayerProvider() {
              @Override
              Parameter weight(BuildContext ctx, int features) {
                long seed = global.nextLong();
                return Parameter.create(
                    ctx,
                    Shape.of(features),
                    (t, fan, s) ->
                        Elementwise.assign(
                            t, Tensors.uniform(t.backend(), t.shape(), t.dtype(), 0.5, 1.5, seed)),
                    new Fan(1, 1));
              }
            });
    fails(c::deterministicPerSeed, "differs between two layers built with seed");
  }

  @Test
  void layerWhoseDeclaredOutputFeaturesAreWrong() {
    LayerContract c =
        layer(
            new LayerAndDatasetFixtures.ScaleLayerProvider() {
              @Override
              public int outputFeatures(Options options, int inputFeatures) {
                return inputFeatures * 2;
              }
            });
    fails(c::outputShapeIsAsDeclared, "outputFeatures(options, 6) says 12");
  }

  @Test
  void layerWhoseParameterNamesChangePerInstance() {
    AtomicInteger instances = new AtomicInteger();
    LayerContract c =
        layer(
            new LayerAndDatasetFixtures.ScaleLayerProvider() {
              @Override
              List<String> names() {
                int i = instances.getAndIncrement();
                return List.of("weight" + i, "bias" + i);
              }
            });
    fails(c::stateDictNamesAreStable, "parameter names in FLOAT64 with another seed");
  }

  @Test
  void layerWithBadlyFormedParameterNames() {
    LayerContract c =
        layer(
            new LayerAndDatasetFixtures.ScaleLayerProvider() {
              @Override
              List<String> names() {
                return List.of("the weight", "bias");
              }
            });
    fails(c::stateDictNamesAreStable, "parameter name 'the weight' must be words joined by dots");
  }

  // ------------------------------------------------------------------ data sets

  private static DatasetContract dataset(DatasetProvider p) {
    return new DatasetContract() {
      @Override
      protected DatasetProvider provider() {
        return p;
      }
    };
  }

  @Test
  void rightDatasetPassesTheDatasetContract() throws Exception {
    DatasetContract c = dataset(new LayerAndDatasetFixtures.SequenceProvider());
    c.namesAndSizesAreAsDeclared();
    c.rowsAreDeterministicPerSeed();
    c.sequenceLayoutIsConsistent();
    c.recordedOptionsMakeTheSameDataset();
  }

  @Test
  void datasetWhoseRowsChangePerPass() {
    AtomicInteger passes = new AtomicInteger();
    DatasetContract c =
        dataset(
            new LayerAndDatasetFixtures.SequenceProvider() {
              @Override
              List<float[]> rows(int examples, long seed) {
                return super.rows(examples, seed + passes.getAndIncrement());
              }
            });
    fails(c::rowsAreDeterministicPerSeed, "a second pass gives other rows");
  }

  @Test
  void datasetThatIgnoresTheSeed() {
    DatasetContract c =
        dataset(
            new LayerAndDatasetFixtures.SequenceProvider() {
              @Override
              List<float[]> rows(int examples, long seed) {
                return super.rows(examples, 7);
              }
            });
    fails(c::rowsAreDeterministicPerSeed, "give the same rows");
  }

  @Test
  void datasetWhoseSizeIsWrong() {
    DatasetContract c =
        dataset(
            new LayerAndDatasetFixtures.SequenceProvider() {
              @Override
              long size(int examples) {
                return examples + 1;
              }
            });
    fails(c::namesAndSizesAreAsDeclared, "size() says 21 rows");
  }

  @Test
  void datasetWithPaddingBetweenTokens() {
    DatasetContract c =
        dataset(
            new LayerAndDatasetFixtures.SequenceProvider() {
              @Override
              List<float[]> rows(int examples, long seed) {
                List<float[]> rows = super.rows(examples, seed);
                rows.get(3)[0] = 2;
                rows.get(3)[1] = 0;
                rows.get(3)[2] = 3;
                return rows;
              }
            });
    fails(c::sequenceLayoutIsConsistent, "after padding");
  }

  @Test
  void datasetWhoseTargetsAreNotOneHot() {
    DatasetContract c =
        dataset(
            new LayerAndDatasetFixtures.SequenceProvider() {
              @Override
              List<float[]> rows(int examples, long seed) {
                List<float[]> rows = super.rows(examples, seed);
                rows.get(5)[LayerAndDatasetFixtures.SequenceProvider.LENGTH] = 0.5f;
                return rows;
              }
            });
    fails(c::sequenceLayoutIsConsistent, "row 5 target must be one-hot");
  }

  // ------------------------------------------------------------------ losses

  /** A loss provider with no options whose loss is {@code loss}. */
  private static LossContract loss(String name, dev.heed.core.nn.Loss loss) {
    LossProvider p =
        new LossProvider() {
          @Override
          public String name() {
            return name;
          }

          @Override
          public String description() {
            return "a broken loss (a testkit fixture)";
          }

          @Override
          public dev.heed.core.plugin.OptionsSchema options() {
            return dev.heed.core.plugin.OptionsSchema.of();
          }

          @Override
          public dev.heed.core.nn.Loss create(Options options) {
            return loss;
          }
        };
    return new LossContract() {
      @Override
      protected LossProvider provider() {
        return p;
      }
    };
  }

  @Test
  void lossThatBroadcastsATargetOverTheBatch() {
    LossContract c = loss("naive-mse", (p, t) -> Reductions.mean(p.sub(t).square()));
    c.gradientsMatchCentralDifferences();
    fails(c::mismatchedBatchesAreRefused, "must be refused, not broadcast");
  }

  @Test
  void crossEntropyAsTheLogOfASoftmax() {
    LossContract c =
        loss(
            "naive-cross-entropy",
            (p, t) -> {
              if (!p.shape().equals(t.shape())) {
                throw new IllegalArgumentException("shapes " + p.shape() + " and " + t.shape());
              }
              Tensor logp = Elementwise.log(NeuralOps.softmax(p, -1));
              return Reductions.mean(Reductions.sum(t.mul(logp), -1, false)).neg();
            });
    c.gradientsMatchCentralDifferences();
    fails(c::largeInputsGiveFiniteLossAndGradient, "never log of an exp");
  }

  // ------------------------------------------------------------------ schedules

  /**
   * Halves the rates every 7 steps from the rates at start; {@code keepsState} says whether its
   * state holds the position.
   */
  private static ScheduleContract halving(boolean keepsState, double floor) {
    ScheduleProvider p =
        new ScheduleProvider() {
          @Override
          public String name() {
            return "test-halving";
          }

          @Override
          public String description() {
            return "halves the rate every 7 steps (a testkit fixture)";
          }

          @Override
          public dev.heed.core.plugin.OptionsSchema options() {
            return dev.heed.core.plugin.OptionsSchema.of();
          }

          @Override
          public Schedule create(Options options) {
            return new Schedule() {
              private double[] base;
              private long step;

              private void apply(Optimizer o) {
                for (int g = 0; g < base.length; g++) {
                  o.setLearningRate(g, base[g] * Math.pow(0.5, step / 7) + floor);
                }
              }

              @Override
              public void start(Optimizer o) {
                if (base == null) {
                  base = new double[o.groups().size()];
                  for (int g = 0; g < base.length; g++) {
                    base[g] = o.learningRate(g);
                  }
                }
                apply(o);
              }

              @Override
              public void afterStep(Optimizer o, long s) {
                step = s;
                apply(o);
              }

              @Override
              public void afterEpoch(Optimizer o, int epoch, double metric) {}

              @Override
              public Map<String, Double> state() {
                return keepsState ? Map.of("step", (double) step) : Map.of();
              }

              @Override
              public void loadState(Map<String, Double> state) {
                step = state.getOrDefault("step", 0.0).longValue();
              }
            };
          }
        };
    return new ScheduleContract() {
      @Override
      protected ScheduleProvider provider() {
        return p;
      }
    };
  }

  @Test
  void rightScheduleThenOneThatForgetsItsPosition() {
    halving(true, 0).stateRoundTripContinuesIdentically();
    fails(
        halving(false, 0)::stateRoundTripContinuesIdentically,
        "of a schedule resumed after epoch 6");
  }

  @Test
  void scheduleThatSetsNegativeRates() {
    fails(halving(true, -0.05)::ratesAreFiniteAndNonNegative, "set the rate of group");
  }

  // ------------------------------------------------------------------ initializers

  private static InitializerContract initializer(dev.heed.core.nn.Initializer init) {
    InitializerProvider p =
        new InitializerProvider() {
          @Override
          public String name() {
            return "test-initializer";
          }

          @Override
          public String description() {
            return "a broken initializer (a testkit fixture)";
          }

          @Override
          public dev.heed.core.plugin.OptionsSchema options() {
            return dev.heed.core.plugin.OptionsSchema.of();
          }

          @Override
          public dev.heed.core.nn.Initializer create(Options options) {
            return init;
          }
        };
    return new InitializerContract() {
      @Override
      protected InitializerProvider provider() {
        return p;
      }
    };
  }

  @Test
  void initializerThatWritesHalfTheWeight() {
    InitializerContract c =
        initializer((t, fan, seed) ->
            Elementwise.assign(
                dev.heed.core.tensor.Shapes.slice(t, 0, 0, t.dim(0) / 2),
                Tensors.uniform(
                    t.backend(), Shape.of(t.dim(0) / 2, t.dim(1)), t.dtype(), -0.1, 0.1, seed)));
    fails(c::everyElementIsInitializedFinite, "every element must be written");
  }

  @Test
  void initializerThatIgnoresItsSeed() {
    InitializerContract c =
        initializer((t, fan, seed) ->
            Elementwise.assign(
                t, Tensors.uniform(t.backend(), t.shape(), t.dtype(), -0.1, 0.1, 3)));
    c.everyElementIsInitializedFinite();
    fails(c::deterministicPerSeed, "give the same values");
  }
}
