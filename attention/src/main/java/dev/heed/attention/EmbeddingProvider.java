package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Token embedding as {@code nn.Embedding}: see {@link Embedding}. */
public final class EmbeddingProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("num_embeddings", 0, "vocabulary size V; 0 means the input features")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.integer("embedding_dim", 64, "size D of each embedding")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.bool("scale", false, "multiply the embeddings by √D (as in the Transformer)"));

  /** Cheap; for ServiceLoader. */
  public EmbeddingProvider() {}

  @Override
  public String name() {
    return "embedding";
  }

  @Override
  public String description() {
    return "token embedding [..] indices -> [.., D], as nn.Embedding";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    int vocabulary = o.getInt("num_embeddings") == 0 ? inputFeatures : o.getInt("num_embeddings");
    return new Embedding(vocabulary, o.getInt("embedding_dim"), o.getBoolean("scale"), ctx);
  }

  @Override
  int outputs(Options o, int inputFeatures) {
    return o.getInt("embedding_dim");
  }
}
