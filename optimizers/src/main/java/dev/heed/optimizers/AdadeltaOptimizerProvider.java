package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Adadelta (Zeiler 2012), exactly as {@code torch.optim.Adadelta}. Every option can be overridden
 * per parameter group.
 */
public final class AdadeltaOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1.0, "coefficient that scales delta before it is applied")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number(
                  "rho", 0.9, "coefficient of the running averages of squared gradients and deltas")
              .range(0, 1),
          OptionSpec.number("eps", 1e-6, "term added to the denominator for numerical stability")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("weight_decay", 0.0, "weight decay (L2 penalty)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public AdadeltaOptimizerProvider() {}

  @Override
  public String name() {
    return "adadelta";
  }

  @Override
  public String description() {
    return "Adadelta, as torch.optim.Adadelta";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  protected void validate(Options options, String owner) {}

  @Override
  protected Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings) {
    return new Adadelta(owner, groups, settings);
  }
}
