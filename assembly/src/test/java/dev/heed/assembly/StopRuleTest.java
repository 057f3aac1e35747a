package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.config.StopConfig;
import dev.heed.assembly.train.StopRule;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StopRuleTest {
  private static EpochEvent epoch(int n, double train, double val, long millis) {
    return new EpochEvent(n, train, val, Map.of("val_accuracy", 0.5 + n * 0.1), millis);
  }

  @Test
  void targetLossWatchesValidationLossWhenThereIsOne() {
    StopRule rule = new StopRule(new StopConfig(0.1, null, null, 0, 0, 0), 100);
    assertNull(rule.check(epoch(1, 0.05, 0.2, 0), 1e9, 0).reason());
    assertEquals("target loss 0.1 reached", rule.check(epoch(2, 0.3, 0.09, 0), 1e9, 0).reason());
    assertEquals(
        "target loss 0.1 reached", rule.check(epoch(3, 0.05, Double.NaN, 0), 1e9, 0).reason());
  }

  @Test
  void targetAccuracyIsReachedFromBelow() {
    StopRule rule = new StopRule(new StopConfig(null, "val_accuracy", 0.75, 0, 0, 0), 100);
    assertNull(rule.check(epoch(2, 1, 1, 0), 1e9, 0).reason());
    assertEquals(
        "target val_accuracy 0.75 reached", rule.check(epoch(3, 1, 1, 0), 1e9, 0).reason());
  }

  @Test
  void patienceCountsEpochsWithoutImprovement() {
    StopRule rule = new StopRule(new StopConfig(null, null, null, 2, 0.01, 0), 100);
    StopRule.Decision d = rule.check(epoch(1, 1, 0.5, 0), Double.POSITIVE_INFINITY, 0);
    assertEquals(0.5, d.bestLoss());
    d = rule.check(epoch(2, 1, 0.495, 0), d.bestLoss(), d.badEpochs());
    assertEquals(1, d.badEpochs(), "less than min_delta is no improvement");
    assertNull(d.reason());
    d = rule.check(epoch(3, 1, 0.6, 0), d.bestLoss(), d.badEpochs());
    assertEquals("patience", d.reason());
  }

  @Test
  void timeBudgetAndMaxEpochs() {
    StopRule rule = new StopRule(new StopConfig(null, null, null, 0, 0, 1.5), 3);
    assertNull(rule.check(epoch(1, 1, 1, 1000), 1e9, 0).reason());
    assertEquals("time budget", rule.check(epoch(2, 1, 1, 1500), 1e9, 0).reason());
    assertEquals("max epochs", rule.check(epoch(3, 1, 1, 0), 1e9, 0).reason());
  }
}
