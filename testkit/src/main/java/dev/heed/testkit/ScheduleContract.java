package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ScheduleProvider} meets. Extend it in a JUnit 5 test of your plugin:
 *
 * <pre>{@code
 * class CosineTest extends ScheduleContract {
 *   protected ScheduleProvider provider() { return new CosineScheduleProvider(); }
 *   protected Map<String, Object> options() { return Map.of("t_max", 50); }
 * }
 * }</pre>
 *
 * <p>The schedule drives an optimizer with two parameter groups (learning rates 0.1 and 0.02)
 * through {@link #epochs()} epochs of {@link #stepsPerEpoch()} steps, the validation metric
 * improving for the first half and flat after. The contract checks that every rate is finite and at
 * least 0; that two schedules built from the same options set the same rates; that a schedule
 * stopped half way, saved with {@link Schedule#state()} and restored into a new schedule (with
 * {@code loadState} before {@code start}, as a resumed run does) continues with the same rates; and
 * registration and options.
 */
public abstract class ScheduleContract {
  private static final double[] BASE = {0.1, 0.02};

  /** For subclasses. */
  protected ScheduleContract() {}

  /** The provider under test. */
  protected abstract ScheduleProvider provider();

  /** Option values for {@link #provider()}, resolved against its schema. Default: none. */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /** Epochs of the run. Default 12. */
  protected int epochs() {
    return 12;
  }

  /** Steps per epoch. Default 5. */
  protected int stepsPerEpoch() {
    return 5;
  }

  /** {@link #options()} resolved against the provider's schema. */
  protected final Options resolvedOptions() {
    return ProviderChecks.resolve("schedule", provider(), options());
  }

  private String owner() {
    return ProviderChecks.owner("schedule", provider()) + " with " + options();
  }

  /** An optimizer that only holds learning rates, one per group. */
  private static final class Rates implements Optimizer {
    final double[] rates = BASE.clone();

    @Override
    public void step() {}

    @Override
    public List<ParameterGroup> groups() {
      return List.of(ParameterGroup.of(Map.of()), ParameterGroup.of(Map.of()));
    }

    @Override
    public double learningRate(int group) {
      return rates[group];
    }

    @Override
    public void setLearningRate(int group, double learningRate) {
      rates[group] = learningRate;
    }

    @Override
    public Map<String, Tensor> state() {
      return Map.of();
    }

    @Override
    public void loadState(Map<String, Tensor> state) {}
  }

  /** The metric after {@code epoch}: improving for the first half of the run, flat after. */
  private double metric(int epoch) {
    return 1.0 / Math.min(epoch, epochs() / 2);
  }

  /**
   * The rates of both groups after {@code start} and after each call from epoch {@code from}
   * (1-based) to the end; with {@code restore} the schedule first loads that state.
   */
  private List<double[]> run(
      Schedule schedule, Rates optimizer, int from, Map<String, Double> restore) {
    List<double[]> rates = new ArrayList<>();
    if (restore != null) {
      schedule.loadState(restore);
    }
    schedule.start(optimizer);
    rates.add(optimizer.rates.clone());
    long step = (long) (from - 1) * stepsPerEpoch();
    for (int epoch = from; epoch <= epochs(); epoch++) {
      for (int s = 0; s < stepsPerEpoch(); s++) {
        schedule.afterStep(optimizer, ++step);
        rates.add(optimizer.rates.clone());
      }
      schedule.afterEpoch(optimizer, epoch, metric(epoch));
      rates.add(optimizer.rates.clone());
    }
    return rates;
  }

  /** Every rate the schedule sets is finite and at least 0. */
  @Test
  public void ratesAreFiniteAndNonNegative() {
    List<double[]> rates = run(provider().create(resolvedOptions()), new Rates(), 1, null);
    for (int i = 0; i < rates.size(); i++) {
      for (int g = 0; g < 2; g++) {
        double r = rates.get(i)[g];
        assertTrue(
            Double.isFinite(r) && r >= 0,
            owner() + ": call " + i + " set the rate of group " + g + " to " + r);
      }
    }
  }

  /** Two schedules made from the same options set the same rates. */
  @Test
  public void sameOptionsGiveTheSameRates() {
    List<double[]> a = run(provider().create(resolvedOptions()), new Rates(), 1, null);
    List<double[]> b = run(provider().create(resolvedOptions()), new Rates(), 1, null);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), owner() + ": call " + i + " of two equal schedules");
    }
  }

  /**
   * A schedule saved half way and restored into a new one (loadState, then start on an optimizer
   * with the original base rates) sets the same rates from there as the uninterrupted schedule.
   */
  @Test
  public void stateRoundTripContinuesIdentically() {
    List<double[]> whole = run(provider().create(resolvedOptions()), new Rates(), 1, null);
    int half = epochs() / 2;
    Schedule first = provider().create(resolvedOptions());
    Rates optimizer = new Rates();
    first.start(optimizer);
    long step = 0;
    for (int epoch = 1; epoch <= half; epoch++) {
      for (int s = 0; s < stepsPerEpoch(); s++) {
        first.afterStep(optimizer, ++step);
      }
      first.afterEpoch(optimizer, epoch, metric(epoch));
    }
    Map<String, Double> saved = Map.copyOf(first.state());
    List<double[]> resumed =
        run(provider().create(resolvedOptions()), new Rates(), half + 1, saved);
    int offset = half * (stepsPerEpoch() + 1);
    for (int i = 0; i < resumed.size(); i++) {
      assertArrayEquals(
          whole.get(offset + i),
          resumed.get(i),
          1e-12,
          owner()
              + ": rates "
              + (i == 0 ? "after start" : "at call " + i)
              + " of a schedule resumed after epoch "
              + half
              + " from its state "
              + saved);
    }
  }

  /** {@code Plugins.shared().schedules()} finds the provider by its name, as the same class. */
  @Test
  public void registryFindsProviderByName() {
    ProviderChecks.assertRegistered(Plugins.shared().schedules(), provider());
  }

  /** Every declared option is well formed and the schema resolves its defaults. */
  @Test
  public void optionsSchemaResolvesDefaults() {
    ProviderChecks.assertOptions("schedule", provider(), options());
  }
}
