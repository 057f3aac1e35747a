package dev.heed.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.pretrained.blocks.RopeFrequencies;
import dev.heed.pretrained.blocks.Rotary;
import dev.heed.testkit.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * Rotary positions far along a long model's range, where the tables have grown past their first
 * size, against the rotation written out element by element; and the refusals at the model's end.
 */
class RotaryTest {
  private final Backend backend = TestBackends.reference();

  @Test
  void positionsBeyondTheFirstTablesRotateByTheirAngles() {
    double[] inv = RopeFrequencies.llama3(500000, 8, 32, 1, 4, 8192);
    Rotary rotary = new Rotary(inv, 131072, backend, DType.FLOAT64);
    Tensor x = Tensors.normal(backend, Shape.of(1, 2, 3, 8), DType.FLOAT64, 0, 1, 4);
    double[] in = x.toDoubleArray();
    for (int start : new int[] {0, 1000, 70000}) {
      double[] out = rotary.apply(x, start).toDoubleArray();
      for (int row = 0; row < 6; row++) {
        int position = start + row % 3;
        for (int i = 0; i < 4; i++) {
          double angle = position * inv[i];
          double a = in[row * 8 + i];
          double b = in[row * 8 + i + 4];
          assertEquals(a * Math.cos(angle) - b * Math.sin(angle), out[row * 8 + i], 1e-12);
          assertEquals(b * Math.cos(angle) + a * Math.sin(angle), out[row * 8 + i + 4], 1e-12);
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> rotary.apply(x, 131070));
  }

  @Test
  void generationPastTheModelsPositionsIsRefused() {
    DecoderModel gpt2 =
        (DecoderModel)
            HfModels.load(Fixtures.dir("gpt2"), BuildContext.of(backend, DType.FLOAT32, 1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Generation.greedy(gpt2, new int[] {1, 2, 3, 4}, 21, -1));
    assertEquals(
        "generation: a prompt of 4 tokens and 21 new ones exceed the model's 24 positions",
        e.getMessage());
  }
}
