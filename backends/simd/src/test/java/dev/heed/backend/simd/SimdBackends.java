package dev.heed.backend.simd;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Simd backends with a given thread count, opened once per JVM and shared by the tests. */
final class SimdBackends {
  private static final Map<Integer, Backend> OPEN = new ConcurrentHashMap<>();

  private SimdBackends() {}

  static Backend withThreads(int threads) {
    return OPEN.computeIfAbsent(
        threads,
        t -> {
          BackendProvider p = Plugins.shared().backends().getAvailable("simd");
          return p.create(p.options().resolve("backend 'simd'", Map.of("threads", t)));
        });
  }
}
