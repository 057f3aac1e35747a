package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.Objects;

/** What every unit provider checks before building. */
final class Units {
  private Units() {}

  /** Null checks, and that {@code options} were resolved against {@code schema}. */
  static Options resolve(
      String owner, OptionsSchema schema, Options options, AttentionSpec spec, BuildContext ctx) {
    Objects.requireNonNull(options, () -> owner + ": the options are null");
    Objects.requireNonNull(spec, () -> owner + ": the attention spec is null");
    Objects.requireNonNull(ctx, () -> owner + ": the build context is null");
    return schema.check(owner, options);
  }
}
