package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * LAMB, the layer-wise adaptive optimizer of You et al., "Large Batch Optimization for Deep
 * Learning: Training BERT in 76 minutes" (ICLR 2020, arXiv 2019), Algorithm 2 with bias correction
 * and φ the identity; each parameter tensor is a layer. PyTorch 1.13 has no LAMB. Every option can
 * be overridden per parameter group.
 */
public final class LambOptimizerProvider extends GroupedOptimizerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("lr", 1e-3, "learning rate").range(0, Double.MAX_VALUE),
          OptionSpec.tuple(
                  "betas", new double[] {0.9, 0.999}, "coefficients of the running averages")
              .range(0, 1),
          OptionSpec.number("eps", 1e-6, "term added to the denominator for numerical stability")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number(
                  "weight_decay",
                  0.0,
                  "weight decay added to the Adam ratio before the trust ratio")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool("maximize", false, "maximize the objective instead of minimizing"));

  /** Cheap; for ServiceLoader. */
  public LambOptimizerProvider() {}

  @Override
  public String name() {
    return "lamb";
  }

  @Override
  public String description() {
    return "LAMB (layer-wise adaptive large-batch Adam, You et al. 2019)";
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
    return new Lamb(owner, groups, settings);
  }
}
