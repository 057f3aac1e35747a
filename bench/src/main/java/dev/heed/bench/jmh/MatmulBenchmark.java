package dev.heed.bench.jmh;

import dev.heed.bench.Steps;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.MatmulSpec;
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

/** Square FLOAT32 matrix products {@code C = A·B} of size n (2n³ flops), as torch.mm(out=). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class MatmulBenchmark {
  /** Matrix size. */
  @Param({"256", "512", "1024", "2048"})
  public int n;

  /** Backend threads. */
  @Param({"1", "2"})
  public int threads;

  /** Backend name. */
  @Param({"simd"})
  public String backend;

  private Backend device;
  private Buffer a;
  private Buffer b;
  private Buffer c;
  private MatmulSpec spec;

  /** For JMH. */
  public MatmulBenchmark() {}

  /** Opens the backend and fills the operands. */
  @Setup
  public void setUp() {
    device = Steps.open(backend, threads);
    long size = (long) n * n;
    a = device.allocate(DType.FLOAT32, size);
    b = device.allocate(DType.FLOAT32, size);
    c = device.allocate(DType.FLOAT32, size);
    device.random(Distribution.NORMAL, 0, 1, 1, 0, a, size);
    device.random(Distribution.NORMAL, 0, 1, 2, 0, b, size);
    spec = MatmulSpec.of(1, n, n, n, false, false);
  }

  /** One product. */
  @Benchmark
  public void matmul() {
    device.matmul(spec, a, b, c);
    device.synchronize();
  }

  /** Releases everything. */
  @TearDown
  public void tearDown() {
    a.close();
    b.close();
    c.close();
    device.close();
  }
}
