package dev.heed.backend.opencl;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link FusedElementwise} on the opencl backend: each program becomes one OpenCL kernel ({@link
 * FusedSource}) in a {@code cl_program} of its own, built on first use and kept in a cache keyed by
 * the program's structure and the element type. Run-time parameters are kernel arguments, so a
 * program whose parameters change every call (a learning rate, a bias correction) is built once.
 * The cache holds the {@link #CAPACITY} programs used most recently and releases the others.
 *
 * <p>An output may be the same buffer as an input (an update in place): the buffer is passed as
 * both arguments, and each work item reads its element of every input before it writes any output.
 */
final class ClFused implements FusedElementwise {
  /** Programs kept built. */
  static final int CAPACITY = 64;

  private static final String KERNEL = "heed_fused";

  private record Key(ElementwiseProgram program, DType dtype) {}

  private final OpenClBackend backend;
  private final Map<Key, ClProgram> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ClProgram> eldest) {
          if (size() > CAPACITY) {
            eldest.getValue().release(); // kernels already queued keep it alive until they finish
            return true;
          }
          return false;
        }
      };
  private long builds;
  // the program launched last, found without a key object (an Adam step runs one program over
  // every parameter); always in the cache, since only a new program evicts one
  private ElementwiseProgram lastProgram;
  private DType lastType;
  private ClProgram lastBuilt;

  ClFused(OpenClBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32 || dtype == DType.FLOAT64 && backend.device().fp64();
  }

  @Override
  public void run(
      ElementwiseProgram program,
      double[] parameters,
      Buffer[] inputs,
      Buffer[] outputs,
      long count) {
    DType dtype = inputs[0].dtype();
    boolean wide = dtype == DType.FLOAT64;
    synchronized (cache) { // an evicted program is released only here, never while in use
      ClProgram built =
          program == lastProgram && dtype == lastType
              ? lastBuilt
              : cache.get(new Key(program, dtype));
      if (built == null) {
        built =
            new ClProgram(
                backend.cl(),
                backend.context(),
                backend.device(),
                FusedSource.of(program, wide, KERNEL),
                backend.kernelLimit());
        builds++;
        cache.put(new Key(program, dtype), built);
      }
      lastProgram = program;
      lastType = dtype;
      lastBuilt = built;
      try (Launch l = backend.begin(built.kernel(KERNEL))) {
        for (double p : parameters) {
          l.real(wide, p);
        }
        for (Buffer b : inputs) {
          l.mem((ClBuffer) b);
        }
        for (Buffer b : outputs) {
          l.mem((ClBuffer) b);
        }
        l.i64(count).run(count);
      }
    }
  }

  /** Number of programs built so far (for tests: one per structure and type while cached). */
  long builds() {
    synchronized (cache) {
      return builds;
    }
  }

  /** Releases every cached program. */
  void release() {
    synchronized (cache) {
      cache.values().forEach(ClProgram::release);
      cache.clear();
      lastProgram = null;
      lastBuilt = null;
    }
  }
}
