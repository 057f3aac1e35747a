/**
 * The building blocks of networks and their plugin SPIs: {@link dev.heed.core.nn.Layer} and {@link
 * dev.heed.core.nn.Module} (named {@link dev.heed.core.nn.Parameter}s with PyTorch's {@code
 * state_dict} names), {@link dev.heed.core.nn.Dense} and {@link dev.heed.core.nn.Sequential},
 * {@link dev.heed.core.nn.AttentionUnit} (queries, keys and values to outputs and weights, the
 * weights computed only when asked for), {@link dev.heed.core.nn.Activation}, {@link
 * dev.heed.core.nn.Loss} and {@link dev.heed.core.nn.Initializer}, each with its provider interface
 * for {@link java.util.ServiceLoader}. {@link dev.heed.core.nn.PyTorchInit} holds PyTorch's default
 * initialisation of {@code nn.Linear} for authors who port a module. Implementations live in other
 * modules and are built from core operations, so they run on every backend with correct gradients.
 */
package dev.heed.core.nn;
