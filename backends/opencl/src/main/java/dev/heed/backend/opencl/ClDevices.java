package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL platforms and devices of this machine, enumerated once per JVM: the provider's cheap
 * availability probe and the device selection of {@link OpenClBackendProvider#create}.
 */
final class ClDevices {
  private static volatile Object probed; // a List<Device>, or the String reason there is none

  private ClDevices() {}

  /**
   * One OpenCL device.
   *
   * @param platformIndex index of its platform in {@code clGetPlatformIDs} order
   * @param platformName the platform's name
   * @param index index of the device within its platform
   * @param name the device's name
   * @param gpu whether it is a GPU
   * @param globalMemory global memory in bytes
   * @param maxAlloc largest single buffer in bytes
   * @param computeUnits compute units
   * @param maxWorkGroup largest work-group
   * @param fp64 whether it reports {@code cl_khr_fp64}
   * @param version the device's OpenCL version string
   * @param driver the driver version string
   * @param platform the {@code cl_platform_id}
   * @param id the {@code cl_device_id}
   */
  record Device(
      int platformIndex,
      String platformName,
      int index,
      String name,
      boolean gpu,
      long globalMemory,
      long maxAlloc,
      int computeUnits,
      long maxWorkGroup,
      boolean fp64,
      String version,
      String driver,
      MemorySegment platform,
      MemorySegment id) {

    /** One line: platform, device, memory and compute units. */
    String describe() {
      return "platform "
          + platformIndex
          + " '"
          + platformName
          + "' device "
          + index
          + " '"
          + name
          + "' ("
          + (gpu ? "GPU" : "non-GPU")
          + ", "
          + (globalMemory >> 20)
          + " MiB global memory, "
          + computeUnits
          + " compute units, "
          + version
          + (fp64 ? ", fp64" : "")
          + ")";
    }
  }

  /**
   * Every device of every platform.
   *
   * @throws IllegalStateException with the reason when there is no library, platform or device
   */
  static List<Device> all() {
    Object o = probed;
    if (o == null) {
      synchronized (ClDevices.class) {
        o = probed;
        if (o == null) {
          try {
            o = List.copyOf(enumerate(Cl.library()));
          } catch (IllegalStateException e) {
            o = e.getMessage();
          } catch (RuntimeException e) {
            o = "OpenCL probe failed: " + e.getMessage();
          }
          probed = o;
        }
      }
    }
    if (o instanceof List<?> l) {
      @SuppressWarnings("unchecked")
      List<Device> devices = (List<Device>) l;
      return devices;
    }
    throw new IllegalStateException((String) o);
  }

  /**
   * The device chosen by {@code platform} and {@code device}, each an index or a case-insensitive
   * substring of the name.
   */
  static Device select(String platform, String device) {
    List<Device> devices = all();
    List<Device> onPlatform = new ArrayList<>();
    for (Device d : devices) {
      if (matches(platform, d.platformIndex(), d.platformName())) {
        onPlatform.add(d);
      }
    }
    if (onPlatform.isEmpty()) {
      throw new IllegalArgumentException(
          "backend 'opencl': option platform='"
              + platform
              + "' matches no OpenCL platform with a device; expected an index or a name"
              + " substring of one of: "
              + listing(devices));
    }
    for (Device d : onPlatform) {
      if (matches(device, d.index(), d.name())) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "backend 'opencl': option device='"
            + device
            + "' matches no device of platform '"
            + platform
            + "'; expected an index or a name substring of one of: "
            + listing(onPlatform));
  }

  static String listing(List<Device> devices) {
    List<String> lines = new ArrayList<>();
    for (Device d : devices) {
      lines.add(d.describe());
    }
    return String.join("; ", lines);
  }

  private static boolean matches(String want, int index, String name) {
    String w = want.trim();
    if (!w.isEmpty() && w.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(w) == index;
    }
    return name.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT));
  }

  private static List<Device> enumerate(Cl cl) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment count = arena.allocate(JAVA_INT);
      int status = Cl.call(cl.getPlatformIds, "clGetPlatformIDs", 0, MemorySegment.NULL, count);
      int n = status == Cl.CL_SUCCESS ? count.get(JAVA_INT, 0) : 0;
      if (status == Cl.CL_PLATFORM_NOT_FOUND_KHR || n == 0) {
        throw new IllegalStateException(
            "no OpenCL platform: libOpenCL.so.1 is installed but no driver (ICD) registers one"
                + " under /etc/OpenCL/vendors; install one, for example pocl-opencl-icd");
      }
      Cl.check(status, "clGetPlatformIDs");
      MemorySegment ids = arena.allocate(ADDRESS, n);
      Cl.check(Cl.call(cl.getPlatformIds, "clGetPlatformIDs", n, ids, count), "clGetPlatformIDs");
      List<Device> devices = new ArrayList<>();
      for (int p = 0; p < n; p++) {
        MemorySegment platform = ids.getAtIndex(ADDRESS, p);
        String platformName = platformString(cl, platform, Cl.CL_PLATFORM_NAME);
        MemorySegment dc = arena.allocate(JAVA_INT);
        int s =
            Cl.call(
                cl.getDeviceIds,
                "clGetDeviceIDs",
                platform,
                Cl.CL_DEVICE_TYPE_ALL,
                0,
                MemorySegment.NULL,
                dc);
        int nd = s == Cl.CL_SUCCESS ? dc.get(JAVA_INT, 0) : 0;
        if (nd == 0) {
          continue;
        }
        MemorySegment dids = arena.allocate(ADDRESS, nd);
        Cl.check(
            Cl.call(
                cl.getDeviceIds, "clGetDeviceIDs", platform, Cl.CL_DEVICE_TYPE_ALL, nd, dids, dc),
            "clGetDeviceIDs");
        for (int d = 0; d < nd; d++) {
          MemorySegment id = dids.getAtIndex(ADDRESS, d);
          String ext = deviceString(cl, id, Cl.CL_DEVICE_EXTENSIONS);
          devices.add(
              new Device(
                  p,
                  platformName,
                  d,
                  deviceString(cl, id, Cl.CL_DEVICE_NAME),
                  (deviceLong(cl, id, Cl.CL_DEVICE_TYPE) & Cl.CL_DEVICE_TYPE_GPU) != 0,
                  deviceLong(cl, id, Cl.CL_DEVICE_GLOBAL_MEM_SIZE),
                  deviceLong(cl, id, Cl.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                  deviceInt(cl, id, Cl.CL_DEVICE_MAX_COMPUTE_UNITS),
                  deviceLong(cl, id, Cl.CL_DEVICE_MAX_WORK_GROUP_SIZE),
                  ext.contains("cl_khr_fp64"),
                  deviceString(cl, id, Cl.CL_DEVICE_VERSION),
                  deviceString(cl, id, Cl.CL_DRIVER_VERSION),
                  platform,
                  id));
        }
      }
      if (devices.isEmpty()) {
        throw new IllegalStateException(
            "no device: " + n + " OpenCL platform(s) found, but none has a device");
      }
      return devices;
    }
  }

  private static String platformString(Cl cl, MemorySegment platform, int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(JAVA_LONG);
      Cl.check(
          Cl.call(
              cl.getPlatformInfo,
              "clGetPlatformInfo",
              platform,
              param,
              0L,
              MemorySegment.NULL,
              size),
          "clGetPlatformInfo");
      long n = size.get(JAVA_LONG, 0);
      MemorySegment buf = arena.allocate(Math.max(1, n));
      Cl.check(
          Cl.call(
              cl.getPlatformInfo, "clGetPlatformInfo", platform, param, n, buf, MemorySegment.NULL),
          "clGetPlatformInfo");
      return buf.getString(0).trim();
    }
  }

  private static String deviceString(Cl cl, MemorySegment device, int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment size = arena.allocate(JAVA_LONG);
      Cl.check(
          Cl.call(cl.getDeviceInfo, "clGetDeviceInfo", device, param, 0L, MemorySegment.NULL, size),
          "clGetDeviceInfo");
      long n = size.get(JAVA_LONG, 0);
      MemorySegment buf = arena.allocate(Math.max(1, n));
      Cl.check(
          Cl.call(cl.getDeviceInfo, "clGetDeviceInfo", device, param, n, buf, MemorySegment.NULL),
          "clGetDeviceInfo");
      return buf.getString(0).trim();
    }
  }

  private static long deviceLong(Cl cl, MemorySegment device, int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_LONG);
      Cl.check(
          Cl.call(cl.getDeviceInfo, "clGetDeviceInfo", device, param, 8L, v, MemorySegment.NULL),
          "clGetDeviceInfo");
      return v.get(JAVA_LONG, 0);
    }
  }

  private static int deviceInt(Cl cl, MemorySegment device, int param) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_INT);
      Cl.check(
          Cl.call(cl.getDeviceInfo, "clGetDeviceInfo", device, param, 4L, v, MemorySegment.NULL),
          "clGetDeviceInfo");
      return v.get(JAVA_INT, 0);
    }
  }
}
