package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Next-token logits: see {@link LanguageModelHead}. */
public final class LanguageModelHeadProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("vocab_size", 256, "vocabulary V (logits [B, T, V])")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.bool("bias", true, "whether the projection has a bias"));

  /** Cheap; for ServiceLoader. */
  public LanguageModelHeadProvider() {}

  @Override
  public String name() {
    return "lm-head";
  }

  @Override
  public String description() {
    return "language-model head: [B, T, d] -> next-token logits [B, T, V]";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new LanguageModelHead(inputFeatures, o.getInt("vocab_size"), o.getBoolean("bias"), ctx);
  }

  @Override
  int outputs(Options o, int inputFeatures) {
    return o.getInt("vocab_size");
  }
}
