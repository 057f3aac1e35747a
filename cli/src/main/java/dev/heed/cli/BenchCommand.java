package dev.heed.cli;

import dev.heed.bench.BenchOptions;
import dev.heed.bench.Benchmarks;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code heed bench [--backend B] [--threads N,…] [--only GROUP,…]}: the end-to-end benchmark
 * driver of {@code dev.heed.bench}, one result line per measurement.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure kernels and training steps (matmul, multi-head attention, an encoder layer, MLPs,"
          + " the seed network) on a backend; prints one line per measurement, in the format of"
          + " the PyTorch reference scripts, so ratios can be taken on the same machine."
    })
final class BenchCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      completionCandidates = Backends.class,
      description = "The backend to measure (default: simd).")
  String backend;

  @Option(
      names = {"-t", "--threads"},
      split = ",",
      paramLabel = "N",
      description = "Thread counts to measure at (default: 1,2).")
  List<Integer> threads;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "GROUP",
      completionCandidates = Groups.class,
      description =
          "Only these workload groups: ${COMPLETION-CANDIDATES} (default: all but the pretrained-model groups generate and bert, and conv).")
  List<String> only;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "N",
      description = "Matrix sizes of the matmul group (default: 256,512,1024,2048).")
  List<Integer> sizes;

  @Option(names = "--rounds", paramLabel = "N", description = "Timed rounds (default: 9).")
  Integer rounds;

  @Option(
      names = "--round-seconds",
      paramLabel = "S",
      description = "Target length of one round (default: 0.25).")
  Double roundSeconds;

  @Option(
      names = "--warmup-seconds",
      paramLabel = "S",
      description = "Minimum warm-up (default: 2).")
  Double warmupSeconds;

  @Option(
      names = {"-O", "--backend-option"},
      paramLabel = "KEY=VALUE",
      description =
          "A further option of the backend, for example matmul=clblast for opencl (repeatable;"
              + " the thread count comes from --threads).")
  Map<String, String> backendOptions;

  /** Completion candidates: the workload groups. */
  static final class Groups extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Groups() {
      super(BenchOptions.GROUPS);
    }
  }

  @Override
  public Integer call() {
    BenchOptions options;
    try {
      options = BenchOptions.defaults();
      if (backend != null) {
        options = options.withBackend(backend);
      }
      if (threads != null) {
        options = options.withThreads(threads);
      }
      if (only != null) {
        options = options.withOnly(new LinkedHashSet<>(only));
      }
      if (sizes != null) {
        options = options.withSizes(sizes);
      }
      if (backendOptions != null) {
        for (Map.Entry<String, String> e : backendOptions.entrySet()) {
          options = options.withBackendOption(e.getKey(), e.getValue());
        }
      }
      if (rounds != null || roundSeconds != null || warmupSeconds != null) {
        options =
            options.withTiming(
                rounds != null ? rounds : options.rounds(),
                roundSeconds != null ? roundSeconds : options.roundSeconds(),
                warmupSeconds != null ? warmupSeconds : options.warmupSeconds());
      }
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    PrintWriter out = parent.io().out();
    Benchmarks.run(
        options,
        line -> {
          out.println(line);
          out.flush();
        });
    return Exits.OK;
  }
}
