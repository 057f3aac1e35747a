package dev.heed.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Benchmarks#run} measures and how.
 *
 * @param backend the backend provider name ({@code simd}, {@code cpu}, …)
 * @param threads the thread counts to measure at, each passed as the backend's {@code threads}
 *     option (a backend without that option is measured at 1 thread only)
 * @param only the workload groups to run, as in the reference script's {@code --only}: {@code
 *     matmul}, {@code mha}, {@code encoder}, {@code mlp}, {@code mha_small}, {@code seed}
 * @param sizes the matrix sizes of {@code matmul}
 * @param rounds timed rounds per measurement (the median is reported), at least 1
 * @param roundSeconds target length of one round
 * @param warmupSeconds minimum warm-up before the rounds (and at least 3 calls)
 * @param backendOptions further options of the backend by name, as a command line gives them (for
 *     example {@code matmul=clblast} for {@code opencl}); checked by the backend's schema when it
 *     opens. {@code threads} is not among them: it comes from {@code threads}
 */
public record BenchOptions(
    String backend,
    List<Integer> threads,
    Set<String> only,
    List<Integer> sizes,
    int rounds,
    double roundSeconds,
    double warmupSeconds,
    Map<String, String> backendOptions) {

  /** Every workload group, in the order they run. */
  public static final List<String> GROUPS =
      List.of(
          "matmul",
          "mha",
          "encoder",
          "mlp",
          "mha_small",
          "seed",
          "generate",
          "generate_bf16",
          "bert",
          "conv",
          "seq2seq",
          "ops");

  /**
   * The groups that run when none are named: all but the pretrained-model ones ({@code generate},
   * {@code generate_bf16}, {@code bert}), which take minutes, {@code conv} (heed-vision's
   * convolution), {@code seq2seq} (the date-format encoder–decoder transformer) and {@code ops}
   * (the host cost per kernel call, {@link OpCost}), which are run by name.
   */
  public static final List<String> DEFAULT_GROUPS =
      List.of("matmul", "mha", "encoder", "mlp", "mha_small", "seed");

  /** Checks the values and copies the collections. */
  public BenchOptions {
    Objects.requireNonNull(backend, "backend");
    threads = List.copyOf(threads);
    only = Set.copyOf(only);
    sizes = List.copyOf(sizes);
    backendOptions = Collections.unmodifiableMap(new LinkedHashMap<>(backendOptions));
    if (backendOptions.containsKey("threads")) {
      throw new IllegalArgumentException(
          "bench: the backend's 'threads' option is set by the thread counts (--threads), not as a"
              + " backend option");
    }
    for (int t : threads) {
      if (t < 1) {
        throw new IllegalArgumentException("bench: thread counts must be >= 1, got " + threads);
      }
    }
    for (String g : only) {
      if (!GROUPS.contains(g)) {
        throw new IllegalArgumentException(
            "bench: unknown workload group '" + g + "'; expected some of " + GROUPS);
      }
    }
    for (int n : sizes) {
      if (n < 1) {
        throw new IllegalArgumentException("bench: matmul sizes must be >= 1, got " + sizes);
      }
    }
    if (rounds < 1 || roundSeconds <= 0 || warmupSeconds < 0) {
      throw new IllegalArgumentException(
          "bench: rounds must be >= 1 and round time > 0, got rounds="
              + rounds
              + " roundSeconds="
              + roundSeconds
              + " warmupSeconds="
              + warmupSeconds);
    }
  }

  /**
   * The reference scripts' defaults, except for a longer warm-up: backend {@code simd}, threads 1
   * and 2, every group but {@code generate} and {@code bert}, sizes 256–2048, 9 rounds of 0.25 s
   * after 2 s of warm-up. (The reference warms up for 0.5 s; Java needs longer, because the Vector
   * API kernels are fast only once the optimising JIT has compiled them, which on a busy 2-core
   * machine takes more than 0.5 s.)
   */
  public static BenchOptions defaults() {
    return new BenchOptions(
        "simd",
        List.of(1, 2),
        Set.copyOf(DEFAULT_GROUPS),
        List.of(256, 512, 1024, 2048),
        9,
        0.25,
        2.0,
        Map.of());
  }

  /** A copy with another backend. */
  public BenchOptions withBackend(String value) {
    return new BenchOptions(
        value, threads, only, sizes, rounds, roundSeconds, warmupSeconds, backendOptions);
  }

  /** A copy with other thread counts. */
  public BenchOptions withThreads(List<Integer> value) {
    return new BenchOptions(
        backend, value, only, sizes, rounds, roundSeconds, warmupSeconds, backendOptions);
  }

  /** A copy with other workload groups. */
  public BenchOptions withOnly(Set<String> value) {
    return new BenchOptions(
        backend, threads, value, sizes, rounds, roundSeconds, warmupSeconds, backendOptions);
  }

  /** A copy with other matmul sizes. */
  public BenchOptions withSizes(List<Integer> value) {
    return new BenchOptions(
        backend, threads, only, value, rounds, roundSeconds, warmupSeconds, backendOptions);
  }

  /**
   * A copy with backend option {@code key} set to {@code value} (a later value for the same key
   * wins).
   */
  public BenchOptions withBackendOption(String key, String value) {
    Map<String, String> map = new LinkedHashMap<>(backendOptions);
    map.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return new BenchOptions(
        backend, threads, only, sizes, rounds, roundSeconds, warmupSeconds, map);
  }

  /** A copy with other timing (rounds, seconds per round, warm-up seconds). */
  public BenchOptions withTiming(int rounds, double roundSeconds, double warmupSeconds) {
    return new BenchOptions(
        backend, threads, only, sizes, rounds, roundSeconds, warmupSeconds, backendOptions);
  }
}
