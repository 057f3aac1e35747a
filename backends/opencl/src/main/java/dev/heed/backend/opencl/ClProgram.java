package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.heed.core.backend.BackendException;
import dev.heed.core.backend.DType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one OpenCL program of a backend, built once when the backend opens (so compile errors surface
 * there, with the build log), and its kernels, created on first use and cached. The source is
 * assembled from templates in this package: {@code bits.cl} and {@code common.cl} once, {@code
 * ops.cl} and {@code math.cl} per floating-point type and {@code data.cl} per element type, with
 * the type and the kernel-name suffix as preprocessor macros. A fused elementwise program ({@link
 * ClFused}) is a program of its own, built from the source it is given.
 */
final class ClProgram {
  private final Cl cl;
  private final MemorySegment program;
  private final Map<String, ClKernel> kernels = new ConcurrentHashMap<>();
  private final Map<String, ClKernel[]> typed = new ConcurrentHashMap<>();
  private final ClKernel.Limit limit;

  /** Work-group size of the row reductions and row softmax (a power of two). */
  final int rowGroup;

  /** Matmul work-group edge; each item computes {@link #matmulWork}² outputs. */
  final int matmulLocal;

  /** Outputs per matmul work item along each dimension. */
  final int matmulWork;

  ClProgram(Cl cl, MemorySegment context, ClDevices.Device device, ClKernel.Limit limit) {
    this(cl, context, device, null, limit);
  }

  /**
   * Builds {@code source}, or the assembled kernels of this package when it is null; its kernels'
   * cached objects count against {@code limit}.
   */
  ClProgram(
      Cl cl, MemorySegment context, ClDevices.Device device, String source, ClKernel.Limit limit) {
    this.cl = cl;
    this.limit = limit;
    long wg = device.maxWorkGroup();
    this.rowGroup = (int) Long.highestOneBit(Math.min(256, Math.max(1, wg)));
    // 64 x 64 tiles: on GPUs 16 x 16 items of 4 x 4 outputs; on a CPU device (PoCL) fewer,
    // fatter items of 8 x 8 outputs, which its vectoriser runs better
    boolean big = device.gpu() && wg >= 256;
    this.matmulLocal = big ? 16 : wg >= 64 ? 8 : wg >= 16 ? 4 : 1;
    this.matmulWork = big || !device.gpu() && wg >= 64 ? 4 * 16 / matmulLocal : 4;
    if (source == null) {
      source = source(device.fp64());
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment text = arena.allocateFrom(source, StandardCharsets.UTF_8);
      MemorySegment strings = arena.allocate(ADDRESS);
      strings.set(ADDRESS, 0, text);
      MemorySegment err = arena.allocate(JAVA_INT);
      program =
          Cl.callHandle(
              cl.createProgramWithSource,
              "clCreateProgramWithSource",
              context,
              1,
              strings,
              MemorySegment.NULL,
              err);
      Cl.check(err.get(JAVA_INT, 0), "clCreateProgramWithSource");
      MemorySegment devices = arena.allocate(ADDRESS);
      devices.set(ADDRESS, 0, device.id());
      int status =
          Cl.call(
              cl.buildProgram,
              "clBuildProgram",
              program,
              1,
              devices,
              arena.allocateFrom(""),
              MemorySegment.NULL,
              MemorySegment.NULL);
      if (status != Cl.CL_SUCCESS) {
        String log = buildLog(device.id());
        Cl.call(cl.releaseProgram, "clReleaseProgram", program);
        throw new BackendException(
            "opencl: building the kernels for "
                + device.describe()
                + " failed with "
                + Cl.errorName(status)
                + " ("
                + status
                + "); build log:\n"
                + log);
      }
    }
  }

  /** The full program source for a device with or without {@code cl_khr_fp64}. */
  String source(boolean fp64) {
    StringBuilder s = new StringBuilder();
    if (fp64) {
      s.append("#define HAS_FP64 1\n");
    }
    s.append("#define RWG ").append(rowGroup).append('\n');
    s.append("#define MM_L ").append(matmulLocal).append('\n');
    s.append("#define MM_W ").append(matmulWork).append('\n');
    s.append(resource("bits.cl"));
    s.append(resource("common.cl"));
    String math = resource("ops.cl") + resource("math.cl");
    String data = resource("data.cl");
    s.append(instance(math, "float", "f32", "(float)"));
    s.append(instance(data, "float", "f32", "(float)"));
    s.append(instance(data, "int", "i32", "convert_int_sat_rtz"));
    if (fp64) {
      s.append(instance(math, "double", "f64", "(double)"));
      s.append(instance(data, "double", "f64", "(double)"));
    }
    return s.toString();
  }

