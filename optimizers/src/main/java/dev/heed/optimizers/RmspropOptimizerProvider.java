package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * RMSprop (Hinton 2012), centered (Graves 2013) and with momentum, exactly as {@code
 * torch.optim.RMSprop}. Every option can be overridden per parameter group.
 */
public final class RmspropOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1e-2, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.number("alpha", 0.99, "smoothing constant of the squared-gradient average")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("eps", 1e-8, "term added to the denominator for numerical stability")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("weight_decay", 0.0, "weight decay (L2 penalty)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("momentum", 0.0, "momentum factor").range(0, Double.MAX_VALUE),
          OptionSpec.bool("centered", false, "normalize by the estimated variance of the gradient"),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public RmspropOptimizerProvider() {}

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  public List<String> aliases() {
    return List.of("rms-prop");
  }

  @Override
  public String description() {
    return "RMSprop with optional centering and momentum, as torch.optim.RMSprop";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  protected void validate(Options options, String owner) {}

  @Override
  protected Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings) {
    return new Rmsprop(owner, groups, settings);
  }
}
