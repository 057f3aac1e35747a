package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Stochastic gradient descent, exactly as {@code torch.optim.SGD}: optional momentum (with
 * dampening), Nesterov momentum, L2 weight decay and maximisation. PyTorch requires {@code lr};
 * here it defaults to 0.01. Every option can be overridden per parameter group.
 */
public final class SgdOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 0.01, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.number("momentum", 0.0, "momentum factor").range(0, Double.MAX_VALUE),
          OptionSpec.number("dampening", 0.0, "dampening for momentum"),
          OptionSpec.number("weight_decay", 0.0, "weight decay (L2 penalty)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool(
              "nesterov", false, "Nesterov momentum (needs momentum > 0 and dampening 0)"),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public SgdOptimizerProvider() {}

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public String description() {
    return "stochastic gradient descent with momentum, Nesterov and weight decay, as"
        + " torch.optim.SGD";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  protected Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings) {
    return new Sgd(owner, groups, settings);
  }

  @Override
  protected void validate(Options o, String owner) {
    if (o.getBoolean("nesterov")) {
      double momentum = o.getDouble("momentum");
      double dampening = o.getDouble("dampening");
      if (momentum <= 0 || dampening != 0) {
        throw new OptionsException(
            "nesterov",
            owner
                + " option 'nesterov': Nesterov momentum needs momentum > 0 and dampening = 0,"
                + " found momentum "
                + momentum
                + " and dampening "
                + dampening
                + "; set momentum (for example 0.9) and dampening 0, or nesterov false");
      }
    }
  }
}
