/** Layers every Heed installation has: {@code dense}. */
package dev.heed.core.internal.layers;
