package dev.heed.testkit;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The contracts pass correct plugins written against the SPIs (see {@link Fixtures}). */
class FixtureContractsTest {

  @Nested
  class ScaledTanh extends ActivationContract {
    @Override
    protected ActivationProvider provider() {
      return new Fixtures.ScaledTanhProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("initial_scale", 0.75);
    }
  }

  @Nested
  class DotAttention extends AttentionUnitContract {
    @Override
    protected AttentionUnitProvider provider() {
      return new Fixtures.DotAttentionProvider();
    }

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

    @Override
    protected boolean supportsMask() {
      return true;
    }

    @Override
    protected Tensor mask(Backend backend, DType dtype, int batch) {
      return Fixtures.mask(backend, dtype, batch);
    }
  }

  @Nested
  class SelfDotAttention extends AttentionUnitContract {
    @Override
    protected AttentionUnitProvider provider() {
      return new Fixtures.DotAttentionProvider();
    }

    @Override
    protected AttentionSpec spec() {
      return AttentionSpec.self(4);
    }

    @Override
    protected Shape queryShape(int batch) {
      return Shape.of(batch, 5, 4);
    }

    @Override
    protected Shape keyShape(int batch) {
      return Shape.of(batch, 5, 4);
    }

    @Override
    protected Shape valueShape(int batch) {
      return Shape.of(batch, 5, 4);
    }

    @Override
    protected boolean selfAttention() {
      return true;
    }
  }

  @Nested
  class Momentum extends OptimizerContract {
    @Override
    protected OptimizerProvider provider() {
      return new Fixtures.MomentumProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("lr", 0.02, "momentum", 0.8);
    }

    @Override
    protected Map<String, Object> rosenbrockOptions() {
      return Map.of("lr", 1e-3, "momentum", 0.9);
    }
  }
}
