/**
 * Heed's core: {@link dev.heed.core.Plugins}, the one place that discovers plugins with {@link
 * java.util.ServiceLoader} (one registry per plugin kind, deterministic order, unknown names
 * answered with the available ones and the artifact that provides them).
 *
 * <p>The other packages: {@link dev.heed.core.tensor} (tensors, views and autodiff), {@link
 * dev.heed.core.backend} (the compute SPI, its checked entry point and the optional capabilities),
 * {@link dev.heed.core.backend.support} (reference loops and a base class for heap backends),
 * {@link dev.heed.core.nn} (layers, attention units, activations, losses, initializers), {@link
 * dev.heed.core.optim} (optimizers, schedules, clipping), {@link dev.heed.core.plugin} (providers,
 * typed options, the registry) and {@link dev.heed.core.io} (safetensors). Core depends on the JDK
 * only.
 */
package dev.heed.core;
