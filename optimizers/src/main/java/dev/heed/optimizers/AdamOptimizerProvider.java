package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) with the AMSGrad variant, exactly as {@code torch.optim.Adam}: L2
 * weight decay folded into the gradient. Every option can be overridden per parameter group.
 */
public final class AdamOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA = schema(0.0);

  /** Cheap; for ServiceLoader. */
  public AdamOptimizerProvider() {}

  static OptionsSchema schema(double weightDecay) {
    return OptionsSchema.of(
        OptionSpec.number("lr", 1e-3, "learning rate").range(0, Double.MAX_VALUE),
        OptionSpec.tuple(
                "betas",
                new double[] {0.9, 0.999},
                "coefficients of the running averages of g and g²")
            .range(0, 1),
        OptionSpec.number("eps", 1e-8, "term added to the denominator for numerical stability")
            .range(0, Double.MAX_VALUE),
        OptionSpec.number("weight_decay", weightDecay, "weight decay coefficient")
            .range(0, Double.MAX_VALUE),
        OptionSpec.bool("amsgrad", false, "use the AMSGrad variant (maximum of past g² averages)"),
        OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public String description() {
    return "Adam with optional AMSGrad and L2 weight decay, as torch.optim.Adam";
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
    return new Adam(owner, groups, settings, false);
  }
}
