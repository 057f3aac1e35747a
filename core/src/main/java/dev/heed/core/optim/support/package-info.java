/**
 * Bases for optimizer plugins: {@link dev.heed.core.optim.support.GroupedOptimizer} (parameter
 * groups with per-group options, learning rates, named state tensors saved and restored, step
 * counts), {@link dev.heed.core.optim.support.GroupedOptimizerProvider} (options resolved per
 * group) and {@link dev.heed.core.optim.support.PerGroup} (values read once from each group's
 * options). An algorithm adds its per-parameter update and its state slots.
 */
package dev.heed.core.optim.support;
