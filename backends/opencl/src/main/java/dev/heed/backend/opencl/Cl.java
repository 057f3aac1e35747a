package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.heed.core.backend.BackendException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The OpenCL 1.2 entry points Heed uses, bound with the FFM API to the system's {@code
 * libOpenCL.so.1} (the ICD loader). One instance per JVM ({@link #library()}); every method returns
 * the raw OpenCL status or handle and is thread-safe as OpenCL makes it. Handles are {@link
 * MemorySegment} addresses; {@code size_t}, {@code cl_ulong} and bitfields are Java {@code long}s.
 */
@SuppressWarnings("restricted") // binding libOpenCL.so.1 is what this class is for
final class Cl {
  static final int CL_SUCCESS = 0;
  static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
  static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;
  static final long CL_DEVICE_TYPE_CPU = 1 << 1;
  static final long CL_DEVICE_TYPE_GPU = 1 << 2;
  static final int CL_PLATFORM_NAME = 0x0902;
  static final int CL_PLATFORM_VERSION = 0x0901;
  static final int CL_DEVICE_TYPE = 0x1000;
  static final int CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
  static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
  static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
  static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
  static final int CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
  static final int CL_DEVICE_NAME = 0x102B;
  static final int CL_DEVICE_VENDOR = 0x102C;
  static final int CL_DRIVER_VERSION = 0x102D;
  static final int CL_DEVICE_VERSION = 0x102F;
  static final int CL_DEVICE_EXTENSIONS = 0x1030;
  static final int CL_PROGRAM_BUILD_LOG = 0x1183;
  static final int CL_KERNEL_WORK_GROUP_SIZE = 0x11B0;
  static final long CL_MEM_READ_WRITE = 1;

  private static final String LIBRARY = "libOpenCL.so.1";
  private static volatile Object loaded; // a Cl, or the String reason it could not be loaded

  final MethodHandle getPlatformIds;
  final MethodHandle getPlatformInfo;
  final MethodHandle getDeviceIds;
  final MethodHandle getDeviceInfo;
  final MethodHandle createContext;
  final MethodHandle createCommandQueue;
  final MethodHandle createBuffer;
  final MethodHandle releaseMemObject;
  final MethodHandle enqueueWriteBuffer;
  final MethodHandle enqueueReadBuffer;
  final MethodHandle enqueueFillBuffer;
  final MethodHandle enqueueCopyBuffer;
  final MethodHandle createProgramWithSource;
  final MethodHandle buildProgram;
  final MethodHandle getProgramBuildInfo;
  final MethodHandle createKernel;
  final MethodHandle getKernelWorkGroupInfo;
  final MethodHandle setKernelArg;
  final MethodHandle enqueueNdRangeKernel;
  final MethodHandle finish;
  final MethodHandle releaseKernel;
  final MethodHandle releaseProgram;
  final MethodHandle releaseCommandQueue;
  final MethodHandle releaseContext;

  private Cl(SymbolLookup lib) {
    Linker l = Linker.nativeLinker();
    getPlatformIds = bind(l, lib, "clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    getPlatformInfo =
        bind(l, lib, "clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
    getDeviceIds =
        bind(l, lib, "clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
    getDeviceInfo =
        bind(l, lib, "clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
    createContext =
        bind(
            l,
            lib,
            "clCreateContext",
            ADDRESS,
            ADDRESS,
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            ADDRESS,
            ADDRESS);
    createCommandQueue =
        bind(l, lib, "clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    createBuffer =
        bind(l, lib, "clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
    releaseMemObject = bind(l, lib, "clReleaseMemObject", JAVA_INT, ADDRESS);
    FunctionDescriptor rw =
        FunctionDescriptor.of(
            JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS,
            ADDRESS);
    enqueueWriteBuffer = l.downcallHandle(find(lib, "clEnqueueWriteBuffer"), rw);
    enqueueReadBuffer = l.downcallHandle(find(lib, "clEnqueueReadBuffer"), rw);
    enqueueFillBuffer =
        bind(
            l,
            lib,
            "clEnqueueFillBuffer",
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            ADDRESS,
            JAVA_LONG,
            JAVA_LONG,
            JAVA_LONG,
            JAVA_INT,
            ADDRESS,
            ADDRESS);
    enqueueCopyBuffer =
        bind(
            l,
            lib,
            "clEnqueueCopyBuffer",
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            ADDRESS,
            JAVA_LONG,
            JAVA_LONG,
            JAVA_LONG,
            JAVA_INT,
            ADDRESS,
            ADDRESS);
    createProgramWithSource =
        bind(
            l,
            lib,
            "clCreateProgramWithSource",
            ADDRESS,
            ADDRESS,
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            ADDRESS);
    buildProgram =
        bind(
            l,
            lib,
            "clBuildProgram",
            JAVA_INT,
            ADDRESS,
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            ADDRESS,
            ADDRESS);
    getProgramBuildInfo =
        bind(
            l,
            lib,
            "clGetProgramBuildInfo",
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            JAVA_INT,
            JAVA_LONG,
            ADDRESS,
            ADDRESS);
    createKernel = bind(l, lib, "clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    getKernelWorkGroupInfo =
        bind(
            l,
            lib,
            "clGetKernelWorkGroupInfo",
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            JAVA_INT,
            JAVA_LONG,
            ADDRESS,
            ADDRESS);
    setKernelArg = bind(l, lib, "clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
    enqueueNdRangeKernel =
        bind(
            l,
            lib,
            "clEnqueueNDRangeKernel",
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            JAVA_INT,
            ADDRESS,
            ADDRESS,
            ADDRESS,
            JAVA_INT,
            ADDRESS,
            ADDRESS);
    finish = bind(l, lib, "clFinish", JAVA_INT, ADDRESS);
    releaseKernel = bind(l, lib, "clReleaseKernel", JAVA_INT, ADDRESS);
    releaseProgram = bind(l, lib, "clReleaseProgram", JAVA_INT, ADDRESS);
    releaseCommandQueue = bind(l, lib, "clReleaseCommandQueue", JAVA_INT, ADDRESS);
    releaseContext = bind(l, lib, "clReleaseContext", JAVA_INT, ADDRESS);
  }

  /**
   * The bound library, loaded on first use.
   *
   * @throws IllegalStateException with the reason when {@code libOpenCL.so.1} cannot be loaded
   */
  static Cl library() {
    Object o = loaded;
    if (o == null) {
      synchronized (Cl.class) {
        o = loaded;
        if (o == null) {
          try {
            o = new Cl(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
          } catch (RuntimeException | LinkageError e) {
            o =
                "no OpenCL library "
                    + LIBRARY
                    + " found ("
                    + e.getMessage()
                    + "); install an OpenCL loader and driver, for example Debian's"
                    + " ocl-icd-libopencl1 and pocl-opencl-icd";
          }
          loaded = o;
        }
      }
    }
    if (o instanceof Cl cl) {
      return cl;
    }
    throw new IllegalStateException((String) o);
  }

  private static MemorySegment find(SymbolLookup lib, String name) {
    return lib.find(name)
        .orElseThrow(
            () -> new IllegalStateException(LIBRARY + " has no symbol " + name + " (OpenCL 1.2)"));
  }

  private static MethodHandle bind(
      Linker l,
      SymbolLookup lib,
      String name,
      java.lang.foreign.MemoryLayout result,
      java.lang.foreign.MemoryLayout... args) {
    return l.downcallHandle(find(lib, name), FunctionDescriptor.of(result, args));
  }

  /** Throws a {@link BackendException} naming {@code what} when {@code status} is an error. */
  static void check(int status, String what) {
    if (status != CL_SUCCESS) {
      throw new BackendException(
          "opencl: " + what + " failed with " + errorName(status) + " (" + status + ")");
    }
  }

  /** Calls a method handle, turning any throwable into a {@link BackendException}. */
  static int call(MethodHandle h, String what, Object... args) {
    try {
      return (int) h.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new BackendException("opencl: " + what + " failed: " + t, t);
    }
  }

  /** Calls a method handle returning a handle. */
  static MemorySegment callHandle(MethodHandle h, String what, Object... args) {
    try {
      return (MemorySegment) h.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new BackendException("opencl: " + what + " failed: " + t, t);
    }
  }

  /** The symbolic name of an OpenCL status code. */
  static String errorName(int status) {
    return switch (status) {
      case -1 -> "CL_DEVICE_NOT_FOUND";
      case -2 -> "CL_DEVICE_NOT_AVAILABLE";
      case -3 -> "CL_COMPILER_NOT_AVAILABLE";
      case -4 -> "CL_MEM_OBJECT_ALLOCATION_FAILURE";
      case -5 -> "CL_OUT_OF_RESOURCES";
      case -6 -> "CL_OUT_OF_HOST_MEMORY";
      case -11 -> "CL_BUILD_PROGRAM_FAILURE";
      case -30 -> "CL_INVALID_VALUE";
      case -33 -> "CL_INVALID_DEVICE";
      case -34 -> "CL_INVALID_CONTEXT";
      case -36 -> "CL_INVALID_COMMAND_QUEUE";
      case -38 -> "CL_INVALID_MEM_OBJECT";
      case -46 -> "CL_INVALID_KERNEL_NAME";
      case -48 -> "CL_INVALID_KERNEL";
      case -49 -> "CL_INVALID_ARG_INDEX";
      case -50 -> "CL_INVALID_ARG_VALUE";
      case -51 -> "CL_INVALID_ARG_SIZE";
      case -52 -> "CL_INVALID_KERNEL_ARGS";
      case -54 -> "CL_INVALID_WORK_GROUP_SIZE";
      case -55 -> "CL_INVALID_WORK_ITEM_SIZE";
      case -61 -> "CL_INVALID_BUFFER_SIZE";
      case -63 -> "CL_INVALID_GLOBAL_WORK_SIZE";
      case CL_PLATFORM_NOT_FOUND_KHR -> "CL_PLATFORM_NOT_FOUND_KHR";
      default -> "OpenCL error";
    };
  }
}
