package com.example.heed.optimizer;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * The {@code adan} optimizer: Adan with the options and defaults of the authors' reference
 * implementation. The base provider resolves each parameter group's options (the optimizer's
 * options with the group's overrides on top) and calls {@link #validate} on each, so every option
 * can be overridden per group.
 */
public final class AdanOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1e-3, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.tuple(
                  "betas",
                  new double[] {0.98, 0.92, 0.99},
                  "coefficients of the running averages of g, of g - g_prev and of the squared"
                      + " corrected gradient")
              .range(0, 1),
          OptionSpec.number("eps", 1e-8, "term added to the denominator for numerical stability")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("weight_decay", 0.0, "weight decay coefficient")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool(
              "no_prox",
              false,
              "decay the weights before the step, as AdamW, instead of the proximal division"));

  /** Cheap; for ServiceLoader. */
  public AdanOptimizerProvider() {}

  @Override
  public String name() {
    return "adan";
  }

  @Override
  public String description() {
    return "Adan, adaptive Nesterov momentum (Xie et al. 2022), as the authors' implementation";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  /** Each beta in [0, 1), as the reference implementation requires. */
  @Override
  protected void validate(Options options, String owner) {
    double[] betas = options.getNumbers("betas");
    for (int i = 0; i < betas.length; i++) {
      if (!(betas[i] >= 0 && betas[i] < 1)) {
        throw new OptionsException(
            "betas",
            owner
                + " option 'betas': beta "
                + (i + 1)
                + " is "
                + betas[i]
                + ", expected a number >= 0 and < 1 (for example [0.98, 0.92, 0.99])");
      }
    }
  }

  @Override
  protected Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings) {
    return new Adan(owner, groups, settings);
  }
}
