package dev.heed.vision;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Initializer;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input of a vision transformer (ViT, Dosovitskiy et al. 2020; named as timm's {@code
 * VisionTransformer}): images {@code [N, C, H, W]} cut into {@code P×P} patches by a convolution of
 * stride {@code P} ({@code proj}, {@code [D, C, P, P]}), the {@code G = (H/P)·(W/P)} patch vectors
 * in row-major order, a learned class token ({@code cls_token [1, 1, D]}) in front, and learned
 * positions ({@code pos_embed [1, G + 1, D]}, or {@code [1, G, D]} without the class token) added:
 * a sequence {@code [N, G + 1, D]} for a transformer encoder. The class token and positions start
 * normal with standard deviation 0.02. Flat rows {@code [N, C·H·W]} are read as images.
 */
final class PatchEmbedding implements Layer {
  private final ImageShape image;
  private final int patch;
  private final int dim;
  private final Conv2d proj;
  private final Parameter cls;
  private final Parameter pos;

  PatchEmbedding(ImageShape image, int patch, int dim, boolean classToken, BuildContext ctx) {
    if (patch < 1 || image.height() % patch != 0 || image.width() % patch != 0) {
      throw new IllegalArgumentException(
          "patch-embedding: patch_size "
              + patch
              + " must divide the image's height and width "
              + image);
    }
    this.image = image;
    this.patch = patch;
    this.dim = dim;
    int[] k = {patch, patch};
    this.proj =
        new Conv2d(image.channels(), dim, k, k, new int[2], new int[] {1, 1}, 1, true, null, ctx);
    int grid = (image.height() / patch) * (image.width() / patch);
    Initializer normal = (t, f, seed) -> Tensors.fillRandom(t, Distribution.NORMAL, 0, 0.02, seed);
    this.cls =
        classToken ? Parameter.create(ctx, Shape.of(1, 1, dim), normal, new Fan(dim, dim)) : null;
    this.pos =
        Parameter.create(
            ctx, Shape.of(1, grid + (classToken ? 1 : 0), dim), normal, new Fan(dim, dim));
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = Images.images("patch-embedding", input, image);
    if (x.dim(1) != image.channels() || x.dim(2) != image.height() || x.dim(3) != image.width()) {
      throw new IllegalArgumentException(
          "patch-embedding: expected images [batch, "
              + image.channels()
              + ", "
              + image.height()
              + ", "
              + image.width()
              + "], got "
              + x.shape());
    }
    int n = x.dim(0);
    Tensor patches = proj.forward(x, ctx); // [N, D, H/P, W/P]
    Tensor seq = Shapes.transpose(Shapes.reshape(patches, n, dim, -1), 1, 2); // [N, G, D]
    if (cls != null) {
      List<Tensor> parts = new ArrayList<>(2);
      parts.add(Shapes.expand(cls.value(), Shape.of(n, 1, dim)));
      parts.add(seq);
      seq = Shapes.concat(1, parts);
    }
    return seq.add(pos.value());
  }

  /** Patches per image. */
  int patches() {
    return (image.height() / patch) * (image.width() / patch);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    if (cls != null) {
      m.put("cls_token", cls);
    }
    m.put("pos_embed", pos);
    proj.namedParameters().forEach((k, v) -> m.put("patch_embed.proj." + k, v));
    return m;
  }
}
