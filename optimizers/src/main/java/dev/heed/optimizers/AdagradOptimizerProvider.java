package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Adagrad (Duchi, Hazan and Singer 2011), exactly as {@code torch.optim.Adagrad}. Every option can
 * be overridden per parameter group.
 */
public final class AdagradOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1e-2, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.number("lr_decay", 0.0, "learning-rate decay: lr / (1 + (t - 1)·lr_decay)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("weight_decay", 0.0, "weight decay (L2 penalty)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number(
                  "initial_accumulator_value",
                  0.0,
                  "starting value of the sum of squared gradients")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("eps", 1e-10, "term added to the denominator for numerical stability")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public AdagradOptimizerProvider() {}

  @Override
  public String name() {
    return "adagrad";
  }

  @Override
  public String description() {
    return "Adagrad with learning-rate decay and L2 weight decay, as torch.optim.Adagrad";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  protected void validate(Options options, String owner) {}

  @Override
  protected Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings) {
    return new Adagrad(owner, groups, settings);
  }
}
