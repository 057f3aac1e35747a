package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Lion, the EvoLved Sign Momentum optimizer of Chen et al., "Symbolic Discovery of Optimization
 * Algorithms" (2023), Algorithm 2, with decoupled weight decay. PyTorch 1.13 has no Lion; the
 * defaults follow the paper's reference implementation. Every option can be overridden per
 * parameter group.
 */
public final class LionOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1e-4, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.tuple(
                  "betas", new double[] {0.9, 0.99}, "coefficients of the running averages")
              .range(0, 1),
          OptionSpec.number(
                  "weight_decay", 0.0, "decoupled weight decay: p ← p·(1 - lr·weight_decay)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public LionOptimizerProvider() {}

  @Override
  public String name() {
    return "lion";
  }

  @Override
  public String description() {
    return "Lion (evolved sign momentum, Chen et al. 2023)";
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
    return new Lion(owner, groups, settings);
  }
}
