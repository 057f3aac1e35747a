package dev.heed.core.optim.support;

import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.Options;
import java.util.List;

/**
 * The provider of a {@link GroupedOptimizer}: {@link #create} resolves the options of each
 * parameter group once (the optimizer's options, already resolved by the registry, with the group's
 * overrides on top, each override checked against {@link #options()} and reported with its group),
 * checks each group with {@link #validate}, then calls {@link #build}. A subclass gives {@link
 * #name()}, {@link #description()}, {@link #options()} and {@link #build}.
 */
public abstract class GroupedOptimizerProvider implements OptimizerProvider {

  /** For subclasses. */
  protected GroupedOptimizerProvider() {}

  /**
   * Checks one group's resolved options beyond what the schema says (options that must fit
   * together); by default nothing.
   *
   * @param options the resolved options of the optimizer or of one group
   * @param owner what they belong to, for messages ({@code optimizer 'sgd' parameter group 1})
   * @throws dev.heed.core.plugin.OptionsException naming the option at fault
   */
  protected void validate(Options options, String owner) {}

  /**
   * The optimizer over {@code groups} with their resolved options.
   *
   * @param owner the optimizer, for messages ({@code optimizer 'sgd'})
   * @param groups the parameter groups
   * @param settings the resolved options of each group, in the order of {@code groups}
   */
  protected abstract Optimizer build(
      String owner, List<ParameterGroup> groups, List<Options> settings);

  @Override
  public final Optimizer create(Options options, List<ParameterGroup> groups) {
    String owner = "optimizer '" + name() + "'";
    List<Options> settings =
        GroupedOptimizer.resolveGroups(owner, options(), options, groups, this::validate);
    return build(owner, groups, settings);
  }
}
