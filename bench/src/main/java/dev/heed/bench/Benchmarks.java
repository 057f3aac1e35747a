package dev.heed.bench;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.replay.ReplayBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The end-to-end benchmark driver behind {@code heed bench}: the workloads of the PyTorch reference
 * script {@code bench_torch.py} (and {@code bench_seed.py}), composed from core operations and run
 * on a named backend, one line per measurement in the reference scripts' format with the prefix
 * {@code heed} instead of {@code ref torch}, so one script can compare both in one run:
 *
 * <pre>
 * heed matmul n=1024 threads=1 ms=… ms_min=… ms_max=… gflops=… … iters=… cpu_util=… foreign_cores=…
 * heed encoder_fwdbwd_adam B=8 T=128 D=256 H=4 FF=1024 threads=2 ms=… … tokens_per_s=…
 * </pre>
 *
 * <p>Timing follows {@code benchutil.py} (warm-up, rounds, per-call median; see {@link Timing}).
 * Each thread count opens the backend anew with its {@code threads} option. The optimizers ({@code
 * adam}, {@code sgd}) come from the plugin registry.
 */
public final class Benchmarks {
  private static final DType F32 = DType.FLOAT32;

  private final BenchOptions options;
  private final Consumer<String> lines;

  private Benchmarks(BenchOptions options, Consumer<String> lines) {
    this.options = options;
    this.lines = lines;
  }

  /**
   * Runs the benchmarks that {@code options} selects and hands each result line to {@code lines} as
   * soon as it is measured (first a {@code heed info} line per backend configuration).
   *
   * @throws dev.heed.core.plugin.PluginException when the backend or an optimizer is unknown or
   *     unavailable
   */
  public static void run(BenchOptions options, Consumer<String> lines) {
    new Benchmarks(options, lines).runAll();
  }

