package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.DType;
import org.junit.jupiter.api.Test;

/**
 * Index tensors carry the range of their values from where they were made, so index operations
 * check them against an extent without reading them back; unknown ranges are read once.
 */
class IndexBoundsTest {
  private final TestBackends.Reference be = TestBackends.reference();
  private final Tensor table =
      Tensors.of(be, DType.FLOAT32, new float[] {0, 1, 10, 11, 20, 21}, 3, 2);

  @Test
  void indicesMadeOnTheHostAreNotReadBack() {
    Tensor idx = Tensors.indices(be, new int[] {2, 0, 2}, 3);
    be.downloads = 0;
    Tensor rows = NeuralOps.embedding(table, idx);
    assertEquals(0, be.downloads, "no device-to-host read to check the indices");
    assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, rows.toFloatArray());
  }

  @Test
  void argmaxIndicesAreKnownToFitTheirAxis() {
    Tensor scores = Tensors.of(be, DType.FLOAT32, new float[] {0, 5, 1, 9, 2, 3}, 2, 3);
    Tensor best = Reductions.argmax(scores, 1); // values in [0, 3): they fit a table of 3 rows
    be.downloads = 0;
    NeuralOps.embedding(table, best);
    assertEquals(0, be.downloads);
  }

  @Test
  void indicesOfUnknownRangeAreReadOnceThenKnown() {
    Tensor idx = Shapes.cast(Tensors.of(be, DType.FLOAT32, new float[] {1, 2}, 2), DType.INT32);
    be.downloads = 0;
    NeuralOps.embedding(table, idx);
    assertEquals(1, be.downloads, "read once to check them");
    NeuralOps.embedding(table, idx);
    assertEquals(1, be.downloads, "then known to fit");
  }

  @Test
  void aBadIndexIsAClearErrorAndAWriteForgetsTheRange() {
    Tensor bad = Tensors.indices(be, new int[] {0, 3}, 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NeuralOps.embedding(table, bad));
    assertTrue(
        e.getMessage().contains("index 3 at position 1") && e.getMessage().contains("[0, 3)"),
        e.getMessage());
    Tensor idx = Tensors.indices(be, new int[] {0, 1}, 2);
    Elementwise.assign(idx, Tensors.indices(be, new int[] {0, 5}, 2));
    assertThrows(IllegalArgumentException.class, () -> NeuralOps.embedding(table, idx));
    Tensor negative = Tensors.indices(be, new int[] {-1}, 1);
    assertThrows(IllegalArgumentException.class, () -> NeuralOps.embedding(table, negative));
  }
}
