package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingPlan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final TrainingPlan PLAN = new TrainingPlan(1, 10, 4, 128, 32, "cpu", 42);

  @Test
  void barShowsEpochBarLossRateAndEta() {
    long[] now = {0};
    StringWriter s = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(s), () -> now[0], 120);
    bar.onStart(PLAN);
    for (int e = 1; e <= 2; e++) {
      for (int step = 1; step <= 4; step++) {
        now[0] += 250_000_000L; // a quarter second per step
        bar.onStep(new StepEvent(e, step, 4, 0.5 / e, 128.0));
      }
      bar.onEpoch(new EpochEvent(e, 0.5 / e, 0.6 / e, Map.of(), now[0] / 1_000_000));
    }
    String line = bar.line();
    // 8 of 40 steps in 2 s: 32 steps left take 8 s.
    assertEquals("epoch  2/10 [===>            ]  20% loss 0.25 val 0.3  128 ex/s  ETA 0:08", line);
    bar.onEnd(new TrainResult(Path.of("r"), 2, "max epochs", List.of(), Optional.empty()));
    assertTrue(bar.line().endsWith("128 ex/s  took 0:02"), bar.line());
    String out = s.toString();
    assertTrue(out.startsWith("training on backend cpu: 128 training and 32 validation"), out);
    assertTrue(out.contains("\r" + line), "redrawn in place with a carriage return");
    assertTrue(out.endsWith("\n"), "the bar ends its line at the end");
  }

  @Test
  void barFitsTheTerminal() {
    ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), () -> 0L, 40);
    bar.onStart(PLAN);
    assertEquals(39, bar.line().length(), bar.line());
  }

  @Test
  void barIsThrottled() {
    long[] now = {0};
    StringWriter s = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(s), () -> now[0], 120);
    bar.onStart(PLAN);
    for (int step = 1; step <= 3; step++) {
      now[0] += 1_000_000L; // 1 ms per step: faster than a terminal needs
      bar.onStep(new StepEvent(1, step, 4, 0.5, 128.0));
    }
    assertEquals(1, s.toString().chars().filter(c -> c == '\r').count(), s.toString());
  }

  @Test
  void plainLogHasOneLinePerEpoch() {
    StringWriter s = new StringWriter();
    EpochLog log = new EpochLog(new PrintWriter(s));
    log.onStart(PLAN);
    log.onStep(new StepEvent(1, 4, 4, 0.5, 2500.0));
    log.onEpoch(new EpochEvent(1, 0.5, Double.NaN, Map.of("val_mae", 0.25), 1500));
    log.onEpoch(new EpochEvent(2, 0.25, 0.3, Map.of(), 3000));
    String[] lines = s.toString().split("\n");
    assertEquals(3, lines.length, s.toString());
    assertEquals("epoch 1/10 loss 0.5 val_mae 0.25 | 2500 ex/s | 0:02 elapsed", lines[1]);
    assertEquals("epoch 2/10 loss 0.25 val_loss 0.3 | 2500 ex/s | 0:03 elapsed", lines[2]);
    assertTrue(!s.toString().contains("\r"));
  }

  @Test
  void formats() {
    assertEquals("0.012346", Fmt.loss(0.0123456));
    assertEquals("1.2346e-05", Fmt.loss(0.0000123456));
    assertEquals("nan", Fmt.loss(Double.NaN));
    assertEquals("12.3k", Fmt.rate(12345));
    assertEquals("1:01:01", Fmt.duration(3661));
    assertEquals("0:59", Fmt.duration(59.4));
  }
}
