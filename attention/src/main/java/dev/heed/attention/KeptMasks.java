package dev.heed.attention;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The causal masks a layer applies, made once per size, backend and type and kept for the layer's
 * life (a few sizes at most; beyond that a mask is a temporary of the call, as any other), so that
 * a forward pass uploads nothing: a captured step reads a kept mask like a parameter and can be
 * replayed. Thread-safe.
 */
final class KeptMasks {
  /** How many masks (sizes, backends, types) are kept. */
  static final int MAX_KEPT = 16;

  private record Key(Backend backend, DType dtype, int queries, int keys) {}

  private final Map<Key, Tensor> masks = new ConcurrentHashMap<>();

  /** {@link AttentionMasks#causal}, kept. */
  Tensor causal(Backend backend, DType dtype, int queries, int keys) {
    Key key = new Key(backend, dtype, queries, keys);
    Tensor kept = masks.get(key);
    if (kept != null) {
      return kept;
    }
    if (masks.size() >= MAX_KEPT) {
      return AttentionMasks.causal(backend, dtype, queries, keys);
    }
    Tensor made = Scope.outside(() -> AttentionMasks.causal(backend, dtype, queries, keys));
    Tensor raced = masks.putIfAbsent(key, made);
    if (raced != null) {
      made.close();
      return raced;
    }
    return made;
  }
}
