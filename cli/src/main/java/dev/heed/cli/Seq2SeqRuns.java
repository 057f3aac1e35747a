package dev.heed.cli;

import dev.heed.assembly.Seq2Seq;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code heed train} and {@code heed generate} for configs whose model is made of named parts (an
 * encoder–decoder trained on source/target pairs, {@link Seq2Seq}): one line per epoch with the
 * validation exact match, {@code loss.png} and the cross-attention heatmap of one held-out example
 * as {@code attention.png}; generation of a target for {@code --source} text.
 */
final class Seq2SeqRuns {
  private Seq2SeqRuns() {}

  /** Trains a new run ({@code config} given) or continues {@code runDir} ({@code config} null). */
  static int train(Io io, Path config, List<String> overrides, String backend, Path runDir)
      throws IOException {
    PrintWriter o = io.out();
    Seq2Seq s =
        config != null
            ? Seq2Seq.create(config, overrides, backend)
            : Seq2Seq.resume(runDir, backend);
    o.println(
        "training an encoder-decoder of "
            + s.model().namedParameters().values().stream().mapToLong(p -> p.value().size()).sum()
            + " parameters on "
            + s.vocabulary().size()
            + " tokens (\""
            + s.vocabulary().alphabet()
            + "\" with start, stop, padding)"
            + (config == null ? ", resuming " + runDir : ""));
    o.flush();
    TrainResult result =
        s.train(
            runDir,
            new TrainingListener() {
              @Override
              public void onEpoch(EpochEvent e) {
                o.printf(
                    "epoch %d loss %s val_loss %s val_exact_match %.4f (%.1f s)%n",
                    e.epoch(),
                    Fmt.loss(e.trainLoss()),
                    Fmt.loss(e.validationLoss()),
                    e.metrics().get("val_exact_match"),
                    e.elapsedMillis() / 1000.0);
                o.flush();
              }
            });
    draw(io, () -> Charts.writeLoss(runDir, result));
    draw(
        io,
        () -> Charts.writeAttention(runDir, result.attention().orElseThrow(), Charts.Axes.CROSS));
    o.println("stopped after " + result.epochs() + " epochs: " + result.stopReason());
    o.println(s.replayReport().describe());
    o.println("run directory: " + runDir);
    o.println("next: heed generate " + runDir + " --source TEXT   (--beam 4 for beam search)");
    return Exits.OK;
  }

  @FunctionalInterface
  private interface Drawing {
    Path draw() throws IOException;
  }

  private static void draw(Io io, Drawing d) {
    try {
      d.draw();
    } catch (IOException | RuntimeException | LinkageError e) {
      io.err().println("heed train: warning: could not draw a chart: " + e);
    }
  }

  /** Prints the target of each source: greedy for {@code beam} 1, else beam search. */
  static int generate(
      Io io, Path runDir, List<String> sources, int beam, double lengthPenalty, String backend)
      throws IOException {
    if (sources.isEmpty()) {
      throw new BadInputException(
          "missing --source: " + runDir + " is an encoder-decoder run; give --source TEXT");
    }
    if (beam < 1) {
      throw new BadInputException("--beam: found " + beam + ", expected 1 or more");
    }
    Seq2Seq s = Seq2Seq.open(runDir, backend);
    List<String> out;
    try {
      out = s.generate(sources, beam, lengthPenalty);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--source: " + e.getMessage());
    }
    out.forEach(io.out()::println);
    return Exits.OK;
  }

  /**
   * Refuses an encoder-decoder run for a command that reads runs of {@code model.layers}, saying
   * which commands take it.
   */
  static void refuse(Path runDir, String command) {
    if (Seq2Seq.isPartsRun(runDir)) {
      throw new BadInputException(
          runDir
              + " is an encoder-decoder run (a config of named parts), which heed "
              + command
              + " does not read; use heed generate "
              + runDir
              + " --source TEXT, or heed eval "
              + runDir
              + " PAIRS.jsonl (JSON lines with source and target) for the exact match");
    }
  }
}
