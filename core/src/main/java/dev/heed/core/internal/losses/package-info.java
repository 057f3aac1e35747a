/** Core's built-in losses ({@code mse}, {@code cross-entropy}) as plugins; not exported. */
package dev.heed.core.internal.losses;
