/**
 * Optimizer providers. {@link dev.heed.core.optim.support.GroupedOptimizer} holds what every
 * optimizer shares (parameter groups with per-group options, learning rates, named state tensors);
 * each algorithm adds its per-parameter update and its state slots.
 */
package dev.heed.optimizers;
