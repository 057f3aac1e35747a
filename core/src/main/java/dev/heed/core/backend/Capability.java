package dev.heed.core.backend;

/**
 * Marker for optional, faster kernels that a backend may offer beyond the primitive set (fused
 * attention, fused layer norm, fused activation chains). Core asks with {@link
 * Backend#capability(Class)} and falls back to a composite of primitive kernels when the answer is
 * empty, so results must agree with that composite within the contract tolerances.
 */
public interface Capability {}
