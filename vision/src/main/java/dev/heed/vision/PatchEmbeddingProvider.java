package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * {@code type: patch-embedding}, the input of a vision transformer: see {@link PatchEmbedding}. Its
 * output is a sequence {@code [batch, patches (+1), embed_dim]}; follow it with a transformer
 * encoder and a {@code sequence-classification-head} with {@code pooling: first}.
 */
public final class PatchEmbeddingProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          positive("in_channels", 1, "channels of the input image"),
          positive("patch_size", null, "height and width of a patch (divides the image's)"),
          positive("embed_dim", null, "features of a patch vector"),
          OptionSpec.bool("class_token", true, "put a learned class token in front"),
          height());

  /** Cheap; for ServiceLoader. */
  public PatchEmbeddingProvider() {}

  @Override
  public String name() {
    return "patch-embedding";
  }

  @Override
  public String description() {
    return "ViT input: image patches by a strided convolution, class token, learned positions";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new PatchEmbedding(
        image(owner, o, inputFeatures, o.getInt("in_channels")),
        o.getInt("patch_size"),
        o.getInt("embed_dim"),
        o.getBoolean("class_token"),
        ctx);
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    ImageShape in = image(owner, o, inputFeatures, o.getInt("in_channels"));
    int p = o.getInt("patch_size");
    if (in.height() % p != 0 || in.width() % p != 0) {
      throw new IllegalArgumentException(
          owner + ": patch_size " + p + " must divide the image's height and width " + in);
    }
    return o.getInt("embed_dim");
  }
}
