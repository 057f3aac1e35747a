package dev.heed.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.io.StateDicts;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.GradientChecker;
import dev.heed.testkit.TestBackends;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract and fixture tests leave out: batch norm's training-mode gradients and its
 * running statistics through a checkpoint, the patch embedding's gradients, and the augmentation
 * layers' behaviour.
 */
@SuppressWarnings("try")
class VisionLayersTest {
  private final Backend ref = TestBackends.reference();
  @TempDir Path tmp;

  private Tensor values(int seed, int... shape) {
    return Tensors.uniform(ref, Shape.of(shape), DType.FLOAT64, -1, 1, seed);
  }

  @Test
  void batchNormTrainingGradients() {
    try (Scope s = Scope.open()) {
      BatchNorm bn =
          new BatchNorm(
              "batch-norm2d", 3, 1e-5, 0.1, true, true, BuildContext.of(ref, DType.FLOAT64, 1));
      ForwardContext train = ForwardContext.training(new Seeds(1));
      Tensor x = values(2, 4, 3, 2, 3);
      GradientChecker.assertGradients(in -> bn.forward(in.getFirst(), train), List.of(x));
      GradientChecker.assertParameterGradients(
          () -> bn.forward(x, train).square().sum(), bn.parameters());
    }
  }

  @Test
  void runningStatisticsTravelThroughACheckpoint() throws Exception {
    try (Scope s = Scope.open()) {
      BuildContext ctx = BuildContext.of(ref, DType.FLOAT32, 1);
      Sequential model =
          new Sequential(
              List.of(
                  new Conv2d(
                      1,
                      2,
                      new int[] {3, 3},
                      new int[] {1, 1},
                      new int[] {1, 1},
                      new int[] {1, 1},
                      1,
                      true,
                      null,
                      ctx),
                  new BatchNorm("batch-norm2d", 2, 1e-5, 0.1, true, true, ctx)));
      assertEquals(
          List.of(
              "0.weight",
              "0.bias",
              "1.weight",
              "1.bias",
              "1.running_mean",
              "1.running_var",
              "1.num_batches_tracked"),
          List.copyOf(StateDicts.of(model).keySet()));
      Tensor x = Tensors.uniform(ref, Shape.of(4, 1, 5, 5), DType.FLOAT32, -1, 1, 3);
      model.forward(x, ForwardContext.training(new Seeds(1)));
      model.forward(x.mul(2), ForwardContext.training(new Seeds(2)));
      Path file = tmp.resolve("weights.safetensors");
      StateDicts.save(model, file, Map.of());
      Sequential fresh =
          new Sequential(
              List.of(
                  new Conv2d(
                      1,
                      2,
                      new int[] {3, 3},
                      new int[] {1, 1},
                      new int[] {1, 1},
                      new int[] {1, 1},
                      1,
                      true,
                      null,
                      BuildContext.of(ref, DType.FLOAT32, 9)),
                  new BatchNorm(
                      "batch-norm2d",
                      2,
                      1e-5,
                      0.1,
                      true,
                      true,
                      BuildContext.of(ref, DType.FLOAT32, 9))));
      Tensor before = fresh.forward(x, ForwardContext.inference());
      StateDicts.load(fresh, SafeTensors.read(file, ref));
      Map<String, Tensor> saved = model.namedBuffers();
      Map<String, Tensor> loaded = fresh.namedBuffers();
      assertArrayEquals(
          saved.get("1.running_var").toFloatArray(), loaded.get("1.running_var").toFloatArray());
      assertArrayEquals(new int[] {2}, loaded.get("1.num_batches_tracked").toIntArray());
      assertNotEquals(1f, loaded.get("1.running_var").toFloatArray()[0]);
      Tensor expected = model.forward(x, ForwardContext.inference());
      Tensor after = fresh.forward(x, ForwardContext.inference());
      assertArrayEquals(expected.toFloatArray(), after.toFloatArray(), 0f);
      assertNotEquals(before.toFloatArray()[0], after.toFloatArray()[0]);
    }
  }

