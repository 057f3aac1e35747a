package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.assembly.api.ReplayReport;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplayReportTest {
  @Test
  void saysHowTheStepsRan() {
    assertEquals(
        "replay: 784 of 800 steps replayed from captured plans",
        new ReplayReport(800, 784, Optional.empty()).describe());
    assertEquals(
        "replay: 90 of 100 steps replayed from captured plans; others ran eagerly: why",
        new ReplayReport(100, 90, Optional.of("why")).describe());
    assertEquals(
        "replay: steps ran eagerly: why", new ReplayReport(100, 0, Optional.of("why")).describe());
    assertEquals(
        "replay: no step replayed (a batch shape replays from its fourth step)",
        new ReplayReport(3, 0, Optional.empty()).describe());
  }

  @Test
  void refusesImpossibleCounts() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayReport(3, 4, Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> new ReplayReport(-1, 0, Optional.empty()));
  }
}
