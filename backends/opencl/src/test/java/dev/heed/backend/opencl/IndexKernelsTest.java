package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Index kernels without device-to-host reads: core knows the range of indices made on the host, so
 * neither {@code gather} nor its adjoint {@code scatterAdd} reads them back, and {@code
 * scatterAdd}'s order of accumulation, planned on the device, is the sequential one bit for bit.
 */
class IndexKernelsTest {

  @Test
  @SuppressWarnings("try") // the scope only frees what the test makes
  void indexSelectAndItsGradientOnHostIndicesReadNothingBack() {
    OpenClBackend cl = OpenClTests.backend();
    int vocab = 50;
    int dim = 3;
    float[] table = new float[vocab * dim];
    for (int i = 0; i < table.length; i++) {
      table[i] = i * 0.5f;
    }
    int[] idx = {3, 49, 0, 3, 7};
    float[] g = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    try (Scope s = Scope.open()) {
      Tensor t = Tensors.of(cl, DType.FLOAT32, table, vocab, dim).requiresGrad(true);
      Tensor i = Tensors.indices(cl, idx, idx.length);
      Tensor gOut = Tensors.of(cl, DType.FLOAT32, g, idx.length, dim);
      long before = cl.downloads();
      Tensor out = NeuralOps.indexSelect(t, 0, i);
      out.backward(gOut);
      assertEquals(before, cl.downloads(), "device-to-host reads by gather and scatterAdd");

      float[] expected = new float[idx.length * dim];
      float[] grad = new float[vocab * dim];
      for (int j = 0; j < idx.length; j++) {
        for (int d = 0; d < dim; d++) {
          expected[j * dim + d] = table[idx[j] * dim + d];
          grad[idx[j] * dim + d] += g[j * dim + d];
        }
      }
      assertArrayEquals(expected, out.toFloatArray(), "the selected rows");
      assertArrayEquals(grad, t.grad().toFloatArray(), "the gradient: rows 3 get two sums");
    }
  }

  /**
   * A run of 3,000 repeats of one index among 5,000 positions, and short runs of others: equal to
   * the reference's sequential sums bit for bit, the same on a second call, and without a read.
   */
  @Test
  void scatterAddOfLongRunsIsTheSequentialSumWithoutReads() {
    int outer = 2;
    int count = 5000;
    int inner = 5;
    int axis = 40;
    int[] idx = new int[count];
    Random r = new Random(11);
    for (int j = 0; j < count; j++) {
      idx[j] = r.nextInt(5) < 3 ? 17 : r.nextInt(axis);
    }
    float[] src = new float[outer * count * inner];
    for (int i = 0; i < src.length; i++) {
      src[i] = (float) r.nextGaussian() * (1 + (i % 7) * 1000);
    }
    float[] start = new float[outer * axis * inner];
    for (int i = 0; i < start.length; i++) {
      start[i] = (float) r.nextGaussian();
    }
    float[] expected = scatter(TestBackends.reference(), src, idx, start, outer, inner, axis);
    OpenClBackend cl = OpenClTests.backend();
    long before = cl.downloads();
    float[] first = scatter(cl, src, idx, start, outer, inner, axis);
    float[] second = scatter(cl, src, idx, start, outer, inner, axis);
    assertEquals(before + 2, cl.downloads(), "one read each: the result, never the indices");
    assertArrayEquals(expected, first, "the sequential sums");
    assertArrayEquals(first, second, "the same on a second call");
  }

  private static float[] scatter(
      Backend b, float[] src, int[] idx, float[] start, int outer, int inner, int axis) {
    try (Buffer s = b.allocate(DType.FLOAT32, src.length);
        Buffer i = b.allocate(DType.INT32, idx.length);
        Buffer out = b.allocate(DType.FLOAT32, start.length)) {
      b.upload(MemorySegment.ofArray(src), s, 0, src.length);
      b.upload(MemorySegment.ofArray(idx), i, 0, idx.length);
      b.upload(MemorySegment.ofArray(start), out, 0, start.length);
      b.scatterAdd(s, outer, idx.length, inner, i, axis, out);
      float[] v = new float[start.length];
      b.download(out, 0, v.length, MemorySegment.ofArray(v));
      return v;
    }
  }
}
