package dev.heed.core.nn;

import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Constant tensors a layer computes from its settings and a shape alone (a causal mask, a
 * sinusoidal position table, per-channel normalization constants), made once per key (size,
 * backend, type) and kept for the layer's life — a few keys at most; beyond that a tensor is a
 * temporary of the call, as any other. A forward pass then uploads nothing but its input: a
 * captured step (core's {@code backend.replay}) reads a kept tensor like a parameter and can be
 * replayed, where a constant uploaded in every call would make the capture refuse the step.
 * Thread-safe.
 *
 * @param <K> the key: everything the tensor depends on, its backend and element type included
 */
public final class KeptTensors<K> {
  /** How many tensors are kept. */
  public static final int MAX_KEPT = 16;

  private final Map<K, Tensor> kept = new ConcurrentHashMap<>();

  /** Kept tensors for one layer. */
  public KeptTensors() {}

  /**
   * The tensor of {@code key}, made by {@code make} the first time (outside the caller's {@link
   * Scope}); the caller must not close or change it.
   */
  public Tensor get(K key, Supplier<Tensor> make) {
    Tensor t = kept.get(key);
    if (t != null) {
      return t;
    }
    if (kept.size() >= MAX_KEPT) {
      return make.get();
    }
    Tensor made = Scope.outside(make);
    Tensor raced = kept.putIfAbsent(key, made);
    if (raced != null) {
      made.close();
      return raced;
    }
    return made;
  }
}
