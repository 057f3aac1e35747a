package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.core.Plugins;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every schedule that PyTorch 1.13 has (warm-up as {@code SequentialLR(LinearLR, …)}), compared
 * with the learning rates that {@code torch.optim.lr_scheduler} produced for two parameter groups
 * (base rates 0.1 and 0.05) after construction and after each of its steps ({@code
 * fixtures/schedules.txt}, from {@code fixtures/make_fixtures.py}): within 1e-5 relative. Each
 * PyTorch step is one Heed epoch of one optimizer step, so schedules on either clock advance once.
 */
class ScheduleReferenceTest {

  /** SGD over two one-element parameters with rates 0.1 and 0.05. */
  static Optimizer twoGroups() {
    OptimizerProvider sgd = Plugins.shared().optimizers().get("sgd");
    Parameter p0 =
        new Parameter(
            Scope.outside(
                () -> Tensors.of(TestBackends.reference(), DType.FLOAT64, new double[] {0}, 1)));
    Parameter p1 =
        new Parameter(
            Scope.outside(
                () -> Tensors.of(TestBackends.reference(), DType.FLOAT64, new double[] {0}, 1)));
    return sgd.create(
        sgd.options().resolve("sgd", Map.of("lr", 0.1)),
        List.of(
            ParameterGroup.of(Map.of("p0", p0)),
            new ParameterGroup(Map.of("p1", p1), Map.of("lr", 0.05))));
  }

  static Schedule schedule(String name, Map<String, Object> options) {
    ScheduleProvider provider = Plugins.shared().schedules().get(name);
    return provider.create(provider.options().resolve("schedule '" + name + "'", options));
  }

  @TestFactory
  Stream<DynamicTest> matchesTorchSchedulers() {
    return Fixtures.cases("schedules.txt").stream()
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  private static void check(Fixtures.Case c) {
    Optimizer optimizer = twoGroups();
    Schedule schedule = schedule(c.kind(), c.options());
    double metric = Double.NaN;
    for (String[] row : c.rows()) {
      int epoch = Integer.parseInt(row[1]);
      if (row[0].equals("metric")) {
        metric = Double.parseDouble(row[2]);
        continue;
      }
      if (epoch == 0) {
        schedule.start(optimizer);
      } else {
        schedule.afterStep(optimizer, epoch);
        schedule.afterEpoch(optimizer, epoch, metric);
      }
      double[] expected = Fixtures.Case.numbers(row, 2);
      for (int g = 0; g < 2; g++) {
        double actual = optimizer.learningRate(g);
        if (!Fixtures.close(actual, expected[g], 1e-5)) {
          fail(
              c.name()
                  + ": learning rate of group "
                  + g
                  + " after "
                  + epoch
                  + " steps is "
                  + actual
                  + ", PyTorch has "
                  + expected[g]);
        }
      }
    }
  }
}
