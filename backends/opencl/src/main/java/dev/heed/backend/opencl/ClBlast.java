package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.heed.core.backend.MatmulSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * CLBlast's strided-batched GEMM ({@code libclblast.so.1}, Debian's {@code libclblast1}), bound
 * through the FFM API when it is installed: the tuned alternative to the built-in tiled kernel that
 * the {@code matmul} option selects. Loaded once per JVM; thread-safe as CLBlast is (the caller
 * holds the backend's launch lock).
 */
@SuppressWarnings("restricted") // binding libclblast.so.1 is what this class is for
final class ClBlast {
  private static final String LIBRARY = "libclblast.so.1";
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANSPOSE = 111;
  private static final int TRANSPOSE = 112;
  private static volatile Object loaded; // a ClBlast, or the String reason it is absent

  private final MethodHandle sgemm;
  private final MethodHandle dgemm;

  private ClBlast(SymbolLookup lib) {
    Linker l = Linker.nativeLinker();
    sgemm = l.downcallHandle(find(lib, "CLBlastSgemmStridedBatched"), descriptor(JAVA_FLOAT));
    dgemm = l.downcallHandle(find(lib, "CLBlastDgemmStridedBatched"), descriptor(JAVA_DOUBLE));
  }

  private static MemorySegment find(SymbolLookup lib, String name) {
    return lib.find(name)
        .orElseThrow(() -> new IllegalStateException(LIBRARY + " has no symbol " + name));
  }

  private static FunctionDescriptor descriptor(MemoryLayout real) {
    return FunctionDescriptor.of(
        JAVA_INT, // status
        JAVA_INT, // layout
        JAVA_INT, // a_transpose
        JAVA_INT, // b_transpose
        JAVA_LONG, // m
        JAVA_LONG, // n
        JAVA_LONG, // k
        real, // alpha
        ADDRESS, // a_buffer
        JAVA_LONG, // a_offset
        JAVA_LONG, // a_ld
        JAVA_LONG, // a_stride
        ADDRESS, // b_buffer
        JAVA_LONG, // b_offset
        JAVA_LONG, // b_ld
        JAVA_LONG, // b_stride
        real, // beta
        ADDRESS, // c_buffer
        JAVA_LONG, // c_offset
        JAVA_LONG, // c_ld
        JAVA_LONG, // c_stride
        JAVA_LONG, // batch_count
        ADDRESS, // cl_command_queue*
        ADDRESS); // cl_event*
  }

  /**
   * CLBlast, loaded on first use.
   *
   * @throws IllegalStateException with the reason when it is not installed
   */
  static ClBlast library() {
    Object o = loaded;
    if (o == null) {
      synchronized (ClBlast.class) {
        o = loaded;
        if (o == null) {
          try {
            o = new ClBlast(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
          } catch (RuntimeException | LinkageError e) {
            o =
                "CLBlast ("
                    + LIBRARY
                    + ") is not installed: "
                    + e.getMessage()
                    + "; install Debian's libclblast1 or use matmul=builtin";
          }
          loaded = o;
        }
      }
    }
    if (o instanceof ClBlast b) {
      return b;
    }
    throw new IllegalStateException((String) o);
  }

  /** Whether CLBlast can run {@code spec}: no empty dimension and no negative batch stride. */
  static boolean handles(MatmulSpec s) {
    return s.batch() > 0
        && s.m() > 0
        && s.n() > 0
        && s.k() > 0
        && s.aBatchStride() >= 0
        && s.bBatchStride() >= 0
        && s.cBatchStride() >= 0;
  }

  /**
   * Queues {@code spec} on {@code queue}; returns CLBlast's status (0 is success).
   *
   * @param wide FLOAT64 (DGEMM) rather than FLOAT32
   */
  int gemm(
      boolean wide,
      MatmulSpec s,
      MemorySegment a,
      MemorySegment b,
      MemorySegment c,
      MemorySegment queue) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment q = arena.allocate(ADDRESS);
      q.set(ADDRESS, 0, queue);
      int ta = s.transA() ? TRANSPOSE : NO_TRANSPOSE;
      int tb = s.transB() ? TRANSPOSE : NO_TRANSPOSE;
      if (wide) {
        return (int)
            dgemm.invokeExact(
                ROW_MAJOR,
                ta,
                tb,
                (long) s.m(),
                (long) s.n(),
                (long) s.k(),
                s.alpha(),
                a,
                s.aOffset(),
                (long) s.lda(),
                s.aBatchStride(),
                b,
                s.bOffset(),
                (long) s.ldb(),
                s.bBatchStride(),
                s.beta(),
                c,
                s.cOffset(),
                (long) s.n(),
                s.cBatchStride(),
                (long) s.batch(),
                q,
                MemorySegment.NULL);
      }
      return (int)
          sgemm.invokeExact(
              ROW_MAJOR,
              ta,
              tb,
              (long) s.m(),
              (long) s.n(),
              (long) s.k(),
              (float) s.alpha(),
              a,
              s.aOffset(),
              (long) s.lda(),
              s.aBatchStride(),
              b,
              s.bOffset(),
              (long) s.ldb(),
              s.bBatchStride(),
              (float) s.beta(),
              c,
              s.cOffset(),
              (long) s.n(),
              s.cBatchStride(),
              (long) s.batch(),
              q,
              MemorySegment.NULL);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("CLBlast gemm failed: " + t, t);
    }
  }
}
