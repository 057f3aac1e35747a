package com.example.heedapp;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.api.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Trains the model a config describes into a run directory, then opens the run and predicts one
 * row of zeros: {@code TrainAndPredict CONFIG RUN_DIR [KEY=VALUE …]} (the overrides are those of
 * {@code heed train --set}). Exits 1 when the run learned nothing.
 */
public final class TrainAndPredict {
  private TrainAndPredict() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: TrainAndPredict CONFIG RUN_DIR [KEY=VALUE …]");
      System.exit(2);
    }
    Path config = Path.of(args[0]);
    Path runDir = Path.of(args[1]);
    List<String> overrides = Arrays.asList(args).subList(2, args.length);
    TrainResult result;
    try (Assembly assembly = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
      assembly.notes().forEach(System.out::println);
      result =
          assembly.train(
              runDir,
              new TrainingListener() {
                @Override
                public void onEpoch(EpochEvent e) {
                  System.out.printf("epoch %d loss %.5f%n", e.epoch(), e.trainLoss());
                }
              });
    }
    List<EpochEvent> history = result.history();
    double first = history.getFirst().trainLoss();
    double last = history.getLast().trainLoss();
    System.out.printf("stopped after %d epochs: %s%n", result.epochs(), result.stopReason());
    if (!Files.isRegularFile(runDir.resolve("weights.safetensors")) || !(last < first)) {
      System.err.printf("the run did not learn: loss %.5f -> %.5f%n", first, last);
      System.exit(1);
    }
    try (TrainedModel model = Heed.open(runDir, null)) {
      double[] zeros = new double[model.inputNames().size()];
      double[] out = model.predict(List.of(zeros)).getFirst();
      System.out.println(model.outputNames() + " at zero inputs: " + Arrays.toString(out));
    }
  }
}
