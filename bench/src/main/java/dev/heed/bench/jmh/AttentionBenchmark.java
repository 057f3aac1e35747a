package dev.heed.bench.jmh;

import dev.heed.bench.Steps;
import dev.heed.core.backend.Backend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Multi-head self-attention composed from core operations (Linalg, AttentionOps), as
 * nn.MultiheadAttention: B=8 T=128 D=256 H=4 forward (tape recording) and forward+backward, and the
 * small B=1 T=32 D=64 H=2 forward without the tape (latency).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class AttentionBenchmark {
  /** Backend threads. */
  @Param({"1", "2"})
  public int threads;

  /** Backend name. */
  @Param({"simd"})
  public String backend;

  private Backend device;
  private Steps forward;
  private Steps forwardBackward;
  private Steps small;

  /** For JMH. */
  public AttentionBenchmark() {}

  /** Opens the backend and builds the layers. */
  @Setup
  public void setUp() {
    device = Steps.open(backend, threads);
    forward = Steps.mha(device, 8, 128, 256, 4, true, false);
    forwardBackward = Steps.mha(device, 8, 128, 256, 4, true, true);
    small = Steps.mha(device, 1, 32, 64, 2, false, false);
  }

  /** B=8 T=128 D=256 H=4 forward, training mode. */
  @Benchmark
  public void mhaForward() {
    forward.run();
  }

  /** B=8 T=128 D=256 H=4 forward and backward. */
  @Benchmark
  public void mhaForwardBackward() {
    forwardBackward.run();
  }

  /** B=1 T=32 D=64 H=2 forward, inference. */
  @Benchmark
  public void smallAttentionForward() {
    small.run();
  }

  /** Releases everything. */
  @TearDown
  public void tearDown() {
    forward.close();
    forwardBackward.close();
    small.close();
    device.close();
  }
}
