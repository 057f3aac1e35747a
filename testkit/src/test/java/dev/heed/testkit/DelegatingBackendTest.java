package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.DelegatingBackend;
import dev.heed.core.backend.support.DelegatingBackend.Kernel;
import dev.heed.core.backend.support.FusedCall;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.AttentionOptions;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.core.tensor.Windows;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link DelegatingBackend} promises beyond the backend contract. */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
class DelegatingBackendTest {

  /** A capability type that the base does not know. */
  interface Unknown extends Capability {}

  /** {@link CapableBackend} that also offers {@link Unknown}. */
  static final class WithUnknown extends CapableBackend {
    boolean closed;

    @Override
    public <T extends Capability> Optional<T> capability(Class<T> type) {
      return type == Unknown.class
          ? Optional.of(type.cast(new Unknown() {}))
          : super.capability(type);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void buffersBelongToTheWrapperAndKernelsReachTheDelegate() {
    CountingBackend b = new CountingBackend(new CapableBackend());
    try (Buffer x = Kernels.allocate(b, DType.FLOAT32, 3);
        Buffer y = Kernels.allocate(b, DType.FLOAT32, 3)) {
      assertSame(b, x.backend());
      assertEquals(DType.FLOAT32, x.dtype());
      assertEquals(3, x.size());
      Kernels.upload(b, MemorySegment.ofArray(new float[] {-1, 0, 2}), x, 0, 3);
      Layout l = Layout.contiguous(3);
      Kernels.unary(b, UnaryOp.RELU, 0, 0, x, l, y, l);
      Kernels.unary(b, UnaryOp.NEG, 0, 0, y, l, y, l); // in place stays in place
      float[] out = new float[3];
      Kernels.download(b, y, 0, 3, MemorySegment.ofArray(out));
      assertArrayEquals(new float[] {-0f, -0f, -2f}, out);
      assertEquals(1, b.calls(Kernel.UPLOAD));
      assertEquals(2, b.calls(Kernel.UNARY));
      assertEquals(1, b.calls(Kernel.DOWNLOAD));
    }
  }

  @Test
  void closingAWrapperBufferReleasesTheDelegateBuffer() {
    CountingBackend b = new CountingBackend(new CapableBackend());
    Buffer x = b.allocate(DType.FLOAT32, 4);
    x.close();
    assertTrue(x.isReleased());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Kernels.fill(b, x, 0, 4, 1.0));
    assertTrue(e.getMessage().contains("released"), e.getMessage());
  }

  @Test
  void theDelegatesBuffersAreRefusedByCoresChecks() {
    CapableBackend inner = new CapableBackend();
    CountingBackend b = new CountingBackend(inner);
    try (Buffer foreign = inner.allocate(DType.FLOAT32, 2)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Kernels.fill(b, foreign, 0, 2, 1.0));
      assertTrue(e.getMessage().startsWith("fill: buffer dst"), e.getMessage());
      assertEquals(0, b.calls(Kernel.FILL));
    }
  }

  @Test
  void knownCapabilitiesArePassedThroughWrappedAndOthersAreNot() {
    WithUnknown inner = new WithUnknown();
    DelegatingBackend b = new DelegatingBackend(inner) {};
    for (Class<? extends Capability> type :
        java.util.List.of(
            FusedElementwise.class,
            FusedLayerNorm.class,
            FusedAttention.class,
            FusedMaxPool2d.class,
            FusedBatchNorm.class)) {
      Capability outer = b.capability(type).orElseThrow();
      assertNotSame(inner.capability(type).orElseThrow(), outer, type.getSimpleName());
      assertSame(outer, b.capability(type).orElseThrow(), "one wrapper per capability");
    }
    assertTrue(inner.capability(Unknown.class).isPresent());
    assertTrue(b.capability(Unknown.class).isEmpty());
    DelegatingBackend plain = new DelegatingBackend(TestBackends.reference()) {};
    assertTrue(plain.capability(FusedAttention.class).isEmpty());
    b.close();
    assertTrue(inner.closed, "closing the wrapper closes the delegate");
  }