  /**
   * {@code template} with {@code T}, {@code K(name)} and {@code CONVERT_REAL} defined around it.
   */
  static String instance(String template, String type, String suffix, String convert) {
    return "\n#define T "
        + type
        + "\n#define K(name) name##_"
        + suffix
        + "\n#define CONVERT_REAL(v) "
        + convert
        + "(v)\n"
        + template
        + "\n#undef T\n#undef K\n#undef CONVERT_REAL\n";
  }

  /** The text of kernel source {@code name} of this package. */
  static String resource(String name) {
    try (InputStream in = ClProgram.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new BackendException("opencl: kernel source " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BackendException("opencl: cannot read kernel source " + name, e);
    }
  }

  private String buildLog(MemorySegment device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(JAVA_LONG);
      int s =
          Cl.call(
              cl.getProgramBuildInfo,
              "clGetProgramBuildInfo",
              program,
              device,
              Cl.CL_PROGRAM_BUILD_LOG,
              0L,
              MemorySegment.NULL,
              size);
      if (s != Cl.CL_SUCCESS) {
        return "(no build log: " + Cl.errorName(s) + ")";
      }
      long n = size.get(JAVA_LONG, 0);
      MemorySegment buf = arena.allocate(Math.max(1, n));
      Cl.call(
          cl.getProgramBuildInfo,
          "clGetProgramBuildInfo",
          program,
          device,
          Cl.CL_PROGRAM_BUILD_LOG,
          n,
          buf,
          MemorySegment.NULL);
      return buf.getString(0);
    }
  }

  /**
   * The kernel {@code name}; its {@code cl_kernel} objects are created on first launch ({@link
   * ClKernel}), so a misspelt name fails there.
   */
  ClKernel kernel(String name) {
    ClKernel k = kernels.get(name);
    return k != null ? k : kernels.computeIfAbsent(name, n -> new ClKernel(cl, program, n, limit));
  }

  /**
   * The kernel {@code prefix} + the name suffix of {@code dtype} ({@code f32}, {@code f64}, {@code
   * i32}), looked up without building its name: {@code prefix} is a constant.
   */
  ClKernel kernel(String prefix, DType dtype) {
    ClKernel[] byType = typed.get(prefix);
    if (byType == null) {
      byType = typed.computeIfAbsent(prefix, p -> new ClKernel[DTYPES]);
    }
    ClKernel k = byType[dtype.ordinal()];
    if (k == null) {
      k = kernel(prefix + suffix(dtype));
      byType[dtype.ordinal()] = k; // racy but idempotent: kernel(name) returns one object per name
    }
    return k;
  }

  /** The copy kernel from {@code src}'s type to {@code dst}'s. */
  ClKernel copyKernel(DType src, DType dst) {
    ClKernel[] byType = typed.get(COPY);
    if (byType == null) {
      byType = typed.computeIfAbsent(COPY, p -> new ClKernel[DTYPES * DTYPES]);
    }
    int i = src.ordinal() * DTYPES + dst.ordinal();
    ClKernel k = byType[i];
    if (k == null) {
      k = kernel(COPY + suffix(src) + "_" + suffix(dst));
      byType[i] = k;
    }
    return k;
  }

  private static final String COPY = "copy_";
  private static final int DTYPES = DType.values().length;

  /** The kernel-name suffix of an element type. */
  static String suffix(DType t) {
    return switch (t) {
      case FLOAT32 -> "f32";
      case FLOAT64 -> "f64";
      case INT32 -> "i32";
      case BFLOAT16 -> "bf16";
      case FLOAT16 -> "f16";
    };
  }

  /** Number of {@code cl_kernel} objects this program's kernels hold. */
  int kernelObjects() {
    int n = 0;
    for (ClKernel k : kernels.values()) {
      n += k.objects();
    }
    return n;
  }

  /** Releases the kernels and the program. */
  void release() {
    for (ClKernel k : kernels.values()) {
      k.release();
    }
    kernels.clear();
    typed.clear();
    Cl.call(cl.releaseProgram, "clReleaseProgram", program);
  }
}
