package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.io.SafeTensors;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.TestBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer replays its steps by default ({@code training.replay}): a run with replay gives the
 * losses, metrics and weights of the same run without it, bit for bit (simd with Adam: per-step
 * scalars from the optimizer's host pass; with gradient accumulation; SGD under a warm-up schedule
 * that changes the rate every step; Adam on the reference backend, whose fused programs are the
 * reference kernels' definition), and a step the replay cannot take (LAMB's update, whose trust
 * ratio takes reductions) runs eagerly with the same results.
 */
class TrainingReplayRunTest {
  @TempDir Path tmp;

  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");
  private int runs;

  private record Run(TrainResult result, Map<String, float[]> weights, long replayed) {}

  private Run train(boolean replay, String... settings) throws IOException {
    return train(SIMPLE, replay, settings);
  }

  private Run train(Path config, boolean replay, String... settings) throws IOException {
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "data.examples=300",
                "training.epochs=3",
                "training.stop.patience=0",
                "training.stop.target_loss=null",
                "training.replay=" + replay));
    overrides.addAll(List.of(settings));
    Path dir = tmp.resolve("run" + runs++);
    try (Assembly a = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
      TrainResult r = a.train(dir, null);
      return new Run(r, weights(dir.resolve("weights.safetensors")), a.replayedSteps());
    }
  }

  private static Map<String, float[]> weights(Path file) throws IOException {
    Map<String, float[]> out = new TreeMap<>();
    try (Backend cpu = TestBackends.reference()) {
      for (Map.Entry<String, Tensor> e : SafeTensors.read(file, cpu).entrySet()) {
        out.put(e.getKey(), e.getValue().toFloatArray());
      }
    }
    return out;
  }

  private static void assertSame(Run eager, Run replayed) {
    List<EpochEvent> a = eager.result().history();
    List<EpochEvent> b = replayed.result().history();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), "train loss, epoch " + (i + 1));
      assertEquals(a.get(i).validationLoss(), b.get(i).validationLoss(), "val loss " + (i + 1));
      assertEquals(a.get(i).metrics(), b.get(i).metrics(), "metrics, epoch " + (i + 1));
    }
    assertEquals(eager.weights().keySet(), replayed.weights().keySet());
    for (String k : eager.weights().keySet()) {
      assertArrayEquals(eager.weights().get(k), replayed.weights().get(k), k);
    }
  }

  private static boolean simd() {
    return Plugins.shared().backends().names().contains("simd");
  }

  @Test
  void adamOnSimdReplaysTheEagerRunBitForBit() throws IOException {
    assumeTrue(simd(), "the simd backend on the path");
    String[] s = {"backend=simd", "optimizer.name=adam", "optimizer.lr=0.01"};
    Run eager = train(false, s);
    Run replayed = train(true, s);
    assertEquals(0, eager.replayed());
    // 240 training rows in batches of 32: 7 full ones and one of 16 a epoch, over 3 epochs; each
    // size runs eagerly once, is captured twice, then replays
    assertEquals(24 - 3 - 3, replayed.replayed(), "steps replayed");
    assertSame(eager, replayed);
  }

  @Test
  void accumulatedAndScheduledStepsReplayTheEagerRun() throws IOException {
    assumeTrue(simd(), "the simd backend on the path");
    String[] s = {
      "backend=simd",
      "optimizer.lr=0.1",
      "training.accumulate=2",
      "schedule.name=warmup",
      "schedule.warmup_steps=20"
    };
    Run eager = train(false, s);
    Run replayed = train(true, s);
    assertTrue(replayed.replayed() > 0, "replayed: " + replayed.replayed() + " steps");
    assertSame(eager, replayed);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.1})
  void tokenSequencesWithPaddingReplayTheEagerRun(double dropout) throws IOException {
    assumeTrue(simd(), "the simd backend on the path");
    Path config = tmp.resolve("tokens.yaml");
    Files.writeString(
        config,
        """
        seed: 7
        backend: simd
        data:
          type: marked-token-recall
          examples: 300
          vocabulary: 12
          min_length: 4
          max_length: 10
        model:
          layers:
            - type: embedding
              embedding_dim: 8
            - type: positional-encoding
            - type: transformer-encoder-layer
              nhead: 2
              dim_feedforward: 16
              dropout: %s
            - type: sequence-classification-head
              num_classes: 12
              pooling: mean
        optimizer:
          name: adam
          lr: 0.01
        training:
          epochs: 3
          batch_size: 16
        """
            .formatted(dropout));
    Run eager = train(config, false);
    Run replayed = train(config, true);
    // ids as int[] inputs checked at replay, the padding mask built from float flags, the
    // position table kept by the layer; with dropout, each replay draws the next seeds of the run's
    // stream (attention and residual dropout), as the eager run does
    assertTrue(replayed.replayed() > 0, "replayed: " + replayed.replayed() + " steps");
    assertSame(eager, replayed);
  }

  @Test
  void aStepTheReplayCannotTakeRunsEagerlyWithTheSameResults() throws IOException {
    // LAMB's trust ratio takes two reductions per parameter: its update is not one fused program
    String[] s = {"backend=cpu", "optimizer.name=lamb", "optimizer.lr=0.01"};
    Run eager = train(false, s);
    Run replayed = train(true, s);
    assertEquals(0, replayed.replayed(), "LAMB's update is separate kernels");
    assertSame(eager, replayed);
  }

  @Test
  void theReferenceBackendReplaysTheEagerRunBitForBit() throws IOException {
    String[] s = {"backend=cpu", "optimizer.name=adam", "optimizer.lr=0.01"};
    Run eager = train(false, s);
    Run replayed = train(true, s);
    assertEquals(18, replayed.replayed(), "cpu runs Adam's update as one reference program");
    assertSame(eager, replayed);
  }
}
