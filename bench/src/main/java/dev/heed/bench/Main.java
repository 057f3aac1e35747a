package dev.heed.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command-line entry of the benchmark driver until {@code heed bench} wires {@link Benchmarks}:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -p &lt;module path&gt; -m dev.heed.bench/dev.heed.bench.Main \
 *     [--backend simd] [--threads 1,2] [--only matmul,mha,encoder,mlp,mha_small,seed,generate,bert]
 *     [--sizes 256,512,1024,2048] [--rounds 9] [--round-s 0.25] [--warmup-s 2]
 *     [-O|--backend-option KEY=VALUE]...
 * </pre>
 *
 * <p>Like the CLI, this tool is the one place of its module that writes to standard out: it hands
 * {@link System#out} to {@link Benchmarks#run}, which prints one line per measurement.
 */
public final class Main {
  private Main() {}

  /** Parses {@code args} and runs the benchmarks; exits with status 2 on bad arguments. */
  public static void main(String[] args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    try {
      Benchmarks.run(parse(args), out::println);
    } catch (IllegalArgumentException e) {
      err.println("heed bench: " + e.getMessage());
      System.exit(2);
    }
  }

  /** The options that {@code args} describe, over {@link BenchOptions#defaults()}. */
  static BenchOptions parse(String[] args) {
    BenchOptions o = BenchOptions.defaults();
    int rounds = o.rounds();
    double roundS = o.roundSeconds();
    double warmupS = o.warmupSeconds();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--backend" -> o = o.withBackend(v);
          case "--threads" -> o = o.withThreads(ints(v));
          case "--only" -> o = o.withOnly(words(v));
          case "--sizes" -> o = o.withSizes(ints(v));
          case "--rounds" -> rounds = Integer.parseInt(v);
          case "--round-s" -> roundS = Double.parseDouble(v);
          case "--warmup-s" -> warmupS = Double.parseDouble(v);
          case "--backend-option", "-O" -> {
            int eq = v.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException(
                  "option --backend-option: '"
                      + v
                      + "' is not KEY=VALUE (for example matmul=clblast)");
            }
            o = o.withBackendOption(v.substring(0, eq).trim(), v.substring(eq + 1).trim());
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + a
                      + "; expected --backend, --threads, --only, --sizes, --rounds, --round-s"
                      + ", --warmup-s or --backend-option");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("option " + a + ": '" + v + "' is not a number");
      }
    }
    return o.withTiming(rounds, roundS, warmupS);
  }

  private static List<Integer> ints(String v) {
    List<Integer> list = new ArrayList<>();
    for (String s : v.split(",")) {
      list.add(Integer.parseInt(s.trim()));
    }
    return list;
  }

  private static Set<String> words(String v) {
    Set<String> set = new LinkedHashSet<>();
    Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(set::add);
    return set;
  }
}
