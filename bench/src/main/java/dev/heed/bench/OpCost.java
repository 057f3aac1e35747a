package dev.heed.bench;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code ops} group: what one kernel call costs on the host. A step of {@link #OPS} small
 * kernels on 16 × 16 FLOAT32 tensors (in turn a dense {@code tanh}, a dense add, a multiply by a
 * row broadcast, which takes the strided kernels, and a 16 × 16 × 16 product) issued through the
 * {@code Backend} SPI without synchronisation, framed by one upload of the input and one download
 * of the result. {@code ops_eager} allocates each output and releases each intermediate as tensors
 * do; {@code ops_replay} is the same step captured once and replayed. Each line gives the time per
 * step and, per operation, the wall time ({@code us_per_op}) and the calling thread's CPU time, the
 * host cost on a device that runs kernels elsewhere (the enqueue path): the median and the least
 * over rounds as long as the timed ones ({@code cpu_us_per_op}, {@code cpu_us_per_op_min}).
 */
final class OpCost {
  /** Kernel calls per step. */
  static final int OPS = 200;

  private static final DType F32 = DType.FLOAT32;
  private static final int N = 16;

  private final Consumer<String> lines;
  private final BenchOptions options;

  OpCost(Consumer<String> lines, BenchOptions options) {
    this.lines = lines;
    this.options = options;
  }

  /** The step's parameters and host arrays. */
  private static final class Step implements AutoCloseable {
    final Backend b;
    final Buffer bias;
    final Buffer row;
    final Buffer w;
    final float[] in = new float[N * N];
    final float[] out = new float[N * N];
    final Layout dense = Layout.contiguous(N * N);
    final Layout matrix = Layout.contiguous(N, N);
    final Layout rows = new Layout(new int[] {N, N}, new long[] {0, 1}, 0);
    final MatmulSpec spec = MatmulSpec.of(1, N, N, N, false, false);

    Step(Backend b) {
      this.b = b;
      bias = b.allocate(F32, N * N);
      row = b.allocate(F32, N);
      w = b.allocate(F32, N * N);
      b.random(Distribution.NORMAL, 0, 0.1, 1, 0, bias, N * N);
      b.random(Distribution.NORMAL, 1, 0.1, 2, 0, row, N);
      b.random(Distribution.NORMAL, 0, 0.25, 3, 0, w, N * N);
      for (int i = 0; i < in.length; i++) {
        in[i] = (float) Math.sin(i);
      }
      b.synchronize();
    }

    /** One step: upload, {@link #OPS} kernels, download. */
    void run() {
      Buffer x = b.allocateForOverwrite(F32, N * N);
      b.upload(MemorySegment.ofArray(in), x, 0, N * N);
      for (int i = 0; i < OPS; i++) {
        Buffer y = b.allocateForOverwrite(F32, N * N);
        switch (i & 3) {
          case 0 -> b.unary(UnaryOp.TANH, 0, 0, x, dense, y, dense);
          case 1 -> b.binary(BinaryOp.ADD, x, dense, bias, dense, y, dense);
          case 2 -> b.binary(BinaryOp.MUL, x, matrix, row, rows, y, matrix);
          default -> b.matmul(spec, x, w, y);
        }
        x.close();
        x = y;
      }
      b.download(x, 0, N * N, MemorySegment.ofArray(out));
      x.close();
    }

    @Override
    public void close() {
      bias.close();
      row.close();
      w.close();
    }
  }

  void run(Backend backend, int threads) {
    String params = "ops=" + OPS + " n=" + N + "x" + N;
    try (Step eager = new Step(backend)) {
      report("ops_eager", params, threads, eager::run);
    }
    try (ReplayBackend rb = ReplayBackend.borrowing(backend);
        Step step = new Step(rb)) {
      step.run(); // what the step makes lazily (kernels, programs) is made outside the capture
      Optional<Plan> plan;
      try (Capture c = rb.capture((Object) step.in)) {
        step.run();
        plan = c.finish((Object) step.out);
        if (plan.isEmpty()) {
          lines.accept("heed info ops_replay not measured: " + c.refusal().orElse("refused"));
          return;
        }
      }
      try (Plan p = plan.get()) {
        Object[] in = {step.in};
        Object[] out = {step.out};
        report("ops_replay", params, threads, () -> p.replay(in, out));
      }
    }
  }

  private void report(String name, String params, int threads, Runnable call) {
    Timing.Result r = Timing.measure(call, options);
    // the calling thread's CPU time, over as many rounds again: median and least per round
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] cpu = new double[options.rounds()];
    for (int round = 0; round < cpu.length; round++) {
      long c0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < r.iters(); i++) {
        call.run();
      }
      cpu[round] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / r.iters() / OPS;
    }
    Arrays.sort(cpu);
    double median =
        cpu.length % 2 == 1
            ? cpu[cpu.length / 2]
            : (cpu[cpu.length / 2 - 1] + cpu[cpu.length / 2]) / 2;
    String extra =
        String.format(
            Locale.ROOT,
            " us_per_op=%.3f cpu_us_per_op=%.3f cpu_us_per_op_min=%.3f",
            r.median() * 1e6 / OPS,
            median,
            cpu[0]);
    lines.accept(Timing.line(name, params, threads, r, 0, "us", extra));
  }
}
