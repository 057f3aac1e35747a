package com.example.heed.backend;

import dev.heed.core.backend.Backend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counting backends over each wrapped backend, opened once per JVM and shared by the tests. */
final class CountingBackends {
  private static final Map<String, Backend> OPEN = new ConcurrentHashMap<>();

  private CountingBackends() {}

  /** A new counting backend over {@code wraps}. */
  static CountingBackend create(String wraps) {
    CountingBackendProvider p = new CountingBackendProvider();
    return (CountingBackend)
        p.create(p.options().resolve("backend 'counting'", Map.of("wraps", wraps)));
  }

  /** The shared counting backend over {@code wraps}. */
  static Backend over(String wraps) {
    return OPEN.computeIfAbsent(wraps, CountingBackends::create);
  }
}
