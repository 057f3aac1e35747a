package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** {@code type: flatten}, PyTorch's {@code nn.Flatten()}: see {@link Flatten}. */
public final class FlattenProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA = OptionsSchema.of();

  /** Cheap; for ServiceLoader. */
  public FlattenProvider() {}

  @Override
  public String name() {
    return "flatten";
  }

  @Override
  public String description() {
    return "images [batch, C, H, W] to rows [batch, C·H·W], PyTorch's nn.Flatten";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new Flatten();
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    return inputFeatures;
  }
}
