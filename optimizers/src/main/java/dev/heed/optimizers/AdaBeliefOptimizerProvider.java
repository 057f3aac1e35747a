package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * AdaBelief, of Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
 * Gradients" (NeurIPS 2020), Algorithm 2, with the decoupled weight decay and eps of the authors'
 * adabelief-pytorch 0.2. PyTorch 1.13 has no AdaBelief. Every option can be overridden per
 * parameter group.
 */
public final class AdaBeliefOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1e-3, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.tuple(
                  "betas", new double[] {0.9, 0.999}, "coefficients of the running averages")
              .range(0, 1),
          OptionSpec.number("eps", 1e-16, "term added to the denominator for numerical stability")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("weight_decay", 0.0, "weight decay (L2 penalty)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool(
              "weight_decouple",
              true,
              "decoupled weight decay as AdamW (false: L2 folded into the gradient)"),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public AdaBeliefOptimizerProvider() {}

  @Override
  public String name() {
    return "adabelief";
  }

  @Override
  public String description() {
    return "AdaBelief (Adam that adapts to the belief in the gradient, Zhuang et al. 2020)";
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
    return new AdaBelief(owner, groups, settings);
  }
}
