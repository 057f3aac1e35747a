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
 * Training steps: a transformer encoder layer (B=8 T=128 D=256 H=4 FF=1024, Adam) composed from
 * core operations in the bench module, the 64-256-10 tanh MLP with SGD (batch 64), and the seed's
 * 10-10-5 network with SGD (batch 32).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class TrainingStepBenchmark {
  /** Backend threads. */
  @Param({"1", "2"})
  public int threads;

  /** Backend name. */
  @Param({"simd"})
  public String backend;

  private Backend device;
  private Steps encoder;
  private Steps mlp;
  private Steps seed;

  /** For JMH. */
  public TrainingStepBenchmark() {}

  /** Opens the backend and builds the networks. */
  @Setup
  public void setUp() {
    device = Steps.open(backend, threads);
    encoder = Steps.encoder(device, 8, 128, 256, 4, 1024, true);
    mlp = Steps.mlp(device, 64, 64, 256, 10);
    seed = Steps.mlp(device, 32, 10, 10, 5);
  }

  /** Encoder layer forward, backward and Adam step. */
  @Benchmark
  public void encoderStep() {
    encoder.run();
  }

  /** MLP 64-256-10 step with SGD. */
  @Benchmark
  public void mlpStep() {
    mlp.run();
  }

  /** Seed 10-10-5 step with SGD. */
  @Benchmark
  public void seedStep() {
    seed.run();
  }

  /** Releases everything. */
  @TearDown
  public void tearDown() {
    encoder.close();
    mlp.close();
    seed.close();
    device.close();
  }
}