  @Test
  void patchEmbeddingGradients() {
    try (Scope s = Scope.open()) {
      PatchEmbedding pe =
          new PatchEmbedding(
              new ImageShape(2, 4, 6), 2, 3, true, BuildContext.of(ref, DType.FLOAT64, 4));
      Tensor x = values(5, 2, 2 * 4 * 6); // flat rows
      assertArrayEquals(
          new int[] {2, 1 + 6, 3}, pe.forward(x, ForwardContext.inference()).shape().dims());
      GradientChecker.assertGradients(
          in -> pe.forward(in.getFirst(), ForwardContext.inference()), List.of(x));
      GradientChecker.assertParameterGradients(
          () -> pe.forward(x, ForwardContext.inference()).tanh().sum(), pe.parameters());
      assertEquals(
          List.of("cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias"),
          List.copyOf(pe.namedParameters().keySet()));
    }
  }

  @Test
  void augmentationsPassUnchangedInEvaluationAndRepeatUnderASeed() {
    try (Scope s = Scope.open()) {
      Tensor x = values(6, 16, 1, 4, 4);
      for (Layer l : List.of(new RandomCrop(2, null), new RandomFlip(0.5, null))) {
        assertSame(x, l.forward(x, ForwardContext.inference()));
        Tensor a = l.forward(x, ForwardContext.training(new Seeds(11)));
        Tensor b = l.forward(x, ForwardContext.training(new Seeds(11)));
        Tensor c = l.forward(x, ForwardContext.training(new Seeds(12)));
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        assertTrue(
            !java.util.Arrays.equals(a.toDoubleArray(), c.toDoubleArray()),
            l.getClass().getSimpleName() + " draws differently under another seed");
      }
    }
  }

  @Test
  void aFlipMirrorsRowsAndACropShiftsTheImage() {
    try (Scope s = Scope.open()) {
      double[] v = {1, 2, 3, 4, 5, 6};
      Tensor x = Tensors.of(ref, DType.FLOAT64, v, 1, 1, 2, 3);
      Tensor flipped = new RandomFlip(1, null).forward(x, ForwardContext.training(new Seeds(1)));
      assertArrayEquals(new double[] {3, 2, 1, 6, 5, 4}, flipped.toDoubleArray());
      Tensor crop = new RandomCrop(1, null).forward(x, ForwardContext.training(new Seeds(1)));
      double[] c = crop.toDoubleArray();
      // every value of the crop is 0 (padding) or the pixel 0 or 1 place away in each direction
      double total = 0;
      for (double d : c) {
        total += d;
        assertTrue(d == 0 || java.util.Arrays.stream(v).anyMatch(p -> p == d));
      }
      assertTrue(total > 0);
    }
  }

  @Test
  void flatRowsAndImagesGiveTheSameResult() {
    try (Scope s = Scope.open()) {
      Conv2d conv =
          new Conv2d(
              2,
              3,
              new int[] {3, 3},
              new int[] {2, 2},
              new int[] {1, 1},
              new int[] {1, 1},
              1,
              true,
              new ImageShape(2, 5, 4),
              BuildContext.of(ref, DType.FLOAT64, 1));
      Tensor images = values(7, 2, 2, 5, 4);
      Tensor rows = images.reshape(2, 40);
      Tensor a = conv.forward(images, ForwardContext.inference());
      Tensor b = conv.forward(rows, ForwardContext.inference());
      assertEquals(2, b.rank());
      assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> conv.forward(values(8, 2, 41), ForwardContext.inference()));
      assertTrue(e.getMessage().contains("[batch, 40]"), e.getMessage());
      assertArrayEquals(
          new int[] {2, 40},
          new Flatten().forward(images, ForwardContext.inference()).shape().dims());
    }
  }

  @Test
  void providersRefuseImagesThatDoNotFit() {
    Conv2dProvider p = new Conv2dProvider();
    var o =
        p.options()
            .resolve(
                "conv2d",
                Map.of("in_channels", 1, "out_channels", 2, "kernel_size", 3),
                dev.heed.core.Plugins.shared());
    assertEquals(2 * 26 * 26, p.outputFeatures(o, 784));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p.outputFeatures(o, 780));
    assertTrue(e.getMessage().contains("not a square image; give option height"), e.getMessage());
  }
}
