package dev.heed.attention;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.KeptTensors;

/** The key of a kept causal mask of {@code length} queries and keys ({@link KeptTensors}). */
record CausalMask(Backend backend, DType dtype, int length) {}
