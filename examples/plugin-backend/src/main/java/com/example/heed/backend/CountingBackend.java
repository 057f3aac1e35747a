package com.example.heed.backend;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.support.DelegatingBackend;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backend that runs every kernel on the backend it wraps and counts the calls by kernel; on
 * {@link #close()} it logs a summary through {@link System.Logger} (logger {@value #LOGGER}, level
 * INFO) and closes the wrapped backend.
 *
 * <p>Everything else comes from {@link DelegatingBackend}: the wrapped backend's buffers are
 * wrapped in this backend's own (core checks that a kernel's buffers belong to the backend it is
 * issued to), and the wrapped backend's fused attention, layer norm and elementwise chains are
 * passed through, so wrapping the simd backend keeps its speed.
 */
final class CountingBackend extends DelegatingBackend {
  /** The logger of the summary. */
  static final String LOGGER = "com.example.heed.backend.counting";

  private final Map<Kernel, LongAdder> calls = new EnumMap<>(Kernel.class);

  CountingBackend(Backend wrapped) {
    super(wrapped);
    for (Kernel k : Kernel.values()) {
      calls.put(k, new LongAdder());
    }
  }

  @Override
  public String name() {
    return CountingBackendProvider.NAME;
  }

  @Override
  public String deviceDescription() {
    return "counting the kernel calls of "
        + delegate().name()
        + ": "
        + delegate().deviceDescription();
  }

  @Override
  protected long beforeKernel(Kernel kernel) {
    calls.get(kernel).increment();
    return 0;
  }

  /** The calls of each kernel so far (every kernel, zeros included), in {@link Kernel} order. */
  Map<Kernel, Long> counts() {
    Map<Kernel, Long> m = new EnumMap<>(Kernel.class);
    calls.forEach((k, n) -> m.put(k, n.sum()));
    return m;
  }

  /**
   * One line: the total and each kernel that ran, most calls first, for example {@code counting
   * backend over cpu: 1204 kernel calls: BINARY 512, MATMUL 300, …}.
   */
  String summary() {
    List<Map.Entry<Kernel, Long>> ran = new ArrayList<>();
    long total = 0;
    for (Map.Entry<Kernel, Long> e : counts().entrySet()) {
      if (e.getValue() > 0) {
        ran.add(e);
        total += e.getValue();
      }
    }
    ran.sort(Map.Entry.<Kernel, Long>comparingByValue().reversed());
    StringBuilder s =
        new StringBuilder("counting backend over ")
            .append(delegate().name())
            .append(": ")
            .append(total)
            .append(" kernel calls");
    String sep = ": ";
    for (Map.Entry<Kernel, Long> e : ran) {
      s.append(sep).append(e.getKey()).append(' ').append(e.getValue());
      sep = ", ";
    }
    return s.toString();
  }

  /** Logs the summary and closes the wrapped backend. */
  @Override
  public void close() {
    System.getLogger(LOGGER).log(Level.INFO, summary());
    super.close();
  }
}
