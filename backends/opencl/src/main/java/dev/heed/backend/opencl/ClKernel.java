package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.heed.core.backend.BackendException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One kernel of a program and the {@code cl_kernel} objects made of it, each still holding the
 * argument values of an earlier launch. OpenCL keeps a kernel's arguments between enqueues, so a
 * launch whose arguments equal those a cached object holds enqueues that object and sets nothing: a
 * replayed step, which repeats its launches over the same buffers with the same values, makes only
 * the enqueue call per kernel. A launch with new values takes the object used least recently and
 * sets only the arguments that differ from what it holds.
 *
 * <p>Arguments are compared as the words {@link Launch} encodes them. A buffer argument is its
 * {@code cl_mem} handle together with that handle's number ({@link ClMem}), given when the driver
 * made it and kept through the pool. A buffer that reuses a pooled {@code cl_mem} (an eager step
 * allocates the same sizes in the same order every time) matches the objects set for its
 * predecessor, which name that very {@code cl_mem}, alive in the pool or the buffer. A {@code
 * cl_mem} released to the driver is never named again, and one the driver makes later at the same
 * address has another number, so no launch matches an object whose argument names a released
 * handle: the argument is set anew.
 *
 * <p>Bounded: at most {@link #PER_KERNEL} objects per kernel, and beyond the backend's limit
 * ({@link Limit}, shared by all its kernels) no kernel grows past one object; the table is a hash
 * of the argument words with chains, and the objects form a list in order of use. Not thread-safe:
 * the backend's launch lock guards every call but {@link #release} (called when the program is
 * released, when no launch of it can run).
 */
final class ClKernel {
  /** Objects (argument sets) kept per kernel. */
  static final int PER_KERNEL = 512;

  /** One {@code cl_kernel} and the argument words it holds. */
  static final class Slot {
    final MemorySegment kernel;
    long[] words; // the arguments held, when valid
    boolean valid; // false: never set, or left half set; every argument is set anew
    int hash;
    Slot chain;
    Slot newer;
    Slot older;

    Slot(MemorySegment kernel) {
      this.kernel = kernel;
    }
  }

  private final Cl cl;
  private final MemorySegment program;
  final String name;
  private final MemorySegment cname;
  private final Limit limit;
  private final Slot[] table = new Slot[2 * PER_KERNEL];
  private Slot newest;
  private Slot oldest;
  private int count;

  /** The shared bound on objects of all kernels of a backend, and their number. */
  static final class Limit {
    final int max;
    final AtomicInteger objects = new AtomicInteger();

    Limit(int max) {
      this.max = max;
    }
  }

  ClKernel(Cl cl, MemorySegment program, String name, Limit limit) {
    this.cl = cl;
    this.program = program;
    this.name = name;
    this.limit = limit;
    this.cname = Arena.ofAuto().allocateFrom(name);
  }

  /** Number of {@code cl_kernel} objects of this kernel. */
  int objects() {
    return count;
  }

  /** The object holding exactly {@code words[0, n)} (of hash {@code hash}), or null. */
  Slot find(long[] words, int n, int hash) {
    for (Slot s = table[hash & (table.length - 1)]; s != null; s = s.chain) {
      if (s.hash == hash
          && s.valid
          && s.words.length == n
          && Arrays.equals(s.words, 0, n, words, 0, n)) {
        use(s);
        return s;
      }
    }
    return null;
  }

  /**
   * An object to set new arguments on: a new one while the bounds allow, else the one used least
   * recently, taken out of the table (its words stay, for the caller to compare with the new ones).
   */
  Slot take() {
    if (count == 0 || count < PER_KERNEL && limit.objects.get() < limit.max) {
      Slot s = new Slot(create());
      count++;
      limit.objects.incrementAndGet();
      link(s);
      return s;
    }
    Slot s = oldest;
    unhash(s);
    use(s);
    return s;
  }

  /** The arguments {@code s} holds, or null when unknown. */
  static long[] held(Slot s) {
    return s.valid ? s.words : null;
  }

  /** Records that {@code s} now holds {@code words[0, n)}, and files it under {@code hash}. */
  void holds(Slot s, long[] words, int n, int hash) {
    if (s.words == null || s.words.length != n) {
      s.words = new long[n];
    }
    System.arraycopy(words, 0, s.words, 0, n);
    s.valid = true;
    s.hash = hash;
    int i = hash & (table.length - 1);
    s.chain = table[i];
    table[i] = s;
  }

  /** Forgets what {@code s} holds, while its arguments are being set (a failure leaves it so). */
  void forget(Slot s) {
    s.valid = false;
  }

  private void unhash(Slot s) {
    if (!s.valid) {
      return;
    }
    int i = s.hash & (table.length - 1);
    Slot prev = null;
    for (Slot c = table[i]; c != null; prev = c, c = c.chain) {
      if (c == s) {
        if (prev == null) {
          table[i] = c.chain;
        } else {
          prev.chain = c.chain;
        }
        break;
      }
    }
    s.chain = null;
  }

  /** Moves {@code s} to the newest end of the list. */
  private void use(Slot s) {
    if (newest == s) {
      return;
    }
    // unlink
    if (s.older != null) {
      s.older.newer = s.newer;
    } else {
      oldest = s.newer;
    }
    if (s.newer != null) {
      s.newer.older = s.older;
    }
    s.newer = null;
    s.older = null;
    link(s);
  }

  private void link(Slot s) {
    s.older = newest;
    if (newest != null) {
      newest.newer = s;
    }
    newest = s;
    if (oldest == null) {
      oldest = s;
    }
  }

  private MemorySegment create() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment err = arena.allocate(JAVA_INT);
      MemorySegment k;
      try {
        k = (MemorySegment) cl.createKernel.invokeExact(program, cname, err);
      } catch (Throwable t) {
        throw new BackendException("opencl: clCreateKernel " + name + " failed: " + t, t);
      }
      Cl.check(err.get(JAVA_INT, 0), "clCreateKernel " + name);
      return k;
    }
  }

  /** Releases every object. */
  void release() {
    for (Slot s = newest; s != null; s = s.older) {
      Cl.call(cl.releaseKernel, "clReleaseKernel", s.kernel);
    }
    limit.objects.addAndGet(-count);
    Arrays.fill(table, null);
    newest = null;
    oldest = null;
    count = 0;
  }
}
