package dev.heed.core.tensor;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.support.HeapBackend;
import java.lang.foreign.MemorySegment;

/** Core's reference kernels as a backend, for core's own tests (the cpu module depends on core). */
final class TestBackends {
  private TestBackends() {}

  /** The reference kernels of {@link HeapBackend}, counting downloads. */
  static final class Reference extends HeapBackend {
    int downloads;

    @Override
    public String name() {
      return "reference";
    }

    @Override
    public String deviceDescription() {
      return "core's reference kernels";
    }

    @Override
    public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
      downloads++;
      super.download(src, srcOffset, count, host);
    }
  }

  static Reference reference() {
    return new Reference();
  }
}