  private void runAll() {
    BackendProvider provider = Plugins.shared().backends().getAvailable(options.backend());
    boolean threaded = provider.options().find("threads") != null;
    for (int t : options.threads()) {
      if (!threaded && t != 1) {
        lines.accept(
            "heed info backend="
                + provider.name()
                + " threads="
                + t
                + " skipped: the backend has no 'threads' option");
        continue;
      }
      try (Backend backend = Steps.open(provider.name(), t, options.backendOptions())) {
        lines.accept(
            "heed info backend="
                + backend.name()
                + " threads="
                + t
                + (options.backendOptions().isEmpty()
                    ? ""
                    : " options="
                        + options.backendOptions().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(",")))
                + " java="
                + Runtime.version()
                + " loadavg="
                + loadAverage()
                + " device=\""
                + backend.deviceDescription()
                + "\"");
        List<String> groups = BenchOptions.GROUPS;
        for (String g : groups) {
          if (!options.only().contains(g)) {
            continue;
          }
          switch (g) {
            case "matmul" -> matmul(backend, t);
            case "mha" -> mha(backend, t, 8, 128, 256, 4, "mha", "ms", true);
            case "encoder" -> encoder(backend, t);
            case "mlp" -> mlp(backend, t);
            case "mha_small" -> mha(backend, t, 1, 32, 64, 2, "mha_small", "us", false);
            case "seed" -> seed(backend, t);
            case "generate" -> new PretrainedBench(lines, 3, 16, 64).generate(backend, t);
            case "generate_bf16" -> new PretrainedBench(lines, 3, 16, 64).generateBf16(backend, t);
            case "bert" -> new PretrainedBench(lines, 3, 16, 64).bert(backend, t);
            case "conv" -> conv(backend, t);
            case "seq2seq" -> new Seq2SeqBench(lines, options).run(backend, t);
            case "ops" -> new OpCost(lines, options).run(backend, t);
            default -> throw new IllegalStateException(g);
          }
        }
      }
    }
  }

  private void report(
      String name, String params, int threads, Runnable call, double flops, String unit) {
    report(name, params, threads, call, flops, unit, 0);
  }

  private Timing.Result report(
      String name, String params, int threads, Runnable call, double flops, String unit, int tok) {
    return report(name, params, threads, call, flops, unit, tok, "");
  }

  /** {@link #report}, with {@code more} (line fields) at the end of the line. */
  private Timing.Result report(
      String name,
      String params,
      int threads,
      Runnable call,
      double flops,
      String unit,
      int tok,
      String more) {
    Timing.Result r = Timing.measure(call, options);
    String workload = name.endsWith("_replay") ? name.substring(0, name.length() - 7) : name;
    String extra =
        tok > 0
            ? String.format(Locale.ROOT, " tokens_per_s=%.0f", tok / r.median())
                + (workload.endsWith("fwdbwd_adam") ? " flops_model=3xfwd" : "")
            : workload.endsWith("fwdbwd") ? " flops_model=3xfwd" : "";
    extra += more;
    lines.accept(Timing.line(name, params, threads, r, flops, unit, extra));
    return r;
  }

  private void matmul(Backend b, int threads) {
    for (int n : options.sizes()) {
      long size = (long) n * n;
      try (Buffer x = b.allocate(F32, size);
          Buffer y = b.allocate(F32, size);
          Buffer out = b.allocate(F32, size)) {
        b.random(Distribution.NORMAL, 0, 1, 1, 0, x, size);
        b.random(Distribution.NORMAL, 0, 1, 2, 0, y, size);
        MatmulSpec spec = MatmulSpec.of(1, n, n, n, false, false);
        report(
            "matmul",
            "n=" + n,
            threads,
            () -> {
              b.matmul(spec, x, y, out);
              b.synchronize();
            },
            2.0 * n * n * n,
            "ms");
      }
      replayed(
          new Workload(b, threads, "n=" + n, "ms", 0),
          "matmul",
          2.0 * n * n * n,
          on -> Steps.matmul(on, n));
    }
  }

  /** The 3×3 convolution of a ResNet block on Fashion-MNIST-sized images (heed-vision). */
  private void conv(Backend b, int threads) {
    int batch = 32;
    int c = 64;
    int size = 28;
    String params = "B=" + batch + " C=" + c + " H=W=" + size + " k=3";
    double ff = 2.0 * batch * c * c * 9 * size * size;
    Workload w = new Workload(b, threads, params, "ms", 0);
    measure(w, "conv2d_fwd", ff, on -> Steps.conv(on, batch, c, size, false));
    measure(w, "conv2d_fwdbwd", 3 * ff, on -> Steps.conv(on, batch, c, size, true));
    // the Fashion-MNIST CNN's training step (examples/fashion-mnist-cnn.yaml, batch 64); FLOPs
    // are 3× the forward pass's convolutions and dense layers
    int cnnBatch = 64;
    double cnnFwd =
        2.0 * cnnBatch * (16 * 9 * 28 * 28 + 32 * 16 * 9 * 14 * 14 + 1568 * 128 + 128 * 10);
    measure(
        new Workload(b, threads, "B=" + cnnBatch + " H=W=28 conv=16,32 dense=128,10", "ms", 0),
        "cnn_fwdbwd_adam",
        3 * cnnFwd,
        on -> Steps.cnn(on, cnnBatch));
  }

  private static double mhaFlops(int batch, int t, int d) {
    return 8.0 * batch * t * d * d + 4.0 * batch * t * t * d;
  }

  /**
   * Workloads that share a backend, thread count, parameters, unit and tokens per step; each is
   * measured eagerly and replayed.
   *
   * @param tok tokens per step, for a {@code tokens_per_s} field (0 for none)
   */
  private record Workload(Backend backend, int threads, String params, String unit, int tok) {}

  /**
   * The workload that {@code make} builds: measured as it runs (a line named {@code name}), then
   * {@linkplain #replayed replayed}.
   */
  private void measure(Workload w, String name, double flops, Function<Backend, Steps> make) {
    try (Steps steps = make.apply(w.backend())) {
      report(name, w.params(), w.threads(), steps::run, flops, w.unit(), w.tok());
    }
    replayed(w, name, flops, make);
  }

  /**
   * The workload that {@code make} builds on this backend wrapped for capture, captured once and
   * replayed: a line named {@code name_replay}, or an info line saying why the capture was refused.
   */
  private void replayed(Workload w, String name, double flops, Function<Backend, Steps> make) {
    try (ReplayBackend rb = ReplayBackend.borrowing(w.backend())) {
      Steps eager = make.apply(rb);
      String[] why = {"refused"};
      Optional<Steps> replayed = eager.replayed(reason -> why[0] = reason);
      if (replayed.isEmpty()) {
        eager.close();
        lines.accept("heed info " + name + "_replay not measured: " + why[0]);
        return;
      }
      try (Steps r = replayed.get()) {
        report(
            name + "_replay", w.params(), w.threads(), r::run, flops, w.unit(), w.tok(), r.calls());
      }
    }
  }

  private void mha(
      Backend b,
      int threads,
      int batch,
      int t,
      int d,
      int h,
      String tag,
      String unit,
      boolean bwd) {
    double ff = mhaFlops(batch, t, d);
    Workload w =
        new Workload(b, threads, "B=" + batch + " T=" + t + " D=" + d + " H=" + h, unit, 0);
    measure(w, tag + "_fwd_infer", ff, on -> Steps.mha(on, batch, t, d, h, false, false));
    measure(w, tag + "_fwd_train", ff, on -> Steps.mha(on, batch, t, d, h, true, false));
    if (bwd) {
      measure(w, tag + "_fwdbwd", 3 * ff, on -> Steps.mha(on, batch, t, d, h, true, true));
    }
  }

  private void encoder(Backend b, int threads) {
    int batch = 8;
    int t = 128;
    int d = 256;
    int h = 4;
    int ffDim = 1024;
    String params = "B=" + batch + " T=" + t + " D=" + d + " H=" + h + " FF=" + ffDim;
    double ff = mhaFlops(batch, t, d) + 4.0 * batch * t * d * ffDim;
    Workload w = new Workload(b, threads, params, "ms", batch * t);
    measure(w, "encoder_fwdbwd_adam", 3 * ff, on -> Steps.encoder(on, batch, t, d, h, ffDim, true));
    measure(w, "encoder_fwd_infer", ff, on -> Steps.encoder(on, batch, t, d, h, ffDim, false));
  }

  private void mlp(Backend b, int threads) {
    double ff = 2.0 * 64 * (64 * 256 + 256 * 10);
    String params = "in=64 hidden=256 out=10 batch=64";
    measure(
        new Workload(b, threads, params + " loss=mse", "us", 0),
        "mlp_fwdbwd_sgd",
        3 * ff,
        on -> Steps.mlp(on, 64, 64, 256, 10));
    measure(
        new Workload(b, threads, params, "us", 0),
        "mlp_fwd_infer",
        ff,
        on -> Steps.mlpForward(on, 64, 64, 256, 10));
  }

  private void seed(Backend b, int threads) {
    for (int batch : new int[] {1, 32}) {
      Workload w = new Workload(b, threads, "in=10 hidden=10 out=5 batch=" + batch, "us", 0);
      measure(w, "seed_mlp_step", 0, on -> Steps.mlp(on, batch, 10, 10, 5));
      measure(w, "seed_mlp_fwd_infer", 0, on -> Steps.mlpForward(on, batch, 10, 10, 5));
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + "," + f[1] + "," + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
