/**
 * Attention units ({@code feature}, {@code additive}, {@code dot}, {@code scaled-dot}, {@code
 * multi-head}) and the blocks built on them (embedding, positional encodings, layer norm, dropout,
 * residual, feed-forward, transformer encoder layer and stack, classification and language-model
 * heads), one provider per name.
 */
package dev.heed.attention;
