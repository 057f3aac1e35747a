package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Adamax, the infinity-norm variant of Adam (Kingma and Ba 2015), exactly as {@code
 * torch.optim.Adamax}. Every option can be overridden per parameter group.
 */
public final class AdamaxOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 2e-3, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.tuple(
                  "betas", new double[] {0.9, 0.999}, "coefficients of the running averages")
              .range(0, 1),
          OptionSpec.number("eps", 1e-8, "term added to the denominator for numerical stability")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("weight_decay", 0.0, "weight decay (L2 penalty)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public AdamaxOptimizerProvider() {}

  @Override
  public String name() {
    return "adamax";
  }

  @Override
  public String description() {
    return "Adamax (Adam with the infinity norm), as torch.optim.Adamax";
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
    return new Adamax(owner, groups, settings);
  }
}
