package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.api.TrainingPlan;
import dev.heed.assembly.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed while saving a checkpoint leaves either the previous checkpoint or the new one,
 * never a mix: the states a crash can leave behind are built by hand and the run is reopened.
 */
class CheckpointCrashTest {
  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");

  @TempDir Path tmp;

  private static List<String> epochs(int n) {
    return List.of(
        "data.examples=200",
        "training.epochs=" + n,
        "training.stop.patience=0",
        "training.stop.target_loss=null",
        "backend=cpu");
  }

  private static void train(int epochs, Path dir) throws IOException {
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, epochs(epochs)), null)) {
      a.train(dir, null);
    }
  }

  private static int resumedStartEpoch(Path dir) throws IOException {
    List<Integer> starts = new ArrayList<>();
    try (Assembly a = Heed.resume(dir, null)) {
      a.train(
          dir,
          new TrainingListener() {
            @Override
            public void onStart(TrainingPlan plan) {
              starts.add(plan.startEpoch());
            }
          });
    }
    return starts.getFirst();
  }

  @Test
  void aCommittedSaveInterruptedDuringTheRenamesIsCompleted() throws IOException {
    Path old = tmp.resolve("old");
    Path next = tmp.resolve("next");
    train(2, old);
    train(3, next);
    // the crash came after the COMMIT marker and the first rename
    Path staging = Files.createDirectories(old.resolve(Checkpoints.STAGING));
    Files.copy(next.resolve(Checkpoints.WEIGHTS), old.resolve(Checkpoints.WEIGHTS), REPLACE);
    Files.copy(next.resolve(Checkpoints.OPTIMIZER), staging.resolve(Checkpoints.OPTIMIZER));
    Files.copy(next.resolve("trainer.json"), staging.resolve("trainer.json"));
    Files.write(staging.resolve("COMMIT"), new byte[0]);

    try (TrainedModel m = Heed.open(old, null)) {
      assertEquals(10, m.inputNames().size());
    }
    assertTrue(Files.exists(staging), "a reader leaves the commit to the writer");
    resumedStartEpoch(old);
    assertFalse(Files.exists(staging), "the staging directory is gone after recovery");
    for (String f : List.of(Checkpoints.WEIGHTS, Checkpoints.OPTIMIZER, "trainer.json")) {
      assertArrayEquals(Files.readAllBytes(next.resolve(f)), Files.readAllBytes(old.resolve(f)), f);
    }
  }

  @Test
  void anUncommittedSaveIsDiscardedAndThePreviousCheckpointResumes() throws IOException {
    Path dir = tmp.resolve("run");
    train(2, dir);
    byte[] weights = Files.readAllBytes(dir.resolve(Checkpoints.WEIGHTS));
    // the crash came while the new files were being written: a truncated file, no marker
    Path staging = Files.createDirectories(dir.resolve(Checkpoints.STAGING));
    Files.write(staging.resolve(Checkpoints.WEIGHTS), new byte[] {1, 2, 3});

    assertEquals(3, resumedStartEpoch(dir));
    assertFalse(Files.exists(staging));
    // the run had finished its 2 epochs, so resuming trains nothing: the old weights are intact
    assertArrayEquals(weights, Files.readAllBytes(dir.resolve(Checkpoints.WEIGHTS)));
  }

  private static final java.nio.file.StandardCopyOption REPLACE =
      java.nio.file.StandardCopyOption.REPLACE_EXISTING;
}