  @Test
  void capabilityCallsThroughCoreAreReportedToTheHooks() {
    CountingBackend b = new CountingBackend(new CapableBackend());
    try (Scope scope = Scope.open()) {
      Tensor x =
          Tensors.of(b, DType.FLOAT32, Samples.float32(Samples.normal(7, 12)), 3, 4)
              .requiresGrad(true);
      Tensor y = AttentionOps.layerNorm(x, null, null, 1e-5);
      y.sum().backward();
      assertSame(b, x.grad().backend());
      Tensor q =
          Tensors.of(b, DType.FLOAT32, Samples.float32(Samples.normal(8, 24)), 1, 2, 3, 4)
              .requiresGrad(true);
      Tensor out = AttentionOps.attention(q, q, q, AttentionOptions.defaults()).output();
      out.sum().backward();
      assertSame(b, q.grad().backend());
      Tensor image =
          Tensors.of(b, DType.FLOAT32, Samples.float32(Samples.normal(9, 32)), 1, 2, 4, 4)
              .requiresGrad(true);
      int[] two = {2, 2};
      Windows.maxPool2d(image, two, two, new int[2], new int[] {1, 1}).sum().backward();
      assertSame(b, image.grad().backend());
      Tensor batch =
          Tensors.of(b, DType.FLOAT32, Samples.float32(Samples.normal(10, 12)), 2, 3, 2)
              .requiresGrad(true);
      NeuralOps.batchNorm(batch, null, null, 1e-5)[0].square().sum().backward();
      assertSame(b, batch.grad().backend());
    }
    assertEquals(1, b.calls(Kernel.LAYER_NORM_FORWARD));
    assertEquals(1, b.calls(Kernel.LAYER_NORM_BACKWARD));
    assertEquals(1, b.calls(Kernel.ATTENTION_FORWARD));
    assertEquals(1, b.calls(Kernel.ATTENTION_BACKWARD));
    assertEquals(1, b.calls(Kernel.MAX_POOL2D_FORWARD));
    assertEquals(1, b.calls(Kernel.MAX_POOL2D_BACKWARD));
    assertEquals(1, b.calls(Kernel.BATCH_NORM_FORWARD));
    assertEquals(1, b.calls(Kernel.BATCH_NORM_BACKWARD));
  }

  @Test
  void capabilityCallsReachFusedAsValuesOnTheWrappersBuffers() {
    CapableBackend inner = new CapableBackend();
    List<FusedCall> seen = new ArrayList<>();
    CountingBackend counting = new CountingBackend(inner);
    DelegatingBackend b =
        new DelegatingBackend(inner) {
          @Override
          protected void fused(FusedCall call) {
            seen.add(call);
            super.fused(call);
          }
        };
    try (Scope scope = Scope.open()) {
      double[] data = Samples.float32(Samples.normal(7, 12));
      Tensor x = Tensors.of(b, DType.FLOAT32, data, 3, 4).requiresGrad(true);
      AttentionOps.layerNorm(x, null, null, 1e-5).sum().backward();
      Tensor y = Tensors.of(counting, DType.FLOAT32, data, 3, 4).requiresGrad(true);
      AttentionOps.layerNorm(y, null, null, 1e-5).sum().backward();
      assertArrayEquals(y.grad().toFloatArray(), x.grad().toFloatArray());
    }
    assertEquals(
        List.of(Kernel.LAYER_NORM_FORWARD, Kernel.LAYER_NORM_BACKWARD),
        seen.stream().map(FusedCall::kernel).toList());
    FusedCall.LayerNormForward forward = (FusedCall.LayerNormForward) seen.get(0);
    assertSame(inner.capability(FusedLayerNorm.class).orElseThrow(), forward.fused());
    assertEquals(3, forward.rows());
    assertEquals(4, forward.d());
    for (FusedCall call : seen) {
      call.with(buffer -> {
        assertSame(b, buffer.backend(), call.kernel() + " got a buffer of another backend");
        return buffer;
      });
    }
  }

  @Test
  void nameDescriptionAndTypesAreTheDelegatesUnlessOverridden() {
    Backend ref = TestBackends.reference();
    DelegatingBackend b = new DelegatingBackend(ref) {};
    assertEquals(ref.name(), b.name());
    assertEquals(ref.deviceDescription(), b.deviceDescription());
    assertEquals(ref.supports(DType.FLOAT64), b.supports(DType.FLOAT64));
    assertSame(ref, b.delegate());
    DelegatingBackend named =
        new DelegatingBackend(ref) {
          @Override
          public String name() {
            return "counting";
          }
        };
    assertEquals("counting", named.name());
    assertEquals("counting over " + ref, named.toString());
  }
}
