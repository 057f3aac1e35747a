package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GracefulStopTest {

  @Test
  void passesEventsThroughUntilAStopIsRequested() {
    List<String> seen = new ArrayList<>();
    GracefulStop stop =
        new GracefulStop(
            new TrainingListener() {
              @Override
              public void onStep(StepEvent e) {
                seen.add("step " + e.step());
              }

              @Override
              public void onEpoch(EpochEvent e) {
                seen.add("epoch " + e.epoch());
              }
            });
    stop.onStep(new StepEvent(1, 1, 2, 0.5, 10));
    stop.request();
    assertThrows(GracefulStop.Stopped.class, () -> stop.onStep(new StepEvent(1, 2, 2, 0.5, 10)));
    assertThrows(
        GracefulStop.Stopped.class, () -> stop.onEpoch(new EpochEvent(1, 0.5, 0.5, Map.of(), 10)));
    assertEquals(List.of("step 1", "epoch 1"), seen, "the finished epoch is still reported");
  }

  @Test
  void waitsForTrainingToReturn() throws InterruptedException {
    GracefulStop stop = new GracefulStop(new TrainingListener() {});
    assertFalse(stop.awaitFinished(1));
    Thread t = new Thread(stop::finished);
    t.start();
    assertTrue(stop.awaitFinished(10_000));
    t.join();
  }
}
