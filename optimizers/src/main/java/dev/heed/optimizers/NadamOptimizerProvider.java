package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * NAdam (Dozat 2016), Adam with Nesterov momentum and a momentum schedule, exactly as {@code
 * torch.optim.NAdam} (which has no maximize option in PyTorch 1.13). Every option can be overridden
 * per parameter group.
 */
public final class NadamOptimizerProvider extends GroupedOptimizerProvider {
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
          OptionSpec.number("momentum_decay", 4e-3, "momentum decay psi of the momentum schedule")
              .range(0, Double.MAX_VALUE));

  /** Cheap; for ServiceLoader. */
  public NadamOptimizerProvider() {}

  @Override
  public String name() {
    return "nadam";
  }

  @Override
  public String description() {
    return "NAdam (Adam with Nesterov momentum), as torch.optim.NAdam";
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
    return new Nadam(owner, groups, settings);
  }
}
