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
 * Rprop (Riedmiller and Braun 1993), exactly as {@code torch.optim.Rprop}: {@code lr} is only the
 * initial step size, so schedules that change it afterwards have no effect, as in PyTorch. Every
 * option can be overridden per parameter group.
 */
public final class RpropOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1e-2, "initial step size").range(0, Double.MAX_VALUE),
          OptionSpec.tuple(
              "etas",
              new double[] {0.5, 1.2},
              "step-size factors [etaminus, etaplus] with 0 < etaminus < 1 < etaplus"),
          OptionSpec.tuple("step_sizes", new double[] {1e-6, 50}, "minimal and maximal step size")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public RpropOptimizerProvider() {}

  @Override
  public String name() {
    return "rprop";
  }

  @Override
  public String description() {
    return "resilient backpropagation (sign-based steps), as torch.optim.Rprop";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  protected void validate(Options options, String owner) {
    double[] etas = options.getNumbers("etas");
    if (!(0 < etas[0] && etas[0] < 1 && 1 < etas[1])) {
      throw new OptionsException(
          "etas",
          owner
              + " option 'etas': found "
              + java.util.Arrays.toString(etas)
              + ", expected 0 < etaminus < 1 < etaplus, for example [0.5, 1.2]");
    }
    double[] sizes = options.getNumbers("step_sizes");
    if (!(0 <= sizes[0] && sizes[0] <= sizes[1])) {
      throw new OptionsException(
          "step_sizes",
          owner
              + " option 'step_sizes': found "
              + java.util.Arrays.toString(sizes)
              + ", expected 0 <= min <= max, for example [1e-6, 50]");
    }
  }

  @Override
  protected Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings) {
    return new Rprop(owner, groups, settings);
  }
}
