package dev.heed.backend.opencl;

import java.lang.foreign.MemorySegment;

/**
 * A {@code cl_mem} handle and its number, unique in the process and given when {@code
 * clCreateBuffer} made it. The number stays with the handle through the pool ({@link ClPool}), so
 * buffers that reuse a pooled {@code cl_mem} name it as their predecessors did, while one that the
 * driver made at an address it had handed out before (after {@code clReleaseMemObject}) has another
 * number: kernel objects holding an argument ({@link ClKernel}) compare both.
 *
 * @param handle the {@code cl_mem} ({@link MemorySegment#NULL} for an empty buffer)
 * @param id its number (0 for an empty buffer)
 */
record ClMem(MemorySegment handle, long id) {
  /** The handle of every empty buffer, which OpenCL cannot allocate. */
  static final ClMem EMPTY = new ClMem(MemorySegment.NULL, 0);
}
