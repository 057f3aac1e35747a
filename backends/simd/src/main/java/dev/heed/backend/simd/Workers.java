package dev.heed.backend.simd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The backend's worker threads: {@code threads - 1} daemon helpers plus the calling thread, which
 * always takes part. {@link #parallelFor} publishes a job whose task indices every thread takes
 * from a shared counter, so uneven tasks balance themselves; the caller returns once every task has
 * finished. With one thread, or one task, everything runs on the caller and nothing is allocated.
 *
 * <p>A helper that has finished a job waits for the next one spinning for {@link #SPIN_NANOS}, and
 * only then parks (at once where there are more threads than processors): a training step's split
 * kernels often follow each other within microseconds, and waking a parked thread (or a fork-join
 * pool's submit and join) costs tens of microseconds, where a spinning helper takes the next job in
 * well under one. The spin is short because on a shared machine the scheduler may run a spinning
 * helper on the caller's processor, where a long spin slows the caller more than parking would
 * cost. A helper parked for {@link #KEEP_ALIVE_NANOS} ends; the next job starts it again.
 *
 * <p>One job runs at a time: a {@code parallelFor} called from inside a task (a kernel that splits
 * its own work within a split kernel), or from a second application thread while a job runs, runs
 * on its calling thread alone. A task's exception reaches the caller after every task has finished.
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

  /** How long a helper spins for the next job before parking (see the class comment). */
  static final long SPIN_NANOS = 20_000L;

  /** How long a parked helper waits for a job before its thread ends. */
  static final long KEEP_ALIVE_NANOS = 30_000_000_000L;

  private final int threads;
  private final Helper[] helpers;

  /**
   * How long this pool's helpers spin: {@link #SPIN_NANOS}, or nothing where there are more threads
   * than processors (a spinning helper would then take the processor a working thread needs).
   */
  private final long spinNanos;

  /** Held by the thread whose job runs; a call that finds it taken runs on its caller. */
  private final AtomicBoolean busy = new AtomicBoolean();

  /** The job of {@link #generation}; written before it, cleared when the job is done. */
  private volatile Job job;

  /** Counts published jobs; helpers wait for it to change. Written by the holder of busy. */
  private volatile long generation;

  private volatile boolean closed;

  Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("simd: threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.spinNanos = threads <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0;
    this.helpers = new Helper[threads - 1];
    for (int h = 0; h < helpers.length; h++) {
      helpers[h] = new Helper(h + 1);
    }
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
    if (tasks == 1 || helpers.length == 0 || closed || !busy.compareAndSet(false, true)) {
      for (int t = 0; t < tasks; t++) {
        body.run(t);
      }
      return;
    }
    try {
      run(new Job(body, tasks));
    } finally {
      busy.set(false);
    }
  }

  private void run(Job j) {
    long g = generation;
    for (Helper h : helpers) {
      if (!h.alive) {
        h.start(g);
      }
    }
    job = j;
    generation = g + 1;
    for (Helper h : helpers) {
      if (h.parked) {
        LockSupport.unpark(h.thread);
      }
    }
    j.drain();
    // the helpers finish the tasks they took; short tasks, so spin, yielding if one was descheduled
    for (int spins = 0; j.done.get() < j.tasks; spins++) {
      if (spins < 256) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    job = null;
    Throwable failure = j.failure.get();
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

  /** The helpers' threads started so far (for tests). */
  List<Thread> helperThreads() {
    List<Thread> out = new ArrayList<>();
    for (Helper h : helpers) {
      Thread t = h.thread;
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** Ends the helpers (a job that runs finishes first on the threads that hold its tasks). */
  @Override
  public void close() {
    closed = true;
    for (Helper h : helpers) {
      Thread t = h.thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  /** One published {@link #parallelFor}: its tasks are taken by index, each exactly once. */
  private static final class Job {
    final Body body;
    final int tasks;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Job(Body body, int tasks) {
      this.body = body;
      this.tasks = tasks;
    }

    /** Runs tasks until none is left to take. */
    void drain() {
      for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
        try {
          body.run(t);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          done.incrementAndGet();
        }
      }
    }
  }

  /** A helper thread's loop: take part in each new job, spin, park, end when idle long enough. */
  private final class Helper implements Runnable {
    private final int index;

    /** Whether the thread runs (or is about to); changed under the lock of the Workers. */
    volatile boolean alive;

    /** Set just before parking, so that a new job unparks the thread. */
    volatile boolean parked;

    volatile Thread thread;

    /** The generation last seen, given to a newly started thread. */
    private long seen;

    Helper(int index) {
      this.index = index;
    }

    void start(long generationNow) {
      synchronized (Workers.this) {
        if (alive || closed) {
          return;
        }
        seen = generationNow;
        Thread t = new Thread(this, "heed-simd-" + index);
        t.setDaemon(true);
        thread = t;
        alive = true;
        t.start();
      }
    }

    @Override
    public void run() {
      long last = seen;
      long idleSince = System.nanoTime();
      int spins = 0;
      while (!closed) {
        long g = generation;
        if (g != last) {
          last = g;
          Job j = job;
          if (j != null) {
            j.drain();
          }
          idleSince = System.nanoTime();
          spins = 0;
          continue;
        }
        if ((++spins & 63) != 0 || System.nanoTime() - idleSince < spinNanos) {
          Thread.onSpinWait();
          continue;
        }
        parked = true;
        if (generation == last && !closed) {
          LockSupport.parkNanos(this, KEEP_ALIVE_NANOS);
          // an interrupt would make every later park return at once: nothing here interrupts a
          // helper, so the flag is cleared and the helper waits on
          Thread.interrupted();
        }
        parked = false;
        if (generation == last && System.nanoTime() - idleSince >= KEEP_ALIVE_NANOS) {
          synchronized (Workers.this) {
            if (generation == last) {
              alive = false;
              return;
            }
          }
        }
      }
      synchronized (Workers.this) {
        alive = false;
      }
    }
  }
}
