package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay ({@code p ← p·(1 -
 * lr·weight_decay)} before the Adam step), exactly as {@code torch.optim.AdamW}, whose weight_decay
 * defaults to 0.01.
 */
public final class AdamWOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA = AdamOptimizerProvider.schema(1e-2);

  /** Cheap; for ServiceLoader. */
  public AdamWOptimizerProvider() {}

  @Override
  public String name() {
    return "adamw";
  }

  @Override
  public String description() {
    return "Adam with decoupled weight decay, as torch.optim.AdamW";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  protected void validate(Options options, String owner) {
    Pairs.betas(owner, options.getNumbers("betas"));
  }

  @Override
  protected Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings) {
    return new Adam(owner, groups, settings, true);
  }
}
