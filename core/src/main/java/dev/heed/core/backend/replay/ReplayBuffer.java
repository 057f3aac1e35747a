package dev.heed.core.backend.replay;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;

/**
 * A delegate's buffer presented as a {@link ReplayBackend}'s. Captures and plans pin the buffers
 * they use: {@link #close()} then marks this buffer released for its users (core refuses to use it
 * again) but frees the delegate's memory only when the last pin goes, so a plan's kernels always
 * run on live memory.
 */
final class ReplayBuffer implements Buffer {
  private final ReplayBackend owner;
  final Buffer inner;
  // kept here so that a plan can compare allocations after the delegate's memory is freed
  private final DType dtype;
  private final long size;
  private int pins;
  private volatile boolean closed;

  ReplayBuffer(ReplayBackend owner, Buffer inner) {
    this.owner = owner;
    this.inner = inner;
    this.dtype = inner.dtype();
    this.size = inner.size();
  }

  synchronized void pin() {
    pins++;
  }

  synchronized void unpin() {
    if (--pins == 0 && closed) {
      inner.close();
    }
  }

  @Override
  public Backend backend() {
    return owner;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean isReleased() {
    return closed;
  }

  @Override
  public boolean reclaimedByGarbageCollector() {
    return inner.reclaimedByGarbageCollector();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pins == 0) {
      inner.close();
    }
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
