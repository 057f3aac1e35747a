package dev.heed.bench.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The reference scripts' timing ({@code benchutil.py}): a warm-up of at least {@code warmupS}
 * seconds and 3 calls, then {@code rounds} rounds of about {@code roundS} seconds; the per-call
 * median, min and max over the rounds, this process's CPU use, and the CPU other processes used
 * meanwhile (from {@code /proc/stat}).
 */
record Timing(int rounds, double roundS, double warmupS) {
  private static final double CLOCK_TICK = 100.0; // USER_HZ on Linux

  Result measure(Runnable call) {
    long t0 = System.nanoTime();
    int n = 0;
    while (n < 3 || System.nanoTime() - t0 < warmupS * 1e9) {
      call.run();
      n++;
    }
    double per = (System.nanoTime() - t0) / 1e9 / n;
    int iters = (int) Math.max(1, roundS / per);
    double[] times = new double[rounds];
    long busy0 = systemBusyTicks();
    long self0 = selfTicks();
    Duration cpu0 = cpu();
    long w0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
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
    return new Result(median, sorted[0], sorted[sorted.length - 1], iters, util, foreign, 0);
  }

  private static Duration cpu() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Busy jiffies of all CPUs (user+nice+system+irq+softirq), or -1. */
  private static long systemBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
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
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
