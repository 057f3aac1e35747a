package dev.heed.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The timing method of the reference scripts' {@code benchutil.py}: warm up for at least {@code
 * warmupSeconds} (and 3 calls), and on until the time per call stops dropping (a JIT at work; at
 * most 15 s), choose the calls per round so a round lasts about {@code roundSeconds}, time {@code
 * rounds} rounds, and report the per-call median, minimum and maximum over the rounds, with the
 * process's CPU use and the CPU that other processes used meanwhile (from {@code /proc/stat}; -1
 * where it cannot be read).
 */
final class Timing {
  private static final double CLOCK_TICK = 100.0; // USER_HZ on Linux

  private Timing() {}

  /** One measurement; times in seconds per call. */
  record Result(double median, double min, double max, int iters, double cpuUtil, double foreign) {}

  /** The longest warm-up, however slowly the JIT settles. */
  private static final double MAX_WARMUP_SECONDS = 15;

  static Result measure(Runnable call, BenchOptions o) {
    long t0 = System.nanoTime();
    int n = 0;
    while (true) {
      call.run();
      n++;
      if (n >= 3 && System.nanoTime() - t0 >= o.warmupSeconds() * 1e9) {
        break;
      }
    }
    // then keep warming up in slices while the time per call still drops by more than 10 %
    // (the JIT is still compiling the kernels); the last slice gives the calls per round
    double per = (System.nanoTime() - t0) / 1e9 / n;
    double slice = Math.max(o.roundSeconds(), 0.1);
    while ((System.nanoTime() - t0) / 1e9 < MAX_WARMUP_SECONDS) {
      int calls = (int) Math.max(1, slice / per);
      long s = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        call.run();
      }
      double now = (System.nanoTime() - s) / 1e9 / calls;
      boolean settled = now > 0.9 * per;
      per = now;
      if (settled) {
        break;
      }
    }
    int iters = (int) Math.max(1, o.roundSeconds() / per);
    double[] times = new double[o.rounds()];
    long busy0 = systemBusyTicks();
    long self0 = selfTicks();
    Duration cpu0 = cpu();
    long w0 = System.nanoTime();
    for (int r = 0; r < times.length; r++) {
      long s = System.nanoTime();
      for (int i = 0; i < iters; i++) {
        call.run();
      }
      times[r] = (System.nanoTime() - s) / 1e9 / iters;
    }
    double wall = (System.nanoTime() - w0) / 1e9;
    double util = (cpu().minus(cpu0).toNanos() / 1e9) / wall;
    long busy1 = systemBusyTicks();
    long self1 = selfTicks();
    double foreign =
        busy0 < 0 || busy1 < 0 || self0 < 0 || self1 < 0
            ? -1
            : Math.max(0, ((busy1 - busy0) - (self1 - self0)) / CLOCK_TICK / wall);
    double[] sorted = times.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    return new Result(median, sorted[0], sorted[sorted.length - 1], iters, util, foreign);
  }

  /**
   * {@code heed <name> <params> threads=N <unit>=… <unit>_min=… <unit>_max=… [gflops=…] iters=…
   * cpu_util=… foreign_cores=… attempt=1<extra>}, as the reference scripts print.
   */
  static String line(
      String name, String params, int threads, Result r, double flops, String unit, String extra) {
    double scale =
        switch (unit) {
          case "s" -> 1;
          case "ms" -> 1e3;
          case "us" -> 1e6;
          default -> throw new IllegalArgumentException("unit " + unit);
        };
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "heed %s %s threads=%d %s=%s %s_min=%s %s_max=%s",
            name,
            params,
            threads,
            unit,
            g4(r.median() * scale),
            unit,
            g4(r.min() * scale),
            unit,
            g4(r.max() * scale)));
    if (flops > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              " gflops=%.2f gflops_min=%.2f gflops_max=%.2f",
              flops / r.median() / 1e9,
              flops / r.max() / 1e9,
              flops / r.min() / 1e9));
    }
    b.append(
        String.format(
            Locale.ROOT,
            " iters=%d cpu_util=%.2f foreign_cores=%.2f steal_cores=0.00 attempt=1%s",
            r.iters(),
            r.cpuUtil(),
            r.foreign(),
            extra));
    return b.toString();
  }

  /** Four significant digits, like Python's {@code %.4g}. */
  private static String g4(double v) {
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains("e") || !s.contains(".")) {
      return s;
    }
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static Duration cpu() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Busy jiffies of all CPUs (user+nice+system+irq+softirq), or -1. */
  private static long systemBusyTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).getFirst();
      String[] f = first.trim().split("\\s+");
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** This process's user+system jiffies, or -1. */
  private static long selfTicks() {
    try {
      String s = Files.readString(Path.of("/proc/self/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
