/**
 * The blocks of Llama-style decoders as plain layers built from typed arguments: RMS normalisation,
 * the SwiGLU feed-forward, rotary position embedding and grouped-query self-attention. Their
 * providers (in {@code dev.heed.attention}) only resolve options.
 */
package dev.heed.attention.blocks;
