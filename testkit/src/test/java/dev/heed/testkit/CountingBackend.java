package dev.heed.testkit;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.support.DelegatingBackend;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link DelegatingBackend} that counts its kernel calls by kind and checks that every {@link
 * #beforeKernel} is followed by the {@link #afterKernel} of the same call with its token. It keeps
 * the delegate's name, which the backend contract requires to be a registered provider's.
 */
final class CountingBackend extends DelegatingBackend {
  private final Map<Kernel, AtomicLong> calls = new EnumMap<>(Kernel.class);
  private final AtomicLong tokens = new AtomicLong();
  private final ThreadLocal<Long> open = new ThreadLocal<>();

  CountingBackend(Backend delegate) {
    super(delegate);
    for (Kernel k : Kernel.values()) {
      calls.put(k, new AtomicLong());
    }
  }

  @Override
  protected long beforeKernel(Kernel kernel) {
    if (open.get() != null) {
      throw new AssertionError(kernel + " began inside another kernel call");
    }
    calls.get(kernel).incrementAndGet();
    long token = tokens.incrementAndGet();
    open.set(token);
    return token;
  }

  @Override
  protected void afterKernel(Kernel kernel, long token) {
    Long expected = open.get();
    if (expected == null || expected != token) {
      throw new AssertionError(kernel + " ended with token " + token + ", expected " + expected);
    }
    open.remove();
  }

  /** Calls of {@code kernel} so far. */
  long calls(Kernel kernel) {
    return calls.get(kernel).get();
  }
}
