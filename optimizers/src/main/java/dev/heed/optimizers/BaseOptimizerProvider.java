package dev.heed.optimizers;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * What the providers share: options resolved per parameter group (the optimizer's options with the
 * group's overrides on top), each group checked by {@link #validate}, then {@link #build}.
 */
abstract class BaseOptimizerProvider implements OptimizerProvider {

  /** Checks one group's resolved options beyond the schema; by default nothing. */
  void validate(Options options, String owner) {}

  /** The optimizer over {@code groups} with their resolved options. */
  abstract Optimizer build(String owner, List<ParameterGroup> groups, List<Options> settings);

  @Override
  public final Optimizer create(Options options, List<ParameterGroup> groups) {
    String owner = "optimizer '" + name() + "'";
    List<Options> settings =
        GroupedOptimizer.resolveGroups(owner, options(), options, groups, this::validate);
    return build(owner, groups, settings);
  }
}
