package dev.heed.backend.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The backend's worker threads: {@code threads - 1} daemon workers of a {@link ForkJoinPool} plus
 * the calling thread, which always takes part. {@link #parallelFor} hands out task indices from a
 * shared counter, so uneven tasks balance themselves. With one thread, or one task, everything runs
 * on the caller and nothing is allocated.
 *
 * <p>A task's exception reaches the caller as it was thrown, once every other task has run.
 *
 * <p>Kernels split work so that each task writes a disjoint part of the output; the result does not
 * depend on which thread ran which task.
 */
final class Workers implements AutoCloseable {
  /** A loop body over task indices. */
  @FunctionalInterface
  interface Body {
    void run(int task);
  }

  private final int threads;
  private final ForkJoinPool pool;

  Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("simd: threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.pool =
        threads == 1
            ? null
            : new ForkJoinPool(
                threads - 1,
                p -> {
                  var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                  t.setDaemon(true);
                  t.setName("heed-simd-" + t.getPoolIndex());
                  return t;
                },
                null,
                false);
  }

  /** Number of threads that run kernels, the caller included. */
  int threads() {
    return threads;
  }

  /** As {@link #parallelFor(int, Body)}, on the calling thread alone unless {@code parallel}. */
  void parallelFor(boolean parallel, int tasks, Body body) {
    if (parallel) {
      parallelFor(tasks, body);
    } else {
      for (int t = 0; t < tasks; t++) {
        body.run(t);
      }
    }
  }

  /** Runs {@code body} for every task in {@code [0, tasks)}, spread over up to the threads. */
  void parallelFor(int tasks, Body body) {
    if (tasks <= 0) {
      return;
    }
    int helpers = Math.min(threads, tasks) - 1;
    if (helpers == 0) {
      for (int t = 0; t < tasks; t++) {
        body.run(t);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    // a task's exception is kept and rethrown as it is (a fork-join task's join would rethrow a
    // copy wrapping it, whose message starts with the original's class name)
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Runnable drain =
        () -> {
          for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
            try {
              body.run(t);
            } catch (RuntimeException | Error e) {
              failed.compareAndSet(null, e);
            }
          }
        };
    @SuppressWarnings("unchecked")
    ForkJoinTask<?>[] forks = new ForkJoinTask<?>[helpers];
    for (int h = 0; h < helpers; h++) {
      forks[h] = pool.submit(drain);
    }
    drain.run();
    for (ForkJoinTask<?> f : forks) {
      f.join();
    }
    Throwable failure = failed.get();
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  /**
   * Splits {@code [0, n)} into contiguous chunks of at least {@code grain} elements, at most one
   * per thread, and runs {@code body(from, to)} for each.
   */
  void parallelRange(long n, long grain, RangeBody body) {
    int chunks = chunks(n, grain);
    if (chunks == 1) {
      body.run(0, n);
      return;
    }
    long step = (n + chunks - 1) / chunks;
    parallelFor(chunks, c -> body.run(c * step, Math.min(n, (c + 1) * step)));
  }

  /**
   * Whether {@link #parallelRange} would run {@code n} elements with this grain on the calling
   * thread alone: small kernels check it first and call their loop directly, without building the
   * lambda of a split.
   */
  boolean serial(long n, long grain) {
    return chunks(n, grain) == 1;
  }

  private int chunks(long n, long grain) {
    return (int) Math.max(1, Math.min(threads, n / Math.max(1, grain)));
  }

  /** A loop body over an index range. */
  @FunctionalInterface
  interface RangeBody {
    void run(long from, long to);
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
