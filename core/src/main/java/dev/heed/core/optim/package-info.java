/**
 * Training: {@link dev.heed.core.optim.Optimizer} (updates parameters in place from their
 * gradients, with state saved in checkpoints), {@link dev.heed.core.optim.ParameterGroup}, learning
 * rate {@link dev.heed.core.optim.Schedule}s and {@link dev.heed.core.optim.GradientClipping}, with
 * the provider interfaces that plugins implement.
 */
package dev.heed.core.optim;
