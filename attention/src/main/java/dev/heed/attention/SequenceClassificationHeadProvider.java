package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Pools a sequence and classifies it: see {@link SequenceClassificationHead}. */
public final class SequenceClassificationHeadProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("num_classes", 2, "classes C (logits [B, C])")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.choice(
              "pooling",
              SequenceClassificationHead.MEAN,
              "how positions are pooled: mean, first, last or max (padding excluded)",
              SequenceClassificationHead.MEAN,
              SequenceClassificationHead.FIRST,
              SequenceClassificationHead.LAST,
              SequenceClassificationHead.MAX),
          OptionSpec.integer("hidden", 0, "size of a tanh dense layer before out_proj; 0 for none")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.number("dropout", 0.0, "dropout before out_proj").range(0, 1));

  /** Cheap; for ServiceLoader. */
  public SequenceClassificationHeadProvider() {}

  @Override
  public String name() {
    return "sequence-classification-head";
  }

  @Override
  public String description() {
    return "pools [B, T, d] (mean, first, last, max) and classifies it into logits [B, C]";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new SequenceClassificationHead(
        inputFeatures,
        o.getInt("num_classes"),
        o.getInt("hidden"),
        o.getString("pooling"),
        Dropouts.check(owner, o.getDouble("dropout")),
        ctx);
  }

  @Override
  int outputs(Options o, int inputFeatures) {
    return o.getInt("num_classes");
  }
}
